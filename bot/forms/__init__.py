"""The form engine: guided forms written as YAML (forms/*.yml), run one step at a time from drafts in the database."""
