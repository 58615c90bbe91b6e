"""The real python-telegram-bot application, run against the fake Bot API server."""

from __future__ import annotations

from pydantic import SecretStr
from telegram import Update

from bot.services import build_assistant
from bot.settings import Settings
from bot.telegram_channel.app import build_application
from tests.fakebot import AppHandle, FakeTelegram, free_port, run_application_in_thread

WEBHOOK_SECRET = "e2e-webhook-secret"


class LiveBot:
    """The bot as deployed: settings, database, PTB application, in polling or webhook mode."""

    def __init__(self, server: FakeTelegram, settings: Settings, clock, mode: str = "polling", services=None):
        self.server = server
        self.settings = settings.model_copy(
            update={"telegram_bot_token": SecretStr(server.token), "telegram_api_url": server.url}
        )
        self.clock = clock
        self.mode = mode
        self.services = services or {}
        self.handle: AppHandle | None = None
        self.assistant = None

    def start(self) -> LiveBot:
        self.assistant = build_assistant(self.settings, clock=self.clock, migrate=False, **self.services)
        application = build_application(self.settings, self.assistant)
        options = dict(allowed_updates=Update.ALL_TYPES, collect_errors=False)
        if self.mode == "webhook":
            port = free_port()
            options.update(
                webhook_port=port, secret_token=WEBHOOK_SECRET, webhook_url=f"http://127.0.0.1:{port}/telegram"
            )
        self.handle = run_application_in_thread(application, self.mode, **options)
        return self

    def stop(self) -> None:
        if self.handle is not None:
            self.handle.stop()
            self.handle = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def run_job(self, name: str, timeout: float = 10.0) -> None:
        """Run a job of the application's job queue once now, on its loop, instead of waiting for its schedule."""
        assert self.handle is not None, "the bot is not running"
        application = self.handle.app
        (job,) = application.job_queue.get_jobs_by_name(name)
        self.handle.run_coroutine(job.run(application), timeout)
