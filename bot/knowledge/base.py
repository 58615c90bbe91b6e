"""The knowledge base as the bot uses it: entries, topics, statutes and retrieval together."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.knowledge.entries import Entry, load_entries
from bot.knowledge.laws import Article, StatuteTable, statute_table


def content_signature(folder: Path) -> tuple:
    """What the knowledge base was read from, by name, size and modification time: it changes with any edit."""
    files = sorted((folder / "entries").glob("*.yml")) + [folder / "topics.yml", folder / "law_caveats.yml"]
    return tuple((path.name, stat.st_mtime_ns, stat.st_size) for path in files if path.exists()
                 for stat in [path.stat()])


@dataclass
class KnowledgeBase:
    entries: list[Entry]
    topics: dict[str, dict[str, str]]
    laws: StatuteTable
    caveats: dict[str, dict[str, str]] = field(default_factory=dict)
    signature: tuple = ()  # content_signature of the folder when it was read

    def __post_init__(self) -> None:
        self.by_id = {entry.id: entry for entry in self.entries}
        self.by_key = {entry.key: entry for entry in self.entries}
        self.by_topic: dict[str, list[Entry]] = {topic: [] for topic in self.topics}
        for entry in self.entries:
            self.by_topic.setdefault(entry.topic, []).append(entry)

    @classmethod
    def load(cls, folder: Path) -> KnowledgeBase:
        signature = content_signature(folder)  # before reading: an edit made while reading is seen next time
        topics = yaml.safe_load((folder / "topics.yml").read_text(encoding="utf-8"))
        caveats_file = folder / "law_caveats.yml"
        caveats = yaml.safe_load(caveats_file.read_text(encoding="utf-8")) if caveats_file.exists() else {}
        return cls(load_entries(folder / "entries"), topics, statute_table(folder / "laws"), caveats or {}, signature)

    def topic_name(self, topic: str, lang: str) -> str:
        names = self.topics.get(topic) or self.topics["other"]
        return names["en" if lang == "en" else "zh"]

    def articles(self, entry: Entry) -> list[Article]:
        """The cited articles that resolve; `legalbot kb check` guarantees that is all of them."""
        found = (self.laws.article(c.law, c.article) for c in entry.citations)
        return [article for article in found if article is not None]
