"""Typed callback data: short, checked, and resolved on the server."""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BYTES = 64
_PATTERN = re.compile(r"^([a-z]{1,8}):([A-Za-z0-9_.-]{1,48})$")


@dataclass(frozen=True)
class Action:
    """A button's meaning: a verb and one argument, such as go:stations or st:luyuan."""

    verb: str
    arg: str

    def encode(self) -> str:
        data = f"{self.verb}:{self.arg}"
        if not _PATTERN.match(data) or len(data.encode()) > MAX_BYTES:
            raise ValueError(f"invalid callback data {data!r}")
        return data

    @classmethod
    def decode(cls, data: str) -> Action | None:
        """Parse button data, or None when it is malformed."""
        match = _PATTERN.match(data or "")
        return cls(match.group(1), match.group(2)) if match else None


def go(node_id: str) -> str:
    return Action("go", node_id).encode()
