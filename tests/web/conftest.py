"""Fixtures for the web channel: a live service on loopback, and one headless Chromium per test module."""

from __future__ import annotations

import shutil

import pytest

from tests.web.live_web import LiveWeb


@pytest.fixture
def settings(settings):
    """Live messages are looked for often; the demo lectures stay out of the way."""
    settings.lectures = settings.lectures.model_copy(update={"demo_data": False})
    settings.notifications = settings.notifications.model_copy(update={"poll_seconds": 3600})
    settings.web = settings.web.model_copy(update={"poll_seconds": 0.2})
    return settings


@pytest.fixture
def start_web(settings, clock, domain_services):
    """Start web workers on the test database; all are stopped after the test."""
    started: list[LiveWeb] = []

    def start(telegram_server=None, port: int | None = None, log_level: str = "warning", **changes) -> LiveWeb:
        web = LiveWeb(settings.model_copy(update=changes) if changes else settings, clock, domain_services,
                      telegram_server=telegram_server, port=port, log_level=log_level)
        started.append(web)
        return web.start()

    yield start
    for web in started:
        web.stop()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if shutil.which("chromium") is None or shutil.which("chromedriver") is None:
        pytest.fail("chromium and chromium-driver are not installed: run scripts/setup_system.sh")
    from tests.web.live_web import chromium

    downloads = tmp_path_factory.mktemp("downloads")
    driver = chromium(downloads)
    driver.downloads = downloads
    yield driver
    driver.quit()
    shutil.rmtree(driver.profile_dir, ignore_errors=True)
