"""The web channel: one ASGI service with the resident web chat, the Telegram webhook, /healthz and /metrics."""
