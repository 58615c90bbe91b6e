"""The channel-agnostic domain: it never imports telegram."""
