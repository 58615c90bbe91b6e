"""The knowledge base's gaps: questions nobody could answer (masked, kept without who asked) and the 👎 counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.core.masking import mask_text
from bot.db.models import QuestionCount, UnansweredQuestion

TEXT_LIMIT = 300


def _masked(text: str) -> str:
    return mask_text(" ".join(text.split()))[:TEXT_LIMIT]


def record(session: Session, month: str, town: str, topic: str, text: str, now: datetime) -> None:
    """Keep one unanswered question, masked; the caller keeps it only when the resident agreed to keep messages."""
    if text.strip():
        session.add(UnansweredQuestion(month=month, town=town, topic=topic, text=_masked(text), asked_at=now))


def purge(session: Session, before: datetime) -> int:
    return session.execute(delete(UnansweredQuestion).where(UnansweredQuestion.asked_at < before)).rowcount or 0


def unanswered_by_topic(session: Session, months: list[str], towns: tuple[str, ...] | None,
                        per_topic: int = 20) -> dict[str, list[tuple[datetime, str, str]]]:
    """Topic → the latest unanswered questions (when, town, text), topics with the most first."""
    query = select(UnansweredQuestion).where(UnansweredQuestion.month.in_(months))
    if towns is not None:
        query = query.where(UnansweredQuestion.town.in_(towns + ("",)))
    grouped: dict[str, list[tuple[datetime, str, str]]] = {}
    for row in session.scalars(query.order_by(UnansweredQuestion.asked_at.desc())):
        grouped.setdefault(row.topic, []).append((row.asked_at, row.town, row.text))
    ordered = sorted(grouped.items(), key=lambda item: (-len(item[1]), item[0]))
    return {topic: rows[:per_topic] for topic, rows in ordered}


@dataclass(frozen=True)
class EntryCounts:
    asked: int
    helpful: int
    unhelpful: int


def entry_counts(session: Session, months: list[str], towns: tuple[str, ...] | None) -> dict[str, EntryCounts]:
    """Entry id → times asked and rated, over these months (and towns); SQL sums, not rows."""
    query = (select(QuestionCount.entry_id, func.sum(QuestionCount.asked), func.sum(QuestionCount.helpful),
                    func.sum(QuestionCount.unhelpful))
             .where(QuestionCount.month.in_(months), QuestionCount.entry_id != "")
             .group_by(QuestionCount.entry_id))
    if towns is not None:
        query = query.where(QuestionCount.town.in_(towns))
    return {entry: EntryCounts(int(asked or 0), int(helpful or 0), int(unhelpful or 0))
            for entry, asked, helpful, unhelpful in session.execute(query)}


def misses_by_topic(session: Session, months: list[str], towns: tuple[str, ...] | None) -> dict[str, int]:
    query = (select(QuestionCount.topic, func.sum(QuestionCount.asked))
             .where(QuestionCount.month.in_(months), QuestionCount.entry_id == "").group_by(QuestionCount.topic))
    if towns is not None:
        query = query.where(QuestionCount.town.in_(towns))
    return {topic: int(count or 0) for topic, count in session.execute(query)}
