"""Time and memory to build the assessment reports over a year of synthetic activity, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.reports [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

Generates 22 stations' year (200,000 messages, 8,000 tickets, 1,500 applications), then builds the month,
quarter and year reports (figures by SQL, the document, HTML with charts) and prints seconds and peak memory.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from datetime import datetime, timezone
from pathlib import Path


from bench.activity import Activity, generate
from bench.scratch import scratch_postgres
from bot.db.engine import make_engine, make_session_factory
from bot.db.migrate import upgrade
from bot.knowledge.entries import load_entries
from bot.reports.periods import Period
from bot.reports.service import report_bytes
from bot.settings import load_settings

CONFIG = Path(__file__).resolve().parent.parent / "config.yml"
PERIODS = (("month", "2026-11"), ("quarter", "2026-Q4"), ("year", "2026"))


def measure(url: str, label: str, formats: tuple[str, ...]) -> None:
    settings = load_settings(CONFIG, database_url=url)
    upgrade(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    started = time.perf_counter()
    with sessions() as session:
        entries = [entry.id for entry in load_entries(settings.knowledge_dir / "entries")]
        generate(session, Activity(stations=[s.id for s in settings.stations], entries=entries))
    print(f"{label}: generated a year of activity in {time.perf_counter() - started:.1f} s")
    now = datetime(2026, 12, 1, 1, tzinfo=timezone.utc)
    for kind, value in PERIODS:
        for fmt in formats:
            tracemalloc.start()
            started = time.perf_counter()
            with sessions() as session:
                data = report_bytes(session, settings, Period.parse(kind, value), None, "zh", fmt, now)
            seconds = time.perf_counter() - started
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            print(f"{label}: {kind:7} {value:8} {fmt:4}  {seconds:6.2f} s  peak {peak / 2**20:6.1f} MiB  "
                  f"{len(data) / 1024:7.1f} KiB")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="an admin URL; a scratch database is created and dropped")
    parser.add_argument("--formats", default="html,xlsx,pdf")
    args = parser.parse_args()
    formats = tuple(args.formats.split(","))
    with tempfile.TemporaryDirectory() as folder:
        measure(f"sqlite:///{folder}/reports.sqlite3", "sqlite", formats)
    if args.postgres:
        with scratch_postgres(args.postgres) as url:
            measure(url, "postgresql", formats)


if __name__ == "__main__":
    main()
