"""A year of synthetic activity for report benchmarks and tests: residents, questions, tickets, applications, lectures.

Every personal value is fake but shaped like the real thing (names, mobile numbers, ID numbers), so a report
can be scanned for them. Rows go in with bulk inserts, in batches.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import insert
from sqlalchemy.orm import Session

from bot.db.models import (
    AidApplication,
    AidStatusChange,
    Lecture,
    LectureBooking,
    LectureRequest,
    MessageRecord,
    QuestionCount,
    StaffMember,
    StaffStation,
    Ticket,
    User,
)

TOPICS = ("labor", "family", "traffic", "debt", "contract", "housing", "demolition", "tort", "criminal",
          "administrative", "medical", "company", "construction", "consumer", "other")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
BATCH = 5000


@dataclass
class Activity:
    """How much to make, and the personal values that were made (so a test can look for them)."""

    stations: list[str]
    year: int = 2026
    residents: int = 3000
    messages: int = 200_000
    tickets: int = 8_000
    applications: int = 1_500
    lectures: int = 240
    seed: int = 7
    entries: list[str] = field(default_factory=list)  # knowledge-base entry ids the questions land on
    names: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    id_numbers: list[str] = field(default_factory=list)


def id_number(rng: random.Random) -> str:
    """An 18-digit resident ID number of Tongzhou (110112) with a valid check digit."""
    birth = datetime(1960, 1, 1) + timedelta(days=rng.randrange(365 * 45))
    body = f"110112{birth:%Y%m%d}{rng.randrange(1000):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights)) % 11]
    return body + check


def _moment(rng: random.Random, year: int) -> datetime:
    start = datetime(year, 1, 1, tzinfo=timezone.utc)
    return start + timedelta(seconds=rng.randrange(365 * 86400))


def _insert(session: Session, model, rows: list[dict]) -> None:
    for offset in range(0, len(rows), BATCH):
        session.execute(insert(model), rows[offset:offset + BATCH])


def generate(session: Session, activity: Activity) -> Activity:
    """Insert the activity and return it, with the personal values it used."""
    rng = random.Random(activity.seed)
    year, stations = activity.year, activity.stations
    users = []
    for number in range(activity.residents):
        activity.names.append(rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN))
        activity.phones.append(f"1{rng.choice('3589')}{rng.randrange(10**9):09d}")
        activity.id_numbers.append(id_number(rng))
        users.append(dict(id=number + 1, channel="telegram", external_id=str(900_000 + number), language="zh",
                          station_id=rng.choice(stations), consent="granted", consent_at=_moment(rng, year)))
    _insert(session, User, users)
    messages = []
    for _ in range(activity.messages):
        owner = rng.randrange(activity.residents)
        messages.append(dict(user_id=owner + 1, direction=rng.choice(("in", "out")), kind="text",
                             text=f"我叫{activity.names[owner]}，电话{activity.phones[owner]}，老板欠我工资",
                             created_at=_moment(rng, year)))
    _insert(session, MessageRecord, messages)
    counts = {}
    for _ in range(activity.messages // 4):
        key = (f"{year}-{rng.randrange(1, 13):02d}", rng.choice(stations), rng.choice(TOPICS))
        entry = "" if rng.random() < 0.2 else (rng.choice(activity.entries) if activity.entries else f"{key[2]}.x")
        row = counts.setdefault((*key, entry), dict(month=key[0], town=key[1], topic=key[2], entry_id=entry,
                                                   asked=0, helpful=0, unhelpful=0))
        row["asked"] += 1
        row["unhelpful"] += rng.random() < 0.05
        row["helpful"] += rng.random() < 0.3
    _insert(session, QuestionCount, list(counts.values()))
    staff = [dict(id=n + 1, channel="telegram", external_id=str(500_000 + n), name=f"工作人员{n + 1:02d}",
                  role="station_staff", active=True, created_at=datetime(year, 1, 1, tzinfo=timezone.utc))
             for n in range(len(stations) * 2)]
    _insert(session, StaffMember, staff)
    _insert(session, StaffStation, [dict(staff_id=n + 1, station_id=stations[n // 2]) for n in range(len(staff))])
    tickets = []
    for number in range(activity.tickets):
        owner = rng.randrange(activity.residents)
        opened = _moment(rng, year)
        window = opened + timedelta(minutes=10)
        claimed = opened + timedelta(minutes=rng.expovariate(1 / 7)) if rng.random() < 0.93 else None
        station = users[owner]["station_id"]
        tickets.append(dict(
            id=number + 1, user_id=owner + 1, station_id=station, status="closed" if claimed else "open",
            priority=0 if rng.random() < 0.05 else 1, reason="button",
            summary={"messages": [f"{activity.names[owner]} {activity.phones[owner]}"]},
            staff_id=(stations.index(station) * 2 + rng.randrange(2) + 1) if claimed else None,
            opened_at=opened, window_ends_at=window, claimed_at=claimed,
            first_reply_at=claimed + timedelta(minutes=rng.expovariate(1 / 3)) if claimed else None,
            closed_at=claimed + timedelta(hours=1) if claimed else None,
            rating=rng.choice((None, 3, 4, 5, 5)) if claimed else None,
            rating_comment=f"{activity.names[owner]}很满意" if claimed and rng.random() < 0.1 else None,
        ))
    _insert(session, Ticket, tickets)
    applications, changes = [], []
    for number in range(activity.applications):
        owner = rng.randrange(activity.residents)
        submitted = _moment(rng, year)
        wages = rng.random() < 0.55
        status = rng.choice(("submitted", "accepted", "approved", "approved", "rejected", "lawyer_assigned"))
        applications.append(dict(
            id=number + 1, tracking_number=f"FY-{year}-{number + 1:06d}", draft_id=number + 1, user_id=owner + 1,
            station_id=users[owner]["station_id"], matter="labor" if wages else rng.choice(TOPICS),
            claim="wages" if wages else rng.choice(("work_injury", "other")),
            fields={"name": activity.names[owner], "phone": activity.phones[owner],
                    "id_number": activity.id_numbers[owner],
                    "amount": f"{rng.randrange(2_000, 80_000):,}" if wages else "",
                    "applicant": ["migrant_worker"] if wages else []},
            wage_data=None, decision={"rule": "sample", "fast_track": wages}, status=status,
            submitted_at=submitted, updated_at=submitted,
        ))
        if status in ("approved", "rejected", "lawyer_assigned"):
            changes.append(dict(application_id=number + 1, from_status="accepted",
                                to_status="rejected" if status == "rejected" else "approved", actor="staff:1",
                                at=submitted + timedelta(days=rng.randrange(1, 12))))
    _insert(session, AidApplication, applications)
    _insert(session, AidStatusChange, changes)
    lectures, bookings = [], []
    for number in range(activity.lectures):
        starts = _moment(rng, year)
        lectures.append(dict(id=number + 1, title=f"法治微讲堂 {number + 1}", topic=rng.choice(TOPICS),
                             town=rng.choice(stations), starts_at=starts, ends_at=starts + timedelta(hours=1),
                             capacity=30, seats_taken=0, status="cancelled" if rng.random() < 0.05 else "scheduled"))
        for attendee in rng.sample(range(activity.residents), rng.randrange(0, 12)):
            bookings.append(dict(lecture_id=number + 1, user_id=attendee + 1,
                                 seats=rng.randrange(1, 3), status=rng.choice(("booked", "booked", "waiting")),
                                 requested_at=starts - timedelta(days=3)))
    _insert(session, Lecture, lectures)
    _insert(session, LectureBooking, bookings)
    requests = [dict(reference=f"JZ-{year}-{n + 1:04d}", user_id=rng.randrange(activity.residents) + 1,
                     organisation="社区居委会", audience_size=40, topics=["labor"], preferred_dates="周末",
                     contact_phone=activity.phones[n], status="new", created_at=_moment(rng, year))
                for n in range(60)]
    _insert(session, LectureRequest, requests)
    session.commit()
    return activity
