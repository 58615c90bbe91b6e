"""Lectures from YAML: a staff import (`legalbot lectures import`) and the demo catalogue, dated from today."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session, sessionmaker

from bot.db.repositories import Repositories
from bot.lectures.context import LectureContext
from bot.lectures.repository import SCHEDULED

_KEY = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
_URL = re.compile(r"^https?://\S{3,290}$")
DEFAULT_MINUTES = 60


class ImportProblem(ValueError):
    """The lectures described are not valid; the message lists every problem."""


def read_specs(path: Path) -> list[dict[str, Any]]:
    """The lectures listed in a YAML file: a list, or a mapping with a `lectures` list."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    specs = data.get("lectures") if isinstance(data, dict) else data
    if not isinstance(specs, list) or not all(isinstance(spec, dict) for spec in specs):
        raise ImportProblem(f"{path}: expected a list of lectures (or `lectures:` with a list)")
    return specs


def _localized(value: Any) -> tuple[str, str | None]:
    """(Chinese, English or None) from a string or a {zh, en} mapping."""
    if not isinstance(value, dict):
        return str(value or "").strip(), None
    english = str(value["en"]).strip() if value.get("en") else None
    return str(value.get("zh") or english or "").strip(), english


def lecture_values(ctx: LectureContext, spec: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Check one lecture description and turn it into column values; raise ImportProblem naming what is wrong."""
    problems = []
    title, title_en = _localized(spec.get("title"))
    place, place_en = _localized(spec.get("place"))
    topic = str(spec.get("topic", "")).strip()
    town = str(spec["town"]).strip() if spec.get("town") else None
    station = ctx.stations.resolve(town) if town else None  # an id, a division code or a name: 潞源街道, 潞源
    town = station.id if station else town
    online_url = str(spec["online_url"]).strip() if spec.get("online_url") else None
    key = str(spec["key"]).strip() if spec.get("key") else None
    if not 1 <= len(title) <= 200:
        problems.append("a title of 1 to 200 characters is required")
    if topic not in ctx.topics:
        problems.append(f"unknown topic {topic!r} (one of {', '.join(ctx.topics)})")
    if town is not None and station is None:
        problems.append(f"unknown town {town!r}; give a station's id, division code or name:\n"
                        f"{ctx.stations.listing()}")
    if online_url is not None and not _URL.match(online_url):
        problems.append("online_url must be an http(s) address")
    if not place and not online_url:
        problems.append("a place or an online_url is required")
    if key is not None and not _KEY.match(key):
        problems.append("key may hold only letters, digits and _ . : -")
    try:
        capacity = int(spec.get("capacity", 0))
        minutes = int(spec.get("minutes", DEFAULT_MINUTES))
    except (TypeError, ValueError):
        capacity, minutes = 0, 0
    if not 1 <= capacity <= 10_000:
        problems.append("capacity must be a number of seats from 1 to 10000")
    if not 15 <= minutes <= 480:
        problems.append("minutes must be from 15 to 480")
    try:
        starts_at = _starts_at(ctx, spec, now)
    except (KeyError, TypeError, ValueError):
        starts_at = None
        problems.append('give starts: "YYYY-MM-DD HH:MM" (local time), or in_days and at: "HH:MM"')
    if starts_at is not None and starts_at <= now:
        problems.append("the lecture must start in the future")
    if problems:
        raise ImportProblem("; ".join(problems))
    assert starts_at is not None
    return dict(
        key=key, title=title, title_en=title_en, topic=topic, speaker=str(spec.get("speaker") or "").strip()[:100],
        town=town, place=place, place_en=place_en, online_url=online_url, starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes), capacity=capacity, seats_taken=0, status=SCHEDULED,
        created_at=now,
    )


def _starts_at(ctx: LectureContext, spec: dict[str, Any], now: datetime) -> datetime:
    today = ctx.local(now).date()
    if "starts" in spec:
        local = datetime.strptime(str(spec["starts"]).strip(), "%Y-%m-%d %H:%M")
    else:
        local = datetime.combine(today + timedelta(days=int(spec["in_days"])), time.fromisoformat(str(spec["at"])))
    return local.replace(tzinfo=ctx.zone).astimezone(now.tzinfo)


def import_lectures(sessions: sessionmaker[Session], ctx: LectureContext, specs: list[dict[str, Any]],
                    now: datetime) -> tuple[int, int]:
    """Add every lecture or none: (added, skipped because a lecture with the same key exists)."""
    rows, problems = [], []
    for number, spec in enumerate(specs, 1):
        try:
            rows.append(lecture_values(ctx, spec, now))
        except ImportProblem as problem:
            problems.append(f"lecture {number} ({spec.get('title')!s:.40}): {problem}")
    if problems:
        raise ImportProblem("\n".join(problems))
    with sessions() as session, session.begin():
        catalogue = Repositories(session).lectures.catalogue
        added = sum(1 for row in rows if catalogue.insert_new(row) is not None)
    return added, len(rows) - added


def load_demo(sessions: sessionmaker[Session], ctx: LectureContext, now: datetime) -> int:
    """Load the demo lectures when none lies ahead. Their keys carry the date, so two processes add them once."""
    with sessions() as session:
        if Repositories(session).lectures.catalogue.any_upcoming(now):
            return 0
    specs = read_specs(ctx.settings.config_dir / ctx.config.demo_file)
    for spec in specs:
        start = _starts_at(ctx, spec, now)
        spec["key"] = f"demo:{spec.get('key', 'lecture')}:{ctx.local(start):%Y-%m-%d}"
    added, _ = import_lectures(sessions, ctx, specs, now)
    return added
