"""Staff-group updates, and staff members' desk commands, go to the StaffDesk instead of the assistant."""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError

from bot.core.messages import Inbound, InboundKind
from bot.handoff.desk import COMMANDS, StaffDesk, StaffInbound, StaffReply, is_desk_button
from bot.telegram_channel.handlers import Context

log = logging.getLogger(__name__)

_KINDS = {InboundKind.BUTTON: "button", InboundKind.COMMAND: "command"}


def staff_inbound(update: Update, inbound: Inbound) -> StaffInbound:
    chat = update.effective_chat
    message = update.message
    return StaffInbound(
        channel=inbound.channel,
        user_id=inbound.user_id,
        chat_id=inbound.chat_id,
        kind=_KINDS.get(inbound.kind, "message"),
        text=(message.text or "") if message else "",
        command=inbound.command,
        button_data=inbound.button_data,
        message_id=message.message_id if message else None,
        thread_id=message.message_thread_id if message and message.is_topic_message else None,
        forum=bool(chat.is_forum),
        private=chat.type == ChatType.PRIVATE,
        update_key=inbound.update_key,
    )


def may_be_desk_work(update: Update, inbound: Inbound) -> bool:
    """Cheap first look, before asking the database: group updates, and private desk commands and claim buttons."""
    if update.effective_chat.type != ChatType.PRIVATE:
        return True
    return inbound.command in COMMANDS or is_desk_button(inbound.button_data)


async def handle_if_desk_work(update: Update, context: Context, inbound: Inbound) -> bool:
    """Give the update to the staff desk when it is desk work; True when it was."""
    services = context.bot_data
    desk: StaffDesk | None = services.desk
    if desk is None or not may_be_desk_work(update, inbound):
        return False
    staff = staff_inbound(update, inbound)
    if not await services.run_domain(desk.wants, staff):
        return False
    reply: StaffReply = await services.run_domain(desk.handle, staff)
    if not reply.handled:
        return True
    await show(update, context, desk, reply)
    return True


async def show(update: Update, context: Context, desk: StaffDesk, reply: StaffReply) -> None:
    """Answer the press, edit the ticket's post, open its forum topic, and send any reply in the same topic."""
    query = update.callback_query
    if query is not None:
        await query.answer(reply.notice)
        if reply.edit is not None and isinstance(query.message, Message):
            try:
                await query.edit_message_text(reply.edit.text)
            except BadRequest as error:
                log.info("could not edit ticket post in update %s: %s", update.update_id, error.message)
    if reply.open_topic is not None:
        request = reply.open_topic
        try:
            topic = await context.bot.create_forum_topic(int(request.chat_id), request.name)
            await context.bot_data.run_domain(desk.topic_opened, request.ticket_id, topic.message_thread_id)
        except TelegramError as error:
            # No topic (no right to manage topics): the claimer still has the ticket, answered by /reply.
            log.warning("could not open a topic for ticket %s: %s", request.ticket_id, error.message)
            await context.bot_data.run_domain(desk.topic_failed, request.ticket_id)
    message = update.effective_message
    thread = message.message_thread_id if message and message.is_topic_message else None
    for outbound in reply.messages:
        await context.bot.send_message(update.effective_chat.id, outbound.text, message_thread_id=thread)
