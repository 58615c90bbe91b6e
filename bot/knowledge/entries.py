"""Knowledge-base entries loaded from knowledge/entries/*.yml."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.laws import ArticleNumber, article_number


@dataclass(frozen=True)
class Citation:
    law: str
    article: ArticleNumber


@dataclass(frozen=True)
class Entry:
    id: str
    topic: str
    question: dict[str, str]
    answer: dict[str, str]
    phrasings: tuple[str, ...]
    citations: tuple[Citation, ...]
    reviewed: date | None
    towns: tuple[str, ...] = ()
    source: str = ""
    phrasings_en: tuple[str, ...] = ()  # how English speakers ask it, for English retrieval

    @property
    def key(self) -> str:
        """A short stable code for button data, resolved back to the entry on the server."""
        return entry_key(self.id)


def entry_key(entry_id: str) -> str:
    return hashlib.blake2s(entry_id.encode(), digest_size=5).hexdigest()


def _entry(raw: dict[str, Any], source: str) -> Entry:
    return Entry(
        id=str(raw.get("id", "")),
        topic=str(raw.get("topic", "")),
        question=dict(raw.get("question") or {}),
        answer={lang: str(text).strip() for lang, text in (raw.get("answer") or {}).items()},
        phrasings=tuple(str(p) for p in raw.get("phrasings") or ()),
        citations=tuple(Citation(str(c.get("law")), article_number(c.get("article", 0))) for c in raw.get("citations") or ()),
        reviewed=raw.get("reviewed") if isinstance(raw.get("reviewed"), date) else None,
        towns=tuple(raw.get("towns") or ()),
        source=source,
        phrasings_en=tuple(str(p) for p in raw.get("phrasings_en") or ()),
    )


def load_entries(entries_dir: Path) -> list[Entry]:
    """Every entry of every YAML file in the folder, in file order."""
    entries: list[Entry] = []
    for path in sorted(entries_dir.glob("*.yml")):
        # libyaml parses the knowledge base 15 times faster than the pure-Python loader, with the same result.
        for raw in yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or []:
            entries.append(_entry(raw, path.name))
    return entries
