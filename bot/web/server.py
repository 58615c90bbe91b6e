"""`legalbot serve`: uvicorn running the web service, in one process or several workers on one port."""

from __future__ import annotations

import logging

import uvicorn
from starlette.applications import Starlette

from bot.db.migrate import upgrade
from bot.services import build_assistant
from bot.settings import Settings, get_settings
from bot.web.app import create_app
from bot.web.logs import uvicorn_log_config

log = logging.getLogger(__name__)


def build() -> Starlette:
    """The app of one worker, from the process's settings (uvicorn calls this in each worker)."""
    settings = get_settings()
    assistant = build_assistant(settings, migrate=False)
    telegram = None
    if settings.telegram_bot_token is not None:
        from bot.telegram_channel.app import build_application

        # With a public webhook URL Telegram posts to our route; without one this process polls.
        telegram = build_application(settings, assistant, updater=not settings.webhook.url)
    return create_app(settings, assistant, telegram)


def serve(settings: Settings, host: str, port: int, workers: int) -> None:
    """Migrate once, say where the chat is, and serve until interrupted."""
    if settings.telegram_bot_token is not None and settings.webhook.url:
        from bot.telegram_channel.authenticity import MissingWebhookSecret, webhook_secret

        try:
            webhook_secret(settings)
        except MissingWebhookSecret as error:
            raise SystemExit(str(error)) from None
    upgrade(settings.database_url)
    if workers > 1 and settings.telegram_bot_token is not None and not settings.webhook.url:
        raise SystemExit("several workers need Telegram's webhook (webhook.url): long polling allows one process")
    print(f"法律超市 web chat: http://{host}:{port}/", flush=True)
    uvicorn.run("bot.web.server:build", factory=True, host=host, port=port, workers=workers,
                proxy_headers=True, log_level="info", log_config=uvicorn_log_config(), timeout_graceful_shutdown=5)
