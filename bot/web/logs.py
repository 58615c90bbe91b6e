"""uvicorn's logging as `legalbot serve` runs it: personal data masked, no credential from a URL in the access log."""

from __future__ import annotations

import copy
import logging
import re

from uvicorn.config import LOGGING_CONFIG

from bot.core.masking import mask_for_log

# A staff sign-in link is a one-time credential in the path (bot/console); a query string may carry anything typed.
_SIGNIN = re.compile(r"(/signin/)[^/?#]+")


def hide_credentials(path: str) -> str:
    """"/staff/signin/abc?start=m_x&page=2" → "/staff/signin/…?start=…&page=…": the query's names, no values."""
    path, mark, query = path.partition("?")
    hidden = "&".join(part.partition("=")[0] + "=…" if "=" in part else "…" for part in query.split("&"))
    return mask_for_log(_SIGNIN.sub(r"\1…", path)) + (mark + hidden if mark else "")


class AccessLogFilter(logging.Filter):
    """On uvicorn's access logger: the request's path without credentials, its arguments kept for the formatter."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5:  # client, method, path with query, HTTP version, status
            record.args = (args[0], args[1], hide_credentials(str(args[2])), args[3], args[4])
        else:
            record.msg, record.args = _SIGNIN.sub(r"\1…", mask_for_log(record.getMessage())), None
        return True


def uvicorn_log_config() -> dict:
    """uvicorn's own configuration, with the filters on its loggers (so on every handler, however many)."""
    config = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"mask": {"()": "bot.core.masking.MaskingFilter"},
                         "access": {"()": "bot.web.logs.AccessLogFilter"}}
    for name in ("uvicorn", "uvicorn.error", "uvicorn.asgi"):
        config["loggers"].setdefault(name, {}).setdefault("filters", []).append("mask")
    config["loggers"]["uvicorn.access"]["filters"] = ["access"]
    return config
