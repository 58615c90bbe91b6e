"""🏢 企业法律体检: the enterprise legal health check, written as data (forms/health_check.yml, knowledge/health_check.yml)."""
