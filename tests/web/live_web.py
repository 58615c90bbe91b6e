"""The web service as deployed (uvicorn, the real app), run in a thread, and a headless Chromium to drive it."""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from pydantic import SecretStr

from bot.services import build_assistant
from bot.settings import Settings
from bot.telegram_channel.app import build_application
from bot.web.app import create_app
from bot.web.logs import uvicorn_log_config
from tests.fakebot import free_port

STATIC = Path(__file__).resolve().parents[2] / "bot" / "web" / "static"
ARTEFACTS = Path(__file__).resolve().parents[2] / "test-artefacts" / "web"
PHONE = (390, 844)
WEBHOOK_SECRET = "web-e2e-secret_0123456789abcdef"
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage")


class LiveWeb:
    """One `legalbot serve` worker: a fresh assistant and app on a port; restartable on the same port and database."""

    def __init__(self, settings: Settings, clock, services: dict, telegram_server=None, port: int | None = None,
                 log_level: str = "warning"):
        self.port = port or free_port()
        self.log_level = log_level  # "info" writes the access log, through the filters `legalbot serve` installs
        self.telegram_server = telegram_server
        update = {"web_secret_key": SecretStr("test-web-secret")}
        if telegram_server is not None:
            webhook = settings.webhook.model_copy(update={"url": f"http://127.0.0.1:{self.port}/telegram"})
            update.update(telegram_bot_token=SecretStr(telegram_server.token),
                          telegram_api_url=telegram_server.url, telegram_webhook_secret=SecretStr(WEBHOOK_SECRET),
                          webhook=webhook)
        self.settings = settings.model_copy(update=update)
        self.clock = clock
        self.services = services
        self.server: uvicorn.Server | None = None
        self.thread: threading.Thread | None = None
        self.app = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LiveWeb:
        assistant = build_assistant(self.settings, clock=self.clock, migrate=False, **self.services)
        telegram = build_application(self.settings, assistant, updater=False) if self.telegram_server else None
        self.app = create_app(self.settings, assistant, telegram)
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level=self.log_level, lifespan="on",
                                log_config=uvicorn_log_config(), timeout_graceful_shutdown=1)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name=f"web-{self.port}", daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the web service did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.app.state.web.close_streams()
            self.server.should_exit = True
            self.thread.join(15)
            self.server = None

    def restart(self) -> None:
        self.stop()
        self.start()


def chromium(download_dir: Path):
    """Headless Chromium from Debian, with a fresh profile, at phone size."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    profile = tempfile.mkdtemp(prefix="legalbot-chromium-")
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.add_argument(f"--window-size={PHONE[0]},{PHONE[1]}")
    options.add_argument("--lang=zh-CN")
    options.add_experimental_option("prefs", {"download.default_directory": str(download_dir),
                                              "download.prompt_for_download": False,
                                              "intl.accept_languages": "zh-CN,zh"})
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(options=options, service=service)
    # The page as a phone lays it out: this viewport, touch-sized, whatever the headless window is.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": PHONE[0], "height": PHONE[1], "deviceScaleFactor": 1, "mobile": True})
    driver.profile_dir = profile
    return driver
