"""`legalbot kb …` subcommands."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import yaml

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.check import check_entries, cited_laws, shared_laws_folder
from bot.knowledge.entries import load_entries
from bot.knowledge.laws import StatuteTable, sync_cited_laws
from bot.settings import Settings


def run_kb_command(args: argparse.Namespace, settings: Settings) -> int:
    folder = settings.knowledge_dir
    if args.kb_command == "check":
        return check(settings)
    if args.kb_command == "sync-laws":
        copied = sync_cited_laws(all_cited_laws(folder), shared_laws_folder(settings.config_dir), folder / "laws")
        print(f"copied {len(copied)} statute files into {folder / 'laws'}: {', '.join(copied)}")
        return 0
    return hot(args, settings)


def all_cited_laws(folder: Path) -> set[str]:
    """Laws cited anywhere: the knowledge base, the legal-aid eligibility rules and the wage-claim summary."""
    from bot.legal_aid.eligibility import load_rule_book
    from bot.legal_aid.summary import CHAIN_LIABILITY, LIMITATION

    rules = load_rule_book(folder / "legal_aid_rules.yml")
    rule_laws = {c.law for rule in rules.rules for c in rule.citations}
    summary_laws = {c.law for c in (LIMITATION, *CHAIN_LIABILITY)}
    return cited_laws(load_entries(folder / "entries")) | rule_laws | summary_laws


def check(settings: Settings) -> int:
    folder = settings.knowledge_dir
    entries = load_entries(folder / "entries")
    topics = set(yaml.safe_load((folder / "topics.yml").read_text(encoding="utf-8")))
    shared = shared_laws_folder(settings.config_dir)
    shared_table = StatuteTable(shared) if shared.is_dir() else None
    problems = check_entries(entries, topics, StatuteTable(folder / "laws"), date.today(), shared_table)
    for problem in problems:
        print(problem)
    citations = sum(len(entry.citations) for entry in entries)
    compared = "compared with the shared statute table" if shared_table else "shared statute table not found"
    print(f"{len(entries)} entries, {citations} citations, {len(problems)} problems ({compared})")
    return 1 if problems else 0


def hot(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.stations import StationDirectory, UnknownStation
    from bot.db.engine import make_engine, make_session_factory
    from bot.db.repositories import Repositories

    try:
        town = StationDirectory.from_settings(settings).station_id(args.town)
    except UnknownStation as error:
        print(error)
        return 1
    knowledge = KnowledgeBase.load(settings.knowledge_dir)
    engine = make_engine(settings.database_url)
    with make_session_factory(engine)() as session:
        counts = Repositories(session).question_counts
        rows = counts.top_entries(args.month, town, limit=20)
        total = counts.total_asked(args.month, town)
    engine.dispose()
    where = town or "district"
    print(f"{args.month} {where}: {total} questions asked")
    print(f"{'asked':>6} {'unhelpful':>9}  topic           question")
    for entry_id, topic, asked, unhelpful in rows:
        entry = knowledge.by_id.get(entry_id)
        question = entry.question["zh"] if entry else entry_id
        print(f"{asked:>6} {unhelpful:>9}  {topic:<15} {question}")
    return 0
