"""`legalbot console link TELEGRAM_ID`: send a member of staff a sign-in link through the bot (the outbox)."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from typing import Callable

from bot.settings import Settings


def add_parser(commands: argparse._SubParsersAction) -> None:
    console = commands.add_parser("console", help="the staff console (/staff)")
    actions = console.add_subparsers(dest="console_command", required=True)
    link = actions.add_parser("link", help="send a registered member of staff a one-time sign-in link")
    link.add_argument("telegram_id")


def run(args: argparse.Namespace, settings: Settings,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc)) -> int:
    from bot.console import signin
    from bot.core.content import load_texts
    from bot.db.engine import make_engine, make_session_factory

    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine).begin() as session:
            member = signin.find_member(session, "telegram", args.telegram_id)
            if member is None:
                print(f"legalbot console: no active member of staff with Telegram id {args.telegram_id}",
                      file=sys.stderr)
                return 1
            signin.send_link(session, load_texts(settings.menus_dir), settings.console, member, clock())
            print(f"a sign-in link for {member.name} is queued for their Telegram chat "
                  f"(valid {settings.console.link_minutes} minutes, once)")
    finally:
        engine.dispose()
    return 0
