"""Per-ticket measures (time to claim, time to first reply, claimed within the window, rating) summed by station."""

from __future__ import annotations

from datetime import datetime, timezone
from statistics import mean
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.db.models import Ticket
from bot.handoff.repository import TicketRepository


def month_bounds(month: str, zone: str) -> tuple[datetime, datetime]:
    """A local calendar month as UTC bounds."""
    year, number = (int(part) for part in month.split("-"))
    if not 1 <= number <= 12 or len(month) != 7:
        raise ValueError(month)
    tz = ZoneInfo(zone)
    start = datetime(year, number, 1, tzinfo=tz)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=tz)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def minutes(start: datetime | None, end: datetime | None) -> float | None:
    return (end - start).total_seconds() / 60 if start and end else None


def claimed_in_window(ticket: Ticket) -> bool:
    return ticket.claimed_at is not None and ticket.claimed_at <= ticket.window_ends_at


def _average(values: list[float | None]) -> str:
    present = [value for value in values if value is not None]
    return f"{mean(present):.1f}" if present else "-"


def stats_by_station(session: Session, start: datetime, end: datetime) -> list[tuple]:
    """(station, tickets, claimed, share claimed within the window, mean minutes to claim, to first reply, rating)."""
    by_station: dict[str, list[Ticket]] = {}
    for ticket in TicketRepository(session).opened_between(start, end):
        by_station.setdefault(ticket.station_id or "district", []).append(ticket)
    rows = []
    for station, tickets in sorted(by_station.items()):
        claimed = [t for t in tickets if t.claimed_at is not None]
        share = f"{100 * sum(claimed_in_window(t) for t in tickets) / len(tickets):.0f}%"
        rows.append((
            station, len(tickets), len(claimed), share,
            _average([minutes(t.opened_at, t.claimed_at) for t in claimed]),
            _average([minutes(t.opened_at, t.first_reply_at) for t in claimed]),
            _average([t.rating for t in tickets]),
        ))
    return rows
