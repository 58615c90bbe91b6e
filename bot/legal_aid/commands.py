"""`legalbot aid …`: list applications, change a status (the applicant is told), export a month as CSV."""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import datetime, timezone
from typing import Callable, TextIO
from zoneinfo import ZoneInfo

from bot.settings import Settings

CSV_COLUMNS = ("tracking_number", "submitted_local", "station", "status", "claim", "matter", "fast_track", "amount",
               "name", "phone", "status_reason")


def add_parsers(commands: argparse._SubParsersAction) -> None:
    aid = commands.add_parser("aid", help="法律援助绿色通道: applications")
    sub = aid.add_subparsers(dest="aid_command", required=True)
    listing = sub.add_parser("list", help="applications, oldest first (phones masked)")
    listing.add_argument("--status")
    listing.add_argument("--station", help="the station's id, division code or name (潞源街道, 潞源)")
    status = sub.add_parser("set-status", help="move an application on; the applicant is told")
    status.add_argument("tracking_number")
    status.add_argument("status")
    status.add_argument("--reason", help="needed to refuse, to reverse a refusal, or to close early")
    export = sub.add_parser("export", help="a month's applications as CSV on stdout, for the station's paperwork")
    export.add_argument("--month", required=True, help="YYYY-MM, in local time")


def run(args: argparse.Namespace, settings: Settings,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc), out: TextIO | None = None) -> int:
    from bot.core.stations import UnknownStation
    from bot.db.engine import command_session
    from bot.db.repositories import Repositories
    from bot.handoff.context import HandoffContext

    out = out or sys.stdout
    ctx = HandoffContext.load(settings)
    try:
        station = ctx.stations.station_id(getattr(args, "station", None))
    except UnknownStation as error:
        print(error, file=out)
        return 1
    with command_session(settings.database_url) as session:
        repos = Repositories(session)
        if args.aid_command == "list":
            return list_applications(repos, ctx, args.status, station, out)
        if args.aid_command == "set-status":
            return set_status(repos, ctx, args.tracking_number, args.status, args.reason, clock(), out)
        return export_month(repos, ctx, args.month, out)


def list_applications(repos, ctx, status: str | None, station: str | None, out: TextIO) -> int:
    from bot.forms.parsing import mask_phone

    applications = repos.aid.listing(status, station)
    for a in applications:
        local = ctx.local(a.submitted_at).strftime("%Y-%m-%d %H:%M")
        print(f"{a.tracking_number}  {local}  {a.station_id or '-'}  {a.status}  {a.claim}  "
              f"{a.fields.get('name') or '-'}  {mask_phone(a.fields.get('phone') or '')}", file=out)
    if not applications:
        print("no applications", file=out)
    return 0


def set_status(repos, ctx, number: str, status: str, reason: str | None, now: datetime, out: TextIO) -> int:
    from bot.legal_aid.staff_notices import change_status, transition_error_text
    from bot.legal_aid.tracking import TransitionError

    application = repos.aid.by_tracking_number(number, lock=True)
    if application is None:
        print(f"no application {number}", file=out)
        return 1
    try:
        change_status(ctx, repos, application, status, reason, "cli", now)
    except TransitionError as error:
        print(transition_error_text(ctx.texts, error), file=out)
        return 1
    print(f"{application.tracking_number}: {status}; the applicant will be told", file=out)
    return 0


def export_month(repos, ctx, month: str, out: TextIO) -> int:
    try:
        start_local = datetime.strptime(month, "%Y-%m").replace(tzinfo=ZoneInfo(ctx.settings.timezone))
    except ValueError:
        print("--month must be YYYY-MM", file=out)
        return 1
    end_local = start_local.replace(year=start_local.year + start_local.month // 12, month=start_local.month % 12 + 1)
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for a in repos.aid.submitted_between(start_local.astimezone(timezone.utc), end_local.astimezone(timezone.utc)):
        writer.writerow([a.tracking_number, ctx.local(a.submitted_at).strftime("%Y-%m-%d %H:%M"), a.station_id or "",
                         a.status, a.claim, a.matter, "yes" if a.decision.get("fast_track") else "no",
                         a.fields.get("amount") or "", a.fields.get("name") or "", a.fields.get("phone") or "",
                         a.status_reason or ""])
    return 0
