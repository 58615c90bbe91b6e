"""Telegram through the web service's own port: PTB's application without an updater, fed by a webhook route."""

from __future__ import annotations

import hmac
import logging

from starlette.requests import Request
from starlette.responses import Response
from telegram import Update
from telegram.ext import Application

from bot.settings import Settings
from bot.telegram_channel.authenticity import webhook_secret

log = logging.getLogger(__name__)
SECRET_HEADER = "x-telegram-bot-api-secret-token"


def _secret(settings: Settings) -> str:
    """The webhook's secret; MissingWebhookSecret when there is none or it is weak: no webhook takes forged updates."""
    return str(webhook_secret(settings))


async def start(application: Application, settings: Settings) -> None:
    """Initialise and start the application (with its post_init), then point Telegram at our webhook route."""
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    await application.start()
    if application.updater is None:
        await application.bot.set_webhook(settings.webhook.url, secret_token=_secret(settings),
                                          allowed_updates=Update.ALL_TYPES)
    else:  # no public URL: poll Telegram from this one process
        await application.updater.start_polling(allowed_updates=Update.ALL_TYPES)


async def stop(application: Application) -> None:
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    await application.stop()
    await application.shutdown()
    if application.post_shutdown is not None:
        await application.post_shutdown(application)


def route(application: Application, settings: Settings):
    """The webhook endpoint: check Telegram's secret header, queue the update, answer at once."""
    secret = _secret(settings)

    async def take_update(request: Request) -> Response:
        if not hmac.compare_digest(request.headers.get(SECRET_HEADER, "").encode(), secret.encode()):
            return Response(status_code=403)
        try:
            update = Update.de_json(await request.json(), application.bot)
        except ValueError:
            return Response(status_code=400)
        await application.update_queue.put(update)
        return Response(status_code=200)

    return take_update
