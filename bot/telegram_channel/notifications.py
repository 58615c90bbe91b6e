"""Send the notifications outbox through Telegram: every few seconds, and right after an update that wrote some."""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.core.messages import Outbound
from bot.notifications.outbox import Outbox
from bot.notifications.repository import PendingNotification
from bot.telegram_channel.handlers import Context, split_text
from bot.telegram_channel.render import keyboard

log = logging.getLogger(__name__)


class NotificationCourier:
    """Claims this channel's pending notifications and sends each once; one delivery run at a time per process.

    A claimed batch's lease is renewed while it is being sent (a rate-limited group can hold a send for minutes), and
    each row is checked to be still held just before its send: a claim that lapsed anyway is never sent or marked.
    """

    def __init__(self, outbox: Outbox):
        self.outbox = outbox
        self._running = asyncio.Lock()

    async def deliver_pending(self, context: Context) -> int:
        """Send every notification there is to send; return how many went out."""
        services, sent = context.bot_data, 0
        async with self._running:
            while True:
                batch = await services.run_domain(self.outbox.claim)
                keeper = asyncio.create_task(self._keep_claimed(services, batch)) if batch else None
                try:
                    for pending in batch:
                        sent += await self._send(context.bot, services, pending)
                finally:
                    if keeper is not None:
                        keeper.cancel()
                if len(batch) < self.outbox.config.batch_size:
                    return sent

    async def _keep_claimed(self, services, batch: list[PendingNotification]) -> None:
        """Renew the batch's lease until the batch is done, so no other process takes a row still being sent."""
        while True:
            await asyncio.sleep(self.outbox.renew_every)
            try:
                held = await services.run_domain(self.outbox.renew, batch)
            except Exception:  # noqa: BLE001 - a missed renewal is retried; the send itself is fenced by its token
                log.warning("could not renew the claim of %d notifications", len(batch), exc_info=True)
                continue
            if not held:
                return

    async def after_update(self, update: object, context: Context) -> None:
        """Deliver at once what this process's last transactions wrote, without holding up the chat's next update."""
        if self.outbox.take_news():
            # No update attached: a failed delivery to someone else is no error of this user's.
            context.application.create_task(self.deliver_pending(context))

    async def forget_sent(self, context: Context) -> None:
        forgotten = await context.bot_data.run_domain(self.outbox.forget_sent)
        log.info("forgot %d delivered notifications", forgotten)

    async def _send(self, bot: Bot, services, pending: PendingNotification) -> int:
        if not await services.run_domain(self.outbox.still_held, pending):
            log.warning("notification %s not sent: its claim lapsed and another sender may have it", pending.id)
            return 0
        try:
            if pending.copy_from is not None:
                from_chat, message_id = pending.copy_from
                await bot.copy_message(int(pending.chat_id), int(from_chat), message_id,
                                       message_thread_id=pending.thread_id)
            else:
                await send_outbound(bot, int(pending.chat_id), pending.message, pending.thread_id)
        except (Forbidden, BadRequest) as error:
            # Blocked by the user, or a chat that is gone: trying again would not help.
            log.warning("notification %s to user %s dropped: %s", pending.id, pending.user_id, error.message)
            await services.run_domain(self.outbox.failed, pending, error.message)
            return 0
        except TelegramError as error:
            log.info("notification %s will be retried: %s", pending.id, error.message)
            await services.run_domain(self.outbox.retry_later, pending, error.message)
            return 0
        if not await services.run_domain(self.outbox.sent, pending):
            log.warning("notification %s was sent after its claim lapsed", pending.id)
        return 1


async def send_outbound(bot: Bot, chat_id: int, outbound: Outbound, thread_id: int | None = None) -> None:
    """Send one message that answers no update: long text in parts, a file with its caption and buttons."""
    *leading, last = split_text(outbound.text)
    for part in leading:
        await bot.send_message(chat_id, part, message_thread_id=thread_id)
    markup = keyboard(Outbound(last, outbound.buttons))
    attachment = outbound.attachment
    if attachment is not None:
        await bot.send_document(chat_id, attachment.content, filename=attachment.filename, caption=last or None,
                                reply_markup=markup, message_thread_id=thread_id)
    else:
        await bot.send_message(chat_id, last, reply_markup=markup, message_thread_id=thread_id)
