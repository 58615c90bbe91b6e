"""The staff console over HTTP (Starlette's TestClient), signed in the way staff sign in: the bot's one-time link."""

from __future__ import annotations

import re

from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.testclient import TestClient

from bot.console.app import create_console
from bot.web.limits import RateLimiter
from bot.web.visitors import secret_key
from tests.handoff_helpers import outbox_for

LINK = re.compile(r"https?://\S+/staff/signin/([A-Za-z0-9_-]+)")
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def console_client(settings, assistant) -> TestClient:
    settings.console = settings.console.model_copy(update={"base_url": "http://testserver"})
    app = Starlette(routes=[Mount("/staff", app=create_console(settings, assistant, limiter=RateLimiter, secret=secret_key(settings)))])
    return TestClient(app, follow_redirects=False)


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def ask_link(client: TestClient, account: str) -> None:
    page = client.get("/staff/signin")
    response = client.post("/staff/signin", data={"account": account, "csrf": csrf_of(page.text)})
    assert response.status_code == 200


def last_link(assistant, external_id: str) -> str:
    """The newest sign-in link the bot queued for this member's private chat."""
    for notification in reversed(outbox_for(assistant, external_id)):
        found = LINK.search(notification.text)
        if found:
            return found.group(0)
    raise AssertionError(f"no sign-in link was sent to {external_id}")


def use_link(client: TestClient, url: str):
    path = url.split("testserver", 1)[1]
    page = client.get(path)
    assert page.status_code == 200
    return client.post(path, data={"csrf": csrf_of(page.text)})


def sign_in(client: TestClient, assistant, external_id: str) -> TestClient:
    ask_link(client, external_id)
    response = use_link(client, last_link(assistant, external_id))
    assert response.status_code == 303 and response.headers["location"] == "/staff/", response.text
    return client


def post(client: TestClient, path: str, **data):
    """A form post with the CSRF token of the signed-in page."""
    token = csrf_of(client.get("/staff/").text)
    return client.post(path, data={"csrf": token, **data})
