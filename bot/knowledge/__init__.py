"""The knowledge base of hot legal questions, the statute table it cites, and retrieval."""
