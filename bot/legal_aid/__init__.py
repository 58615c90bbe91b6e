"""The legal-aid green channel: input checks, eligibility, wage claims and tracking (never imports telegram)."""
