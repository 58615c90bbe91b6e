"""Render domain replies as Telegram markup."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.messages import Outbound


def keyboard(outbound: Outbound) -> InlineKeyboardMarkup | None:
    if not outbound.buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(button.label, callback_data=button.data) for button in row] for row in outbound.buttons]
    )
