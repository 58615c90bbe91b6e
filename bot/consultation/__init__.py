"""💬 法律咨询: questions in the resident's own words, answered from the knowledge base; 🔥 本月热点."""
