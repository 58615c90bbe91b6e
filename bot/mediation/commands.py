"""`legalbot mediation …`: the station's and the mediator's side of a case, with the desk's permissions, masking and
audit (the acting member is named with --as, their id on the channel)."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime, timezone
from typing import Callable, TextIO
from zoneinfo import ZoneInfo

from bot.settings import Settings

CHANNEL = "telegram"


def add_parsers(commands: argparse._SubParsersAction) -> None:
    mediation = commands.add_parser("mediation", help="网络调解: mediation cases")
    sub = mediation.add_subparsers(dest="mediation_command", required=True)
    listing = sub.add_parser("list", help="cases, oldest first (names and phones masked)")
    listing.add_argument("--status")
    listing.add_argument("--station", help="the station's id, division code or name (潞源街道, 潞源)")
    show = sub.add_parser("show", help="one case with its timeline; --as a member with the right to see it in full")
    show.add_argument("number")
    show.add_argument("--as", dest="staff", help="reveal names, phones and the story to this member (logged)")

    def acting(name: str, text: str) -> argparse.ArgumentParser:
        parser = sub.add_parser(name, help=text)
        parser.add_argument("number", help="TJ-2026-000001")
        parser.add_argument("--as", dest="staff", required=True, help="the acting member's id (as in staff add)")
        return parser

    acting("claim", "take the case as its mediator")
    reached = acting("reached", "record that staff reached the other party by phone, and their answer")
    reached.add_argument("--answer", choices=["accepted", "declined"], required=True)
    schedule = acting("schedule", "offer 1-3 session times; each party picks one in the chat")
    schedule.add_argument("--at", action="append", required=True, help='"YYYY-MM-DD HH:MM", local time (1-3 times)')
    schedule.add_argument("--place", help="a video link, or a place; default: the station's address (or by phone)")
    record = acting("record", "the outcome: an agreement (with terms), a partial one, or a failure")
    record.add_argument("--outcome", choices=["agreement", "partial", "failure"], required=True)
    record.add_argument("--reason", default="", help="why it failed, or what stayed unagreed")
    record.add_argument("--facts", default="", help="the main facts (调解协议书 第二部分)")
    record.add_argument("--matters", default="", help="the disputed matters and each party's responsibility")
    record.add_argument("--term", action="append", default=[],
                        help='"party=respondent;does=支付工资;amount=3000;by=2026-12-20;how=银行转账" (repeat)')
    effective = acting("effective", "the agreement was signed and sealed: the date it took effect")
    effective.add_argument("--on", required=True, help="YYYY-MM-DD")
    filed = acting("filed", "the parties applied to the court for judicial confirmation")
    filed.add_argument("--on", required=True, help="YYYY-MM-DD")
    ruling = acting("ruling", "the court's ruling on the application")
    ruling.add_argument("--result", choices=["confirmed", "rejected"], required=True)
    ruling.add_argument("--on", required=True, help="YYYY-MM-DD")
    stats = sub.add_parser("stats", help="per station: cases by kind, acceptance, agreement, confirmation, performance")
    stats.add_argument("--month", required=True, help="YYYY-MM, in local time")
    stats.add_argument("--station")


def run(args: argparse.Namespace, settings: Settings,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc), out: TextIO | None = None) -> int:
    from bot.core.stations import UnknownStation
    from bot.db.engine import command_session
    from bot.db.repositories import Repositories
    from bot.mediation.context import MediationContext

    out = out or sys.stdout
    ctx = MediationContext.load(settings)
    try:
        station = ctx.stations.station_id(getattr(args, "station", None))
    except UnknownStation as error:
        print(error, file=out)
        return 1
    with command_session(settings.database_url) as session:
        repos = Repositories(session)
        command = args.mediation_command
        if command == "list":
            return list_cases(repos, ctx, args.status, station, out)
        if command == "stats":
            return print_stats(session, ctx, args.month, station, out)
        return act(repos, ctx, args, clock(), out)


def list_cases(repos, ctx, status: str | None, station: str | None, out: TextIO) -> int:
    from bot.core.masking import mask_name

    cases = repos.mediation.listing(status, station)
    for c in cases:
        local = ctx.local(c.created_at).strftime("%Y-%m-%d %H:%M")
        print(f"{c.number}  {local}  {c.station_id or '-'}  {c.status}  {c.kind}  "
              f"{mask_name(c.fields.get('name', ''))}  {c.mediator.name if c.mediator else '-'}", file=out)
    if not cases:
        print("no cases", file=out)
    return 0


def _day(text: str) -> date:
    return date.fromisoformat(text)


def act(repos, ctx, args: argparse.Namespace, now: datetime, out: TextIO) -> int:
    from bot.mediation import staff as acts
    from bot.mediation.cases import Outcome, TermError, normalise_number, parse_term

    number = normalise_number(args.number)
    case = repos.mediation.by_number(number, lock=True) if number else None
    if case is None:
        print(f"no case {args.number}", file=out)
        return 1
    member = repos.handoff.staff.find(CHANNEL, args.staff) if args.staff else None
    if args.staff and member is None:
        print(f"no member of staff {args.staff}", file=out)
        return 1
    command = args.mediation_command
    try:
        if command == "show":
            return show(repos, ctx, case, member, now, out)
        if command == "claim":
            message = acts.claim(ctx, repos, member, case, now)
        elif command == "reached":
            message = acts.reached(ctx, repos, member, case, args.answer == "accepted", now)
        elif command == "schedule":
            zone = ZoneInfo(ctx.settings.timezone)
            try:
                times = [datetime.strptime(t, "%Y-%m-%d %H:%M").replace(tzinfo=zone).astimezone(timezone.utc)
                         for t in args.at]
            except ValueError:
                print('--at must be "YYYY-MM-DD HH:MM"', file=out)
                return 1
            message = acts.schedule(ctx, repos, member, case, times, args.place, now)
        elif command == "record":
            try:
                terms = [parse_term(t) for t in args.term]
            except TermError as error:
                print(f"bad --term ({error.code}): {error.detail}", file=out)
                return 1
            message = acts.record(ctx, repos, member, case, Outcome(args.outcome), now, reason=args.reason,
                                  facts=args.facts, matters=args.matters, terms=terms)
        elif command in ("effective", "filed", "ruling"):
            try:
                on = _day(args.on)
            except ValueError:
                print("--on must be YYYY-MM-DD", file=out)
                return 1
            if command == "effective":
                message = acts.effective(ctx, repos, member, case, on, now)
            elif command == "filed":
                message = acts.filed(ctx, repos, member, case, on, now)
            else:
                message = acts.ruling(ctx, repos, member, case, args.result, on, now)
        else:
            return 2
    except acts.StaffError as error:
        print(error.text(ctx), file=out)
        repos.session.commit()  # the refusal stays in the audit log
        return 1
    print(message, file=out)
    return 0


def show(repos, ctx, case, member, now: datetime, out: TextIO) -> int:
    from bot.mediation import staff as acts

    reveal = False
    if member is not None:
        reveal = ctx.permissions.unmask(repos.session, member, case.station_id, f"mediation={case.number}", now)
        if not reveal:
            raise acts.StaffError("md_staff_not_allowed", number=case.number)
    print(acts.card(ctx, case, reveal=reveal), file=out)
    if case.agreement.get("terms"):
        from bot.mediation.documents import terms_text

        print(terms_text(ctx, case, "zh"), file=out)
    for event in repos.mediation.events(case.id):
        print(f"  {ctx.local(event.at).strftime('%Y-%m-%d %H:%M')}  {event.kind}  {event.actor}  {ctx.local_times(event.detail)}",
              file=out)
    for timer in repos.mediation.timers(case.id):
        state = timer.outcome or "pending"
        print(f"  timer {timer.kind}  {ctx.local(timer.due_at).strftime('%Y-%m-%d %H:%M')}  {state}", file=out)
    return 0


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def print_stats(session, ctx, month: str, station: str | None, out: TextIO) -> int:
    from bot.mediation.stats import figures, stations_with_cases

    try:
        start_local = datetime.strptime(month, "%Y-%m").replace(tzinfo=ctx.zone)
    except ValueError:
        print("--month must be YYYY-MM", file=out)
        return 1
    end_local = start_local.replace(year=start_local.year + start_local.month // 12, month=start_local.month % 12 + 1)
    start, end = start_local.astimezone(timezone.utc), end_local.astimezone(timezone.utc)
    stations = [station] if station else stations_with_cases(session, start, end)
    if not stations:
        print(f"no mediation cases in {month}", file=out)
        return 0
    print("station  cases  by kind  accepted  agreed  confirmed  performed  median days to session", file=out)
    for station_id in stations:
        f = figures(session, start, end, station_id)
        kinds = ", ".join(f"{ctx.data.option('kind', kind, 'zh')} {n}" for kind, n in f.by_kind.items()) or "-"
        median = "-" if f.median_days_to_session is None else f"{f.median_days_to_session:.1f}"
        print(f"{ctx.station_name(station_id)}  {f.cases}  {kinds}  {_percent(f.acceptance_rate)}  "
              f"{_percent(f.agreement_rate)}  {_percent(f.confirmation_rate)}  {_percent(f.performance_rate)}  {median}",
              file=out)
    return 0
