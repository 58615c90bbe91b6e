"""Run a real PTB Application in a background thread with its own event loop.

The start/stop sequence mirrors ``Application.run_polling`` / ``run_webhook`` (initialize,
post_init, updater start, app.start ... updater.stop, app.stop, post_stop, app.shutdown,
post_shutdown) without installing signal handlers, so it works from pytest's main thread.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from typing import Any, Sequence

__all__ = ["AppHandle", "run_application_in_thread", "free_port"]

_LOGGER = logging.getLogger(__name__)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class AppHandle:
    """A running Application.  ``stop()`` shuts it down cleanly and re-raises problems.

    Attributes:
        errors: exceptions raised by handlers (collected via an error handler); ``stop()``
            raises if any were collected and ``raise_errors`` is true.
        polling_errors: TelegramErrors the updater hit while polling (e.g. a 409 Conflict).
        webhook_url / webhook_port: where the webhook listens (webhook mode).
    """

    def __init__(
        self,
        app: Any,
        mode: str,
        *,
        webhook_port: int | None,
        secret_token: str | None,
        webhook_url: str | None,
        url_path: str,
        listen: str,
        poll_interval: float,
        poll_timeout: float,
        allowed_updates: Sequence[str] | None,
        drop_pending_updates: bool | None,
        bootstrap_retries: int,
        collect_errors: bool,
    ):
        if mode not in ("polling", "webhook"):
            raise ValueError(f"mode must be 'polling' or 'webhook', not {mode!r}")
        if app.updater is None:
            raise ValueError("the Application has no Updater (built with .updater(None))")
        self.app = app
        self.mode = mode
        self.secret_token = secret_token
        self.url_path = url_path.lstrip("/")
        self.listen = listen
        self.webhook_port = (webhook_port or free_port(listen)) if mode == "webhook" else None
        if mode == "webhook":
            self.webhook_url = webhook_url or f"http://{listen}:{self.webhook_port}/{self.url_path}"
        else:
            self.webhook_url = None
        self.poll_interval = poll_interval
        self.poll_timeout = poll_timeout
        self.allowed_updates = allowed_updates
        self.drop_pending_updates = drop_pending_updates
        self.bootstrap_retries = bootstrap_retries
        self.collect_errors = collect_errors
        self.errors: list[BaseException] = []
        self.polling_errors: list[BaseException] = []
        self.loop: asyncio.AbstractEventLoop | None = None
        self._exception: BaseException | None = None
        self._shutdown_errors: list[BaseException] = []
        self._started = threading.Event()
        self._finished = threading.Event()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name=f"ptb-{mode}", daemon=True)

    # ----------------------------------------------------------------- thread body

    async def _on_error(self, update: object, context: Any) -> None:
        error = context.error
        self.errors.append(error)
        _LOGGER.error("handler raised while processing %r", update, exc_info=error)

    def _on_polling_error(self, exc: BaseException) -> None:
        self.polling_errors.append(exc)
        _LOGGER.warning("error while polling: %s", exc)

    def _run(self) -> None:
        app = self.app
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self.loop = loop
        if self.collect_errors:
            app.add_error_handler(self._on_error)
        try:
            loop.run_until_complete(app.initialize())
            if app.post_init:
                loop.run_until_complete(app.post_init(app))
            if self.mode == "polling":
                loop.run_until_complete(
                    app.updater.start_polling(
                        poll_interval=self.poll_interval,
                        timeout=self.poll_timeout,
                        bootstrap_retries=self.bootstrap_retries,
                        allowed_updates=self.allowed_updates,
                        drop_pending_updates=self.drop_pending_updates,
                        error_callback=self._on_polling_error,
                    )
                )
            else:
                loop.run_until_complete(
                    app.updater.start_webhook(
                        listen=self.listen,
                        port=self.webhook_port,
                        url_path=self.url_path,
                        webhook_url=self.webhook_url,
                        secret_token=self.secret_token,
                        allowed_updates=self.allowed_updates,
                        drop_pending_updates=self.drop_pending_updates,
                        bootstrap_retries=self.bootstrap_retries,
                    )
                )
            loop.run_until_complete(app.start())
            loop.call_soon(self._started.set)
            loop.run_forever()  # until stop() / app.stop_running() stops the loop
        except BaseException as exc:  # noqa: BLE001 - surfaced to the caller
            self._exception = exc
        finally:
            self._cleanup(loop)
            self._finished.set()

    def _cleanup(self, loop: asyncio.AbstractEventLoop) -> None:
        app = self.app

        def attempt(coro_factory: Any) -> None:
            try:
                loop.run_until_complete(coro_factory())
            except BaseException as exc:  # noqa: BLE001
                self._shutdown_errors.append(exc)
                _LOGGER.exception("error while stopping the application")

        try:
            if app.updater is not None and app.updater.running:
                attempt(app.updater.stop)
            if app.running:
                attempt(app.stop)
                if app.post_stop:
                    attempt(lambda: app.post_stop(app))
            attempt(app.shutdown)
            if app.post_shutdown:
                attempt(lambda: app.post_shutdown(app))
        finally:
            if self.collect_errors:
                try:
                    app.remove_error_handler(self._on_error)
                except (KeyError, ValueError):
                    pass
            try:
                pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
                for task in pending:
                    task.cancel()
                if pending:
                    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
                loop.run_until_complete(loop.shutdown_asyncgens())
            finally:
                loop.close()

    # ----------------------------------------------------------------- public

    def start(self, timeout: float = 15.0) -> "AppHandle":
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._started.is_set():
            if self._finished.is_set():
                self._thread.join(timeout=1)
                exc = self._exception or (self._shutdown_errors[0] if self._shutdown_errors else None)
                raise RuntimeError(f"the application failed to start in {self.mode} mode: {exc!r}") from exc
            if time.monotonic() > deadline:
                try:
                    self.stop(raise_errors=False)
                except Exception:  # noqa: BLE001 - the timeout is the error to report
                    _LOGGER.exception("error while stopping an application that did not start")
                raise TimeoutError(f"the application did not start within {timeout}s")
            self._started.wait(0.01)
        return self

    @property
    def running(self) -> bool:
        return self._started.is_set() and not self._finished.is_set()

    def stop(self, timeout: float = 15.0, raise_errors: bool = True) -> None:
        """Stop updater and application (updater.stop, app.stop, app.shutdown) and join the
        thread.  Re-raises an exception from the thread; with ``raise_errors`` also fails if
        handlers raised (``self.errors``)."""
        if self._stopped:
            return
        loop = self.loop
        if loop is not None and not self._finished.is_set():
            try:
                loop.call_soon_threadsafe(loop.stop)
            except RuntimeError:
                pass  # loop already closed
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise TimeoutError(f"the application thread did not stop within {timeout}s")
        self._stopped = True
        if self._exception is not None:
            raise RuntimeError(f"the application thread failed: {self._exception!r}") from self._exception
        if self._shutdown_errors:
            raise RuntimeError(f"errors while stopping: {self._shutdown_errors!r}") from self._shutdown_errors[0]
        if raise_errors and self.errors:
            raise AssertionError(f"handlers raised {len(self.errors)} error(s): {self.errors!r}") from self.errors[0]

    def run_coroutine(self, coro: Any, timeout: float = 10.0) -> Any:
        """Run a coroutine on the application's loop (e.g. ``app.bot.send_message(...)``)."""
        if self.loop is None or not self.running:
            raise RuntimeError("the application is not running")
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def __enter__(self) -> "AppHandle":
        return self

    def __exit__(self, exc_type: Any, *rest: Any) -> None:
        # Do not mask the test's own exception with handler errors.
        self.stop(raise_errors=exc_type is None)


