"""A minimal PTB echo bot pointed at a FakeTelegram; the throughput baseline for benchmarks."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

__all__ = ["build_echo_application"]


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None or message.text is None:
        return
    await context.bot.send_message(chat_id=message.chat_id, text=message.text)


def build_echo_application(
    api_url: Any,
    token: str = "123:TEST",
    *,
    concurrent_updates: bool | int = False,
    rate_limiter: Any = None,
    connection_pool_size: int | None = None,
) -> Application:
    """An Application that answers every text (commands included) with the same text.

    ``api_url`` is ``server.url`` (a FakeTelegram is accepted too); requests go to
    ``{api_url}/bot<token>/<method>`` and files to ``{api_url}/file/bot<token>/...``."""
    url = getattr(api_url, "url", api_url).rstrip("/")
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{url}/bot")
        .base_file_url(f"{url}/file/bot")
        .concurrent_updates(concurrent_updates)
    )
    if rate_limiter is not None:
        builder = builder.rate_limiter(rate_limiter)
    if connection_pool_size is not None:
        builder = builder.connection_pool_size(connection_pool_size)
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, _echo))
    return app
