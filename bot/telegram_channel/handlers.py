"""Thin handlers: read the update, ask the assistant, send what it says."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from telegram import Message, Update
from telegram.constants import ChatType, MessageLimit
from telegram.error import BadRequest, TelegramError
from telegram.ext import CallbackContext, ExtBot

from bot.core.assistant import Assistant
from bot.core.messages import FileRef, Inbound, InboundKind, Outbound, Reply
from bot.handoff.desk import StaffDesk
from bot.telegram_channel.render import keyboard

log = logging.getLogger(__name__)
CHANNEL = "telegram"


@dataclass
class BotServices:
    """What every handler needs, held in bot_data instead of string keys."""

    assistant: Assistant | None = None
    desk: StaffDesk | None = None
    database_workers: ThreadPoolExecutor | None = None
    extra: dict = field(default_factory=dict)

    async def run_domain(self, function, *args):
        """Run blocking domain and database work off the event loop."""
        return await asyncio.get_running_loop().run_in_executor(self.database_workers, function, *args)


Context = CallbackContext[ExtBot, dict, dict, BotServices]


def inbound_from(update: Update, kind: InboundKind, **fields) -> Inbound:
    user, chat = update.effective_user, update.effective_chat
    return Inbound(
        channel=CHANNEL,
        user_id=str(user.id if user else chat.id),
        chat_id=str(chat.id),
        kind=kind,
        update_key=str(update.update_id),
        language_hint=user.language_code if user else None,
        private_chat=chat.type == ChatType.PRIVATE,
        message_id=update.message.message_id if update.message else None,
        **fields,
    )


async def run_command(update: Update, context: Context) -> None:
    """Handle /command, with or without @botname."""
    first, _, payload = update.effective_message.text.partition(" ")
    word = first[1:].split("@")[0].lower()
    await respond(update, context, inbound_from(update, InboundKind.COMMAND, command=word, payload=payload.strip()))


async def press_button(update: Update, context: Context) -> None:
    data = update.callback_query.data or ""
    await respond(update, context, inbound_from(update, InboundKind.BUTTON, button_data=data))


async def read_text(update: Update, context: Context) -> None:
    await respond(update, context, inbound_from(update, InboundKind.TEXT, text=update.effective_message.text))


async def share_location(update: Update, context: Context) -> None:
    location = update.effective_message.location
    point = (location.latitude, location.longitude)
    await respond(update, context, inbound_from(update, InboundKind.LOCATION, location=point))


def file_ref(message: Message) -> FileRef | None:
    """The photo (largest size; Telegram sends photos as JPEG) or document in a message, without downloading it."""
    if message.photo:
        photo = message.photo[-1]
        return FileRef(photo.file_id, "image/jpeg", photo.file_size or 0, f"photo-{photo.file_unique_id}.jpg")
    document = message.document
    if document is not None:
        return FileRef(document.file_id, document.mime_type or "", document.file_size or 0, document.file_name or "")
    return None


async def take_media(update: Update, context: Context) -> None:
    """Anything that is not text: stickers, photos, voice, documents. A file is downloaded only if the domain wants it."""
    message = update.effective_message
    media_type = message.effective_attachment.__class__.__name__.lower() if message.effective_attachment else ""
    inbound = inbound_from(update, InboundKind.MEDIA, media_type=media_type, file=file_ref(message))
    services = context.bot_data
    if inbound.file is not None and await services.run_domain(services.assistant.wants_file, inbound):
        try:
            telegram_file = await context.bot.get_file(inbound.file.file_id)
            content = bytes(await telegram_file.download_as_bytearray())
        except TelegramError as error:  # the domain then says the file could not be read, and asks again
            log.warning("could not download a file in update %s: %s", update.update_id, error.message)
            content = None
        inbound = replace(inbound, file_content=content)
    await respond(update, context, inbound)


async def note_edit(update: Update, context: Context) -> None:
    await respond(update, context, inbound_from(update, InboundKind.EDITED, text=""))


async def respond(update: Update, context: Context, inbound: Inbound) -> None:
    """Run the domain off the event loop, then deliver its reply."""
    from bot.telegram_channel.staff_desk import handle_if_desk_work

    if await handle_if_desk_work(update, context, inbound):
        return
    services = context.bot_data
    reply: Reply = await services.run_domain(services.assistant.handle, inbound)
    if not reply.handled:
        return
    if update.callback_query is not None:
        await update.callback_query.answer(reply.notice)
    for outbound in reply.messages:
        await deliver(context, update, outbound)


def split_text(text: str, limit: int = MessageLimit.MAX_TEXT_LENGTH) -> list[str]:
    """Cut text longer than one Telegram message at paragraph, then line, boundaries."""
    parts: list[str] = []
    while len(text) > limit:
        cut = max(text.rfind("\n\n", 0, limit), text.rfind("\n", 0, limit))
        cut = cut if cut > 0 else limit
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return parts + [text]


async def deliver(context: Context, update: Update, outbound: Outbound) -> Message | bool:
    chat_id = update.effective_chat.id
    *leading, last = split_text(outbound.text)
    for part in leading:
        await context.bot.send_message(chat_id, part)
    if leading:
        outbound = Outbound(last, outbound.buttons, replace=False, attachment=outbound.attachment)
    markup = keyboard(outbound)
    query = update.callback_query
    if outbound.replace and query is not None and isinstance(query.message, Message):
        try:
            return await query.edit_message_text(outbound.text, reply_markup=markup)
        except BadRequest as error:
            if "not modified" in error.message:
                return True
            log.info("could not edit message in update %s (%s); sending anew", update.update_id, error.message)
    if outbound.attachment is not None:
        attachment = outbound.attachment
        return await context.bot.send_document(
            chat_id, attachment.content, filename=attachment.filename, caption=outbound.text or None, reply_markup=markup
        )
    return await context.bot.send_message(chat_id, outbound.text, reply_markup=markup)


async def report_error(update: object, context: Context) -> None:
    """Log the failure with ids only, and tell the user in their language that nothing was lost."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("error while handling update %s", update_id, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.effective_chat.type != ChatType.PRIVATE:
        return
    user = update.effective_user
    lang = "en" if user and (user.language_code or "").startswith("en") else "zh"
    text = context.bot_data.assistant.content.texts.get("internal_error", lang).strip()
    try:
        await context.bot.send_message(update.effective_chat.id, text)
    except Exception:  # noqa: BLE001 - the user-facing apology is best effort
        log.warning("could not deliver the error apology for update %s", update_id)
