"""`legalbot report month 2026-11 | quarter 2026-Q4 | year 2026`: the assessment reports."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, Callable

from bot.reports.periods import KINDS, Period, PeriodError
from bot.reports.render import FORMATS
from bot.settings import Settings


def add_parser(commands: argparse._SubParsersAction) -> None:
    report = commands.add_parser("report", help="月度自查、季度交账、年度总结: the assessment reports")
    report.add_argument("kind", choices=KINDS)
    report.add_argument("period", help="2026-11, 2026-Q4 or 2026")
    report.add_argument("--station", help="one station (id, division code or name); the whole district if left out")
    report.add_argument("--format", choices=FORMATS, default="html")
    report.add_argument("--lang", choices=("zh", "en"), default="zh")
    report.add_argument("--output", help="file to write; standard output if left out")


def run(args: argparse.Namespace, settings: Settings,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc), out: BinaryIO | None = None) -> int:
    from bot.db.engine import command_session
    from bot.reports.service import report_bytes

    try:
        period = Period.parse(args.kind, args.period)
    except PeriodError as error:
        print(f"legalbot report: {error}", file=sys.stderr)
        return 2
    station = None
    if args.station:
        station = resolve_station(settings, args.station)
        if station is None:
            return 2
    with command_session(settings.database_url, transaction=False) as session:
        data = report_bytes(session, settings, period, station, args.lang, args.format, clock())
    if args.output:
        Path(args.output).write_bytes(data)
        print(f"{args.output}: {len(data)} bytes", file=sys.stderr)
    else:
        (out or sys.stdout.buffer).write(data)
    return 0


def resolve_station(settings: Settings, given: str) -> str | None:
    """A station id from an id, a division code or a name, or None after listing the valid ones."""
    from bot.core.stations import StationDirectory, UnknownStation

    try:
        return StationDirectory.from_settings(settings).lookup(given).id
    except UnknownStation as error:
        print(f"legalbot report: {error}", file=sys.stderr)
        return None