def run_application_in_thread(
    app: Any,
    mode: str = "polling",
    webhook_port: int | None = None,
    secret_token: str | None = None,
    webhook_url: str | None = None,
    *,
    url_path: str = "telegram",
    listen: str = "127.0.0.1",
    poll_interval: float = 0.0,
    poll_timeout: float = 1.0,
    allowed_updates: Sequence[str] | None = None,
    drop_pending_updates: bool | None = None,
    bootstrap_retries: int = 0,
    collect_errors: bool = True,
    start_timeout: float = 15.0,
) -> AppHandle:
    """Start ``app`` (a PTB Application) in a background thread and return once it is running.

    polling: deleteWebhook + getUpdates(timeout=poll_timeout) loop has started.
    webhook: setWebhook(webhook_url, secret_token) was called and the tornado server listens
    on ``listen:webhook_port`` (a free port if None) at ``/url_path``.
    """
    handle = AppHandle(
        app,
        mode,
        webhook_port=webhook_port,
        secret_token=secret_token,
        webhook_url=webhook_url,
        url_path=url_path,
        listen=listen,
        poll_interval=poll_interval,
        poll_timeout=poll_timeout,
        allowed_updates=allowed_updates,
        drop_pending_updates=drop_pending_updates,
        bootstrap_retries=bootstrap_retries,
        collect_errors=collect_errors,
    )
    return handle.start(timeout=start_timeout)
