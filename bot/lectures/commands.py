"""`legalbot lectures …`: staff manage lectures, see who comes, and schedule custom lecture requests."""

from __future__ import annotations

import argparse
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from bot.settings import Settings

def add_parser(commands: argparse._SubParsersAction) -> None:
    lectures = commands.add_parser("lectures", help="法治微讲堂: lectures, attendees and custom lecture requests")
    sub = lectures.add_subparsers(dest="lectures_command", required=True)
    add = sub.add_parser("add", help="add a lecture")
    add.add_argument("--title", required=True)
    add.add_argument("--title-en", help="the title in English, for English-speaking residents")
    add.add_argument("--topic", required=True, help="a topic id from knowledge/topics.yml, e.g. labor")
    add.add_argument("--starts", required=True, help='local start time, "YYYY-MM-DD HH:MM"')
    add.add_argument("--minutes", type=int, default=60, help="how long it lasts (default 60)")
    add.add_argument("--capacity", type=int, required=True, help="number of seats")
    add.add_argument("--town", help="the station's id, division code or name, e.g. 潞源街道 or 潞源")
    add.add_argument("--place", help="where, e.g. 潞源街道公共法律服务工作站")
    add.add_argument("--place-en")
    add.add_argument("--online-url", help="link for an online lecture")
    add.add_argument("--speaker", default="")
    listing = sub.add_parser("list", help="lectures not yet over, with seats and waitlists")
    listing.add_argument("--all", action="store_true", help="past lectures too")
    cancel = sub.add_parser("cancel", help="cancel a lecture and tell everyone booked or waiting")
    cancel.add_argument("id", type=int)
    importing = sub.add_parser("import", help="add the lectures in a YAML file (all or none)")
    importing.add_argument("file", type=Path)
    attendees = sub.add_parser("attendees", help="who booked a lecture, and its waitlist")
    attendees.add_argument("id", type=int)
    requests = sub.add_parser("requests", help="custom lecture requests waiting to be scheduled")
    requests.add_argument("--all", action="store_true", help="scheduled ones too")
    requests.add_argument("--reveal-phones", action="store_true", help="show full phone numbers (logged)")
    schedule = sub.add_parser("schedule-request", help="answer a custom request with a lecture; the requester is told")
    schedule.add_argument("reference", help="e.g. JZ-2026-000012")
    schedule.add_argument("lecture_id", type=int)


def run_lectures_command(args: argparse.Namespace, settings: Settings,
                         clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> int:
    from bot.db.engine import make_engine, make_session_factory
    from bot.lectures.context import LectureContext
    from bot.lectures.staff import StaffDesk

    engine = make_engine(settings.database_url)
    try:
        staff = StaffDesk(make_session_factory(engine), LectureContext.load(settings), clock())
        return staff.run(args)
    finally:
        engine.dispose()
