"""The `legalbot` command line."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from bot.settings import get_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="legalbot", description="法律超市 legal-services bot")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("start", help="run on Telegram when TELEGRAM_BOT_TOKEN is set, else the terminal chat")
    run = commands.add_parser("run", help="run the Telegram bot")
    run.add_argument("--webhook", action="store_true", help="serve a webhook instead of long polling")
    chat = commands.add_parser("chat", help="chat with the bot in this terminal")
    chat.add_argument("--user", default="local", help="terminal user id (default: local)")
    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply migrations")
    db_commands.add_parser("purge", help="delete conversations past their retention period")
    args = parser.parse_args(argv)

    command = args.command
    if command == "start":
        command = "run" if os.environ.get("TELEGRAM_BOT_TOKEN") else "chat"
        args.webhook, args.user = False, "local"
    logging.basicConfig(
        level=logging.WARNING if command == "chat" else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    settings = get_settings()

    from bot.db.migrate import upgrade
    from bot.services import build_assistant

    if command == "db":
        if args.db_command == "upgrade":
            upgrade(settings.database_url)
            print("database is up to date")
        else:
            messages, updates = build_assistant(settings).purge_expired()
            print(f"deleted {messages} expired messages and {updates} old update records")
        return 0
    assistant = build_assistant(settings)
    if command == "chat":
        from bot.terminal import run_terminal

        run_terminal(assistant)
        return 0
    from bot.telegram_channel.app import run as run_telegram

    run_telegram(settings, assistant, webhook=args.webhook)
    return 0


if __name__ == "__main__":
    sys.exit(main())
