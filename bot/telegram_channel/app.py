"""The one place that builds the Telegram application."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from telegram import BotCommand, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.core.assistant import Assistant
from bot.core.content import pick
from bot.handoff.context import HandoffContext
from bot.handoff.desk import StaffDesk
from bot.notifications.outbox import Outbox
from bot.settings import Settings
from bot.telegram_channel import handlers
from bot.telegram_channel.authenticity import drop_forged_updates, webhook_secret
from bot.telegram_channel.handlers import BotServices
from bot.telegram_channel.notifications import NotificationCourier
from bot.telegram_channel.ordering import PerChatUpdateProcessor

log = logging.getLogger(__name__)
PURGE_INTERVAL = timedelta(hours=6)
FORGET_SENT_INTERVAL = timedelta(days=1)
DELIVER_NOTIFICATIONS = "deliver_notifications"
# The services' jobs are named by them (Service.jobs); these two are the names tests run by hand.
FIRE_LECTURE_REMINDERS = "fire_lecture_reminders"
FIRE_WHISTLES = "fire_whistles"


def build_application(settings: Settings, assistant: Assistant, updater: bool = True) -> Application:
    """Wire handlers, error handling, start-up and shut-down around the assistant.

    Without an updater the application is driven by another server's webhook route (`legalbot serve`).
    """
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    api = settings.telegram_api_url
    limits = settings.rate_limit
    outbox = Outbox(assistant.sessions, assistant.clock, settings.notifications, handlers.CHANNEL)
    courier = NotificationCourier(outbox)

    async def post_init(application: Application) -> None:
        application.bot_data.assistant = assistant
        application.bot_data.desk = StaffDesk(assistant.sessions, HandoffContext.of(assistant), assistant.clock)
        # SQLite takes one writer at a time, so more threads would only queue on its lock.
        workers = 1 if settings.database_url.startswith("sqlite") else settings.concurrent_updates
        application.bot_data.database_workers = ThreadPoolExecutor(workers, thread_name_prefix="domain")
        assistant.bot_link = f"https://t.me/{application.bot.username}"
        await publish_commands(application, assistant)
        application.job_queue.run_repeating(
            purge_expired_conversations, interval=PURGE_INTERVAL, first=60, name="purge_expired_conversations"
        )
        # Reminder rows are checked before the first update is handled: none lost while the bot was down.
        await application.bot_data.run_domain(assistant.start_up)
        outbox.watch()
        jobs = application.job_queue
        poll = settings.notifications.poll_seconds
        jobs.run_repeating(courier.deliver_pending, interval=poll, first=poll, name=DELIVER_NOTIFICATIONS)
        for service in assistant.services:
            for job in service.jobs:
                jobs.run_repeating(fire_then_deliver, interval=job.interval(settings), first=job.first,
                                   name=job.name, data=(job, courier))
        jobs.run_repeating(courier.forget_sent, interval=FORGET_SENT_INTERVAL, first=3600,
                           name="forget_sent_notifications")

    async def post_shutdown(application: Application) -> None:
        outbox.close()
        if application.bot_data.database_workers is not None:
            application.bot_data.database_workers.shutdown(wait=True)
        assistant.close()

    builder = ApplicationBuilder()
    if not updater:
        builder = builder.updater(None)
    application = (
        builder
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .context_types(ContextTypes(bot_data=BotServices))
        .concurrent_updates(PerChatUpdateProcessor(settings.concurrent_updates))
        .rate_limiter(
            AIORateLimiter(
                overall_max_rate=limits.overall_per_second,
                group_max_rate=limits.group_per_minute,
                max_retries=limits.max_retries,
            )
        )
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    )
    # Before every other group: a forged private-chat update reaches no handler and changes nothing.
    application.add_handler(TypeHandler(Update, drop_forged_updates), group=-1)
    # Edits first: otherwise the text and command handlers would also match edited messages.
    application.add_handler(MessageHandler(filters.UpdateType.EDITED, handlers.note_edit))
    application.add_handler(CallbackQueryHandler(handlers.press_button))
    application.add_handler(MessageHandler(filters.COMMAND, handlers.run_command))
    application.add_handler(MessageHandler(filters.LOCATION, handlers.share_location))
    application.add_handler(MessageHandler(filters.TEXT, handlers.read_text))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE, handlers.take_media))
    # A later group runs after the update's own handler: notifications its transaction wrote go out at once.
    application.add_handler(TypeHandler(Update, courier.after_update), group=1)
    application.add_error_handler(handlers.report_error)
    return application


async def publish_commands(application: Application, assistant: Assistant) -> None:
    """Set the command list from the menu data: Chinese by default, English for English clients."""
    nodes = assistant.content.menu.listed_commands()
    for language_code, lang in ((None, "zh"), ("en", "en")):
        commands = [BotCommand(node.command, pick(node.label, lang)) for node in nodes]
        await application.bot.set_my_commands(commands, language_code=language_code)


async def purge_expired_conversations(context: handlers.Context) -> None:
    counts = await context.bot_data.run_domain(context.bot_data.assistant.purge_expired)
    log.info("retention purge: %s", ", ".join(f"{name} {count}" for name, count in counts.items()))


async def fire_then_deliver(context: handlers.Context) -> None:
    """A service's scheduled work (reminders, whistles, reports) in a database worker, or for seconds of CPU a
    thread of its own, then send what it wrote."""
    job, courier = context.job.data
    assistant = context.bot_data.assistant
    if job.threaded:
        fired = await asyncio.to_thread(job.fire, assistant)
    else:
        fired = await context.bot_data.run_domain(job.fire, assistant)
    if fired:
        await courier.deliver_pending(context)


def run(settings: Settings, assistant: Assistant, webhook: bool = False) -> None:
    """Run until interrupted, by long polling or behind a webhook."""
    secret = webhook_secret(settings) if webhook else None  # before anything starts: no webhook without a secret
    application = build_application(settings, assistant)
    if not webhook:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
        return
    hook = settings.webhook
    if not hook.url:
        raise ValueError("webhook mode needs webhook.url in the config (or WEBHOOK__URL)")
    application.run_webhook(
        listen=hook.listen,
        port=hook.port,
        url_path=hook.path,
        webhook_url=hook.url,
        secret_token=secret,
        allowed_updates=Update.ALL_TYPES,
    )
