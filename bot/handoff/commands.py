"""`legalbot staff …` and `legalbot tickets stats`: who may act on tickets, where tickets are posted, how staff did."""

from __future__ import annotations

import argparse
from datetime import datetime, timezone
from typing import Callable

from sqlalchemy.orm import Session

from bot.settings import Settings

CHANNEL = "telegram"


def add_parsers(commands: argparse._SubParsersAction) -> None:
    staff = commands.add_parser("staff", help="转人工: staff members and staff groups")
    sub = staff.add_subparsers(dest="staff_command", required=True)
    add = sub.add_parser("add", help="register (or update) a member of staff")
    add.add_argument("telegram_id")
    add.add_argument("--name", required=True)
    add.add_argument("--role", required=True,
                     help="a role of knowledge/staff_permissions.yml: station_staff, mediator, lawyer, volunteer, "
                          "supervisor")
    add.add_argument("--station", action="append", dest="stations", metavar="STATION",
                     help="a station's id, division code or name (潞源街道, 潞源); repeat for several; "
                          "none for district-wide staff")
    sub.add_parser("list", help="registered staff and staff groups")
    remove = sub.add_parser("remove", help="stop a member of staff at once; their tickets go back to the queue "
                                           "(the audit log keeps them)")
    remove.add_argument("telegram_id")
    group = sub.add_parser("set-group", help="the staff group chat new tickets are posted to")
    group.add_argument("chat_id")
    group.add_argument("--station", help="this station's own group (id, division code or name); the district's when left out")
    tickets = commands.add_parser("tickets", help="转人工 tickets")
    tickets_sub = tickets.add_subparsers(dest="tickets_command", required=True)
    stats = tickets_sub.add_parser("stats", help="time to claim, time to first reply, share within the window, rating")
    stats.add_argument("--month", required=True, help="YYYY-MM")
    stats.add_argument("--station", help="only this station (id, division code or name)")


def run(args: argparse.Namespace, settings: Settings,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> int:
    from bot.core.stations import StationDirectory, UnknownStation
    from bot.db.engine import command_session

    directory = StationDirectory.from_settings(settings)
    try:
        station = directory.station_id(getattr(args, "station", None))
        stations = [directory.lookup(value).id for value in getattr(args, "stations", None) or ()]
    except UnknownStation as error:
        print(error)
        return 1
    with command_session(settings.database_url) as session:
        if args.command == "tickets":
            return print_stats(session, settings, args.month, station)
        return run_staff(session, settings, args, station, stations, clock())


def run_staff(session: Session, settings: Settings, args: argparse.Namespace, station: str | None,
              stations: list[str], now: datetime) -> int:
    """`station` and `stations` are the resolved ids of --station (set-group) and the repeated --station (add)."""
    from bot.db.models import StaffGroup, StaffMember, StaffStation
    from bot.db.repositories import Repositories
    from bot.handoff.context import HandoffContext
    from bot.handoff.desk import remove_member
    from bot.handoff.permissions import load as load_permissions

    repos = Repositories(session).handoff
    chosen = list(dict.fromkeys(stations))
    command = args.staff_command
    if command == "add":
        roles = load_permissions(settings.handoff.permissions_file).roles
        if args.role not in roles:
            print(f"unknown role {args.role!r}; roles: {', '.join(roles)} (knowledge/staff_permissions.yml)")
            return 1
        member = session.query(StaffMember).filter_by(channel=CHANNEL, external_id=args.telegram_id).one_or_none()
        if member is None:
            member = StaffMember(channel=CHANNEL, external_id=args.telegram_id, created_at=now)
            session.add(member)
        member.name, member.role, member.active = args.name, args.role, True
        member.stations = [StaffStation(station_id=s) for s in chosen]
        session.flush()
        repos.tickets.log(None, "cli", "staff_added", now, staff_id=member.id,
                          detail=f"staff={member.id} role={args.role} stations={','.join(chosen) or 'district'}")
        print(f"staff {member.id}: {member.name} ({member.role}, {', '.join(member.station_ids) or 'district'})")
        return 0
    if command == "remove":
        member = repos.staff.find(CHANNEL, args.telegram_id)
        if member is None:
            print(f"no active staff member {args.telegram_id}")
            return 1
        released = remove_member(HandoffContext.load(settings), Repositories(session), member, "cli", now)
        back = f"; tickets back in the queue: {', '.join(f'#{n}' for n in released)}" if released else ""
        print(f"removed {member.name}{back}")
        return 0
    if command == "set-group":
        group = session.query(StaffGroup).filter_by(station_id=station).one_or_none() if station else \
            session.query(StaffGroup).filter(StaffGroup.station_id.is_(None)).one_or_none()
        existing = repos.groups.by_chat(CHANNEL, args.chat_id)
        if existing is not None and existing is not group:
            session.delete(existing)
            session.flush()
        if group is None:
            group = StaffGroup(channel=CHANNEL, station_id=station, created_at=now, chat_id=args.chat_id,
                               recipient_id=repos.recipient(CHANNEL, args.chat_id).id)
            session.add(group)
        group.chat_id, group.recipient_id = args.chat_id, repos.recipient(CHANNEL, args.chat_id).id
        repos.tickets.log(None, "cli", "group_set", now, detail=f"chat={args.chat_id} station={station}")
        print(f"staff group for {station or 'the district'}: {args.chat_id}")
        return 0
    for member in repos.staff.all():
        state = "" if member.active else " (removed)"
        stations = ",".join(member.station_ids) or "district"
        print(f"{member.external_id}\t{member.name}\t{member.role}\t{stations}{state}")
    for group in repos.groups.all():
        print(f"group {group.chat_id}\t{group.station_id or 'district'}")
    return 0


def print_stats(session: Session, settings: Settings, month: str, station: str | None = None) -> int:
    from bot.handoff.metrics import month_bounds, stats_by_station

    try:
        start, end = month_bounds(month, settings.timezone)
    except ValueError:
        print("--month must be YYYY-MM")
        return 1
    rows = [row for row in stats_by_station(session, start, end) if station is None or row[0] == station]
    print("station\ttickets\tclaimed\tin_window\tclaim_min\tfirst_reply_min\trating")
    for row in rows:
        print("\t".join(str(value) for value in row))
    return 0
