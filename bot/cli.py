"""The `legalbot` command line."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from bot.core.masking import install_log_masking
from bot.settings import get_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="legalbot", description="法律超市 legal-services bot")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("start", help="run on Telegram when TELEGRAM_BOT_TOKEN is set, else the terminal chat")
    run = commands.add_parser("run", help="run the Telegram bot")
    run.add_argument("--webhook", action="store_true", help="serve a webhook instead of long polling")
    serve = commands.add_parser("serve", help="the web chat, the Telegram webhook, /healthz and /metrics on one port")
    serve.add_argument("--host", help="address to listen on (default: web.host in the config)")
    serve.add_argument("--port", type=int, help="port (default: web.port in the config)")
    serve.add_argument("--workers", type=int, help="worker processes (default: web.workers in the config)")
    chat = commands.add_parser("chat", help="chat with the bot in this terminal")
    chat.add_argument("--user", default="local", help="terminal user id (default: local)")
    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply migrations")
    purge = db_commands.add_parser("purge", help="enforce privacy/retention.yml: delete personal data past its period")
    purge.add_argument("--dry-run", action="store_true", help="print the counts per class and change nothing")
    kb = commands.add_parser("kb", help="the knowledge base")
    kb_commands = kb.add_subparsers(dest="kb_command", required=True)
    kb_commands.add_parser("check", help="fail on unresolved citations, missing translations, duplicates, stale entries")
    kb_commands.add_parser("sync-laws", help="copy the statutes the knowledge base cites from ../shared/laws")
    hot = kb_commands.add_parser("hot", help="the most asked questions of a month")
    hot.add_argument("--month", required=True, help="YYYY-MM")
    hot.add_argument("--town", help="the station's id, division code or name; the whole district when left out")
    nlu = commands.add_parser("nlu", help="natural-language understanding")
    nlu_commands = nlu.add_subparsers(dest="nlu_command", required=True)
    parse = nlu_commands.add_parser("parse", help="read questions on stdin, print one JSON parse per line")
    parse.add_argument("--backend", choices=["rasa", "embedded"], help="default: Rasa, falling back to embedded")
    evaluate = nlu_commands.add_parser("eval", help="topic accuracy on a JSONL file of {text, topic}")
    evaluate.add_argument("file")
    evaluate.add_argument("--backend", choices=["rasa", "embedded"])
    train = nlu_commands.add_parser("train", help="train the Rasa model from nlu/ and the knowledge base")
    train.add_argument("--epochs", type=int, help="override DIET's epochs (for quick checks)")
    train.add_argument("--if-changed", action="store_true", help="skip when the model was trained from this data")
    ask = commands.add_parser("ask", help="questions on stdin, one per line; one JSON line each: what a resident gets")
    ask.add_argument("--lang", choices=["zh", "en"], default="zh", help="the resident's language setting")
    ask.add_argument("--backend", choices=["rasa", "embedded"], help="default: Rasa, falling back to embedded")
    from bot.services import SERVICES, all_cited_laws, build_assistant, command_groups

    for service in SERVICES:  # each service's own group: lectures, staff and tickets, aid, report, health-check
        if service.cli:
            service.cli.add(commands)
    args = parser.parse_args(argv)

    command = args.command
    if command == "start":
        command = "run" if os.environ.get("TELEGRAM_BOT_TOKEN") else "chat"
        args.webhook, args.user = False, "local"
    log_format = "%(asctime)s %(levelname)s %(name)s: %(message)s"
    settings = get_settings()
    if command == "chat":
        # The terminal is the conversation; the bot's own log goes to a file.
        log_file = settings.config_dir / "var" / "legalbot.log"
        log_file.parent.mkdir(parents=True, exist_ok=True)
        logging.basicConfig(level=logging.INFO, format=log_format, filename=log_file)
    else:
        # Tools print their results; only the running bot logs its routine work.
        logging.basicConfig(level=logging.INFO if command in ("run", "serve") else logging.WARNING, format=log_format)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    install_log_masking()  # every handler, before anything logs: no phone or ID number reaches a log

    from bot.db.migrate import upgrade

    if command == "kb":
        from bot.knowledge.commands import run_kb_command

        return run_kb_command(args, settings, all_cited_laws(settings.knowledge_dir))
    if command == "nlu":
        from bot.nlu.commands import run_nlu_command

        return run_nlu_command(args, settings)
    if command == "ask":
        from bot.ask import run_ask

        return run_ask(args, settings)
    group = command_groups().get(command)
    if group is not None:
        upgrade(settings.database_url)
        return group.run(args, settings)
    if command == "db":
        if args.db_command == "upgrade":
            upgrade(settings.database_url)
            print("database is up to date")
        else:
            from bot.privacy.commands import print_purge

            print_purge(build_assistant(settings), dry_run=args.dry_run)
        return 0
    if command == "serve":
        from bot.web.server import serve as serve_web

        web = settings.web
        serve_web(settings, args.host or web.host, args.port or web.port, args.workers or web.workers)
        return 0
    if command == "run" and args.webhook:
        from bot.telegram_channel.authenticity import MissingWebhookSecret, webhook_secret

        try:
            webhook_secret(settings)
        except MissingWebhookSecret as error:
            print(error, file=sys.stderr)
            return 2
    assistant = build_assistant(settings)
    if command == "chat":
        from bot.terminal import run_terminal

        assistant.start_up()
        run_terminal(assistant, user_id=args.user)
        return 0
    from bot.telegram_channel.app import run as run_telegram

    run_telegram(settings, assistant, webhook=args.webhook)
    return 0


if __name__ == "__main__":
    sys.exit(main())
