"""法律咨询 and 本月热点, as the assistant sees them."""

from __future__ import annotations

from datetime import timedelta

from bot.consultation import consult
from bot.consultation.reload import RELOAD, KnowledgeReload
from bot.core.messages import Outbound, Reply
from bot.core.service import Job, Service
from bot.core.turn import Turn


def open_entry(turn: Turn, key: str) -> Outbound | None:
    entry = turn.assistant.knowledge.by_key.get(key)
    return consult.open_entry(turn, entry) if entry else None


def open_topic(turn: Turn, arg: str) -> Outbound | None:
    from bot.core import screens

    topic, _, page = arg.partition(".")
    if topic not in turn.assistant.knowledge.topics or (page and not page.isdigit()):
        return None
    return screens.show_node(turn, consult.NODE, f"t.{topic}.{page or 1}")


def show_law(turn: Turn, key: str) -> Reply | None:
    entry = turn.assistant.knowledge.by_key.get(key)
    return consult.law_text(turn, entry) if entry else None


def rate(turn: Turn, key: str, helpful: bool) -> Outbound | None:
    entry = turn.assistant.knowledge.by_key.get(key)
    return consult.rate(turn, entry, helpful) if entry else None


SERVICE = Service(
    name="consultation",
    verbs={
        "kb": open_entry,
        "tp": open_topic,
        "law": show_law,
        "up": lambda turn, key: rate(turn, key, helpful=True),
        "down": lambda turn, key: rate(turn, key, helpful=False),
    },
    screens={"consult": consult.consult_screen, "hot_questions": consult.hot_questions},
    prepare=consult.Understanding.of,
    free_text=consult.ask,
    jobs=[Job(RELOAD, lambda settings: timedelta(seconds=settings.knowledge_check_seconds), KnowledgeReload(),
              first=timedelta(seconds=5))],
)
