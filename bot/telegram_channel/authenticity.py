"""Only authentic updates reach the bot: the webhook's secret token, and a private chat's sender being its owner."""

from __future__ import annotations

import hmac
import logging
import re

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop

from bot.core import audit
from bot.settings import Settings
from bot.telegram_channel.handlers import CHANNEL, Context

log = logging.getLogger(__name__)
FORGED = "forged_update"
# Telegram allows 1-256 characters of A-Z, a-z, 0-9, _ and -; fewer than 24 is guessable.
_SECRET = re.compile(r"^[A-Za-z0-9_-]{24,256}$")


class MissingWebhookSecret(ValueError):
    """Webhook mode without a usable secret: anyone who reaches the URL could post updates as any user."""


class WebhookSecret(str):
    """The webhook's secret token. PTB checks each request's header with `!=`; against this it takes constant time."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and hmac.compare_digest(self.encode(), other.encode())

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = str.__hash__


def webhook_secret(settings: Settings) -> WebhookSecret:
    """The secret webhook mode must have; MissingWebhookSecret says why when there is none or it is weak."""
    secret = settings.telegram_webhook_secret.get_secret_value() if settings.telegram_webhook_secret else ""
    if not secret:
        raise MissingWebhookSecret(
            "refusing to start in webhook mode: TELEGRAM_WEBHOOK_SECRET is not set. Without it anyone who can reach "
            "the webhook URL can post forged updates and act as any resident or member of staff. Set it to 24-256 "
            "random characters (A-Z, a-z, 0-9, _ or -), e.g. `python -c \"import secrets; print(secrets.token_urlsafe(32))\"`.")
    if not _SECRET.match(secret):
        raise MissingWebhookSecret(
            "refusing to start in webhook mode: TELEGRAM_WEBHOOK_SECRET must be 24-256 characters of A-Z, a-z, 0-9, "
            "_ or - (Telegram's alphabet), so that it cannot be guessed.")
    return WebhookSecret(secret)


def is_forged(update: Update) -> bool:
    """In a private chat the sender is the chat's owner: a different from.id is someone acting for another user."""
    chat, user = update.effective_chat, update.effective_user
    return chat is not None and chat.type == ChatType.PRIVATE and user is not None and user.id != chat.id


async def drop_forged_updates(update: object, context: Context) -> None:
    """Stop a forged private-chat update before any handler sees it, and audit it with ids only."""
    if not isinstance(update, Update) or not is_forged(update):
        return
    services = context.bot_data
    assistant = services.assistant
    actor = f"{CHANNEL}:{update.effective_user.id}"
    detail = f"update={update.update_id} chat={update.effective_chat.id}"
    log.warning("dropped forged update %s: sender %s is not private chat %s", update.update_id,
                update.effective_user.id, update.effective_chat.id)
    await services.run_domain(audit.record_now, assistant.sessions, actor, FORGED, assistant.clock(), detail)
    raise ApplicationHandlerStop
