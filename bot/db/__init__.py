"""Persistence: models, engine, repositories and migrations."""
