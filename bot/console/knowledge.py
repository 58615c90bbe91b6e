"""The knowledge base in the console: each topic's entries with how often they were asked and rated 👎, and the
questions nobody could answer, grouped by topic (from bot/knowledge/gaps.py)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.knowledge import gaps
from bot.knowledge.base import KnowledgeBase


@dataclass(frozen=True)
class TopicView:
    topic: str
    name: str
    misses: int
    unhelpful: int
    entries: list[tuple[str, str, gaps.EntryCounts]]  # id, question, counts: most 👎 first, then most asked
    unanswered: list[tuple[object, str, str]]  # when, town, masked text


def overview(session: Session, knowledge: KnowledgeBase, months: list[str], towns: tuple[str, ...] | None,
             lang: str) -> list[TopicView]:
    """Topics with the most gaps (misses and 👎) first."""
    counts = gaps.entry_counts(session, months, towns)
    misses = gaps.misses_by_topic(session, months, towns)
    unanswered = gaps.unanswered_by_topic(session, months, towns)
    zero = gaps.EntryCounts(0, 0, 0)
    views = []
    for topic, entries in knowledge.by_topic.items():
        rows = [(e.id, e.question.get(lang) or e.id, counts.get(e.id, zero)) for e in entries]
        rows.sort(key=lambda row: (-row[2].unhelpful, -row[2].asked, row[0]))
        views.append(TopicView(topic, knowledge.topic_name(topic, lang), misses.get(topic, 0),
                               sum(row[2].unhelpful for row in rows), rows, unanswered.get(topic, [])))
    views.sort(key=lambda view: (-(view.misses + view.unhelpful), -len(view.unanswered), view.topic))
    return views
