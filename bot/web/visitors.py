"""Who a web visitor is: a random id in a signed, HttpOnly, SameSite cookie, and the CSRF token that goes with it."""

from __future__ import annotations

import hmac
import secrets
from pathlib import Path

from starlette.requests import Request

from bot.settings import Settings

CHANNEL = "web"
COOKIE = "legalbot_web"
CSRF_HEADER = "x-csrf-token"


def secret_key(settings: Settings) -> str:
    """WEB_SECRET_KEY from the environment, else a key kept in var/ so a restart keeps visitors signed in.

    Workers on one machine share the file; several machines need the environment variable.
    """
    if settings.web_secret_key is not None:
        return settings.web_secret_key.get_secret_value()
    path = Path(settings.config_dir) / "var" / "web_secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="ascii") as new:  # exclusive: two workers starting at once agree on one key
            new.write(secrets.token_urlsafe(48))
        path.chmod(0o600)
    except FileExistsError:
        pass
    return path.read_text(encoding="ascii").strip()


def visitor_id(request: Request, create: bool = True) -> str | None:
    """The visitor's id from the signed session cookie, made on the first visit."""
    session = request.session
    if "v" not in session and create:
        session["v"] = secrets.token_hex(12)
        session["csrf"] = secrets.token_urlsafe(24)
    return session.get("v")


def csrf_token(request: Request) -> str:
    visitor_id(request)
    return request.session["csrf"]


def csrf_ok(request: Request) -> bool:
    """A state-changing request must carry the session's token in a header, and come from our own origin."""
    expected = request.session.get("csrf")
    given = request.headers.get(CSRF_HEADER, "")
    if not expected or not hmac.compare_digest(expected, given):
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    host = request.headers.get("x-forwarded-host") or request.headers.get("host", "")
    return origin.split("://", 1)[-1] == host
