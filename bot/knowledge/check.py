"""`legalbot kb check`: the knowledge base is complete, unique, current and cites only real articles."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from bot.knowledge.entries import Entry
from bot.knowledge.laws import StatuteTable

REVIEW_INTERVAL = timedelta(days=365)
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9.-]*$")
ARTICLE_IN_TEXT = re.compile(r"第[一二三四五六七八九十百千零〇0-9]+条")
LANGUAGES = ("zh", "en")


def check_entries(
    entries: list[Entry], topics: set[str], laws: StatuteTable, today: date, shared_laws: StatuteTable | None = None
) -> list[str]:
    """Every problem found, one line each; an empty list means the knowledge base is sound."""
    problems: list[str] = []
    seen: dict[str, str] = {}
    keys: dict[str, str] = {}
    for entry in entries:
        where = f"{entry.source}:{entry.id or '<no id>'}"
        if not ID_PATTERN.match(entry.id):
            problems.append(f"{where}: id must be lowercase letters, digits, '.' and '-'")
        if entry.id in seen:
            problems.append(f"{where}: duplicate id (also in {seen[entry.id]})")
        seen.setdefault(entry.id, entry.source)
        if entry.key in keys and keys[entry.key] != entry.id:
            problems.append(f"{where}: short key collides with {keys[entry.key]}")
        keys.setdefault(entry.key, entry.id)
        if entry.topic not in topics:
            problems.append(f"{where}: unknown topic {entry.topic!r}")
        for part in ("question", "answer"):
            for lang in LANGUAGES:
                if not str(getattr(entry, part).get(lang) or "").strip():
                    problems.append(f"{where}: missing {lang} {part}")
        if ARTICLE_IN_TEXT.search(entry.answer.get("zh", "")):
            problems.append(f"{where}: an article number is written in the answer; cite it instead")
        if not entry.phrasings:
            problems.append(f"{where}: no alternative phrasings")
        if not entry.citations:
            problems.append(f"{where}: no legal basis cited")
        for citation in entry.citations:
            article = laws.article(citation.law, citation.article)
            if article is None:
                problems.append(f"{where}: citation {citation.law} article {citation.article} does not resolve")
            elif shared_laws is not None:
                original = shared_laws.article(citation.law, citation.article)
                if original is None or original.text != article.text:
                    problems.append(f"{where}: {citation.law} article {citation.article} differs from the shared table")
        if entry.reviewed is None:
            problems.append(f"{where}: no review date")
        elif today - entry.reviewed > REVIEW_INTERVAL:
            problems.append(f"{where}: last reviewed {entry.reviewed}, over a year ago")
        elif entry.reviewed > today:
            problems.append(f"{where}: review date {entry.reviewed} is in the future")
    return problems


def cited_laws(entries: list[Entry]) -> set[str]:
    return {citation.law for entry in entries for citation in entry.citations}


def shared_laws_folder(project_root: Path) -> Path:
    """The statute table shared beside the project (../shared/laws)."""
    return project_root.parent / "shared" / "laws"
