"""Deep links: `/start <payload>` as each channel opens it, and the one shape a payload may have."""

from __future__ import annotations

import re

# Telegram's rule for a start parameter (1–64 of A-Z a-z 0-9 _ -); the web chat holds its payloads to it too.
PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
# The web chat opens a payload from its address's fragment, which a browser never sends to the server: the payload
# (an invitation token is a credential) stays out of access logs, proxies' logs and Referer headers.
WEB_FRAGMENT = "#start="


def payload_or_empty(text: str) -> str:
    """The payload when it has the allowed shape, else "" (an ordinary command)."""
    return text if PAYLOAD.fullmatch(text) else ""


def split_command(value: str) -> tuple[str, str]:
    """"/start m_abc" → ("start", "m_abc"); the payload is dropped when malformed; ("", "") for no command."""
    words = value.strip().lstrip("/").split(None, 1)
    if not words:
        return "", ""
    return words[0].lower(), payload_or_empty(words[1].strip() if len(words) > 1 else "")


def links(payload: str, telegram: str = "", web: str = "") -> dict[str, str]:
    """Where `/start <payload>` opens: the web chat first (any browser will do, WeChat's too), then Telegram."""
    found = {}
    if web:
        found["web"] = f"{web.rstrip('/')}/{WEB_FRAGMENT}{payload}"
    if telegram:
        found["telegram"] = f"{telegram}?start={payload}"
    return found
