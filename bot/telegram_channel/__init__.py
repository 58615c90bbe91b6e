"""The Telegram channel: python-telegram-bot wiring, thin handlers and rendering."""
