"""Per-update latency inside the bot (domain plus database, no network), on SQLite and PostgreSQL.

    .venv/bin/python -m bench.latency [--updates 3000] [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

from bot.core.messages import Inbound, InboundKind
from bot.db.migrate import upgrade
from bot.services import build_assistant
from bot.settings import load_settings

WALK = [
    (InboundKind.COMMAND, {"command": "start"}),
    (InboundKind.BUTTON, {"button_data": "consent:yes"}),
    (InboundKind.BUTTON, {"button_data": "go:stations"}),
    (InboundKind.BUTTON, {"button_data": "st:luyuan"}),
    (InboundKind.BUTTON, {"button_data": "go:stations"}),
    (InboundKind.BUTTON, {"button_data": "go:home"}),
    (InboundKind.BUTTON, {"button_data": "go:records"}),
    (InboundKind.TEXT, {"text": "包工头欠我两万三工资不给怎么办"}),
    (InboundKind.LOCATION, {"location": (39.83, 116.60)}),
    (InboundKind.COMMAND, {"command": "help"}),
]


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def measure(database_url: str, updates: int, residents: int = 50) -> list[float]:
    upgrade(database_url)
    settings = load_settings(database_url=database_url)
    settings.nlu.rasa_url = ""
    assistant = build_assistant(settings, migrate=False)
    assistant.nlu.embedded, assistant.retriever  # measure steady state, not the background start-up
    samples = []
    for number in range(updates):
        resident, step = number % residents, (number // residents) % len(WALK)
        kind, fields = WALK[step]
        inbound = Inbound(channel="bench", user_id=str(resident), chat_id=str(resident), kind=kind,
                          update_key=str(number), language_hint="zh", **fields)
        started = time.perf_counter()
        assistant.handle(inbound)
        samples.append((time.perf_counter() - started) * 1000)
    assistant.close()
    return samples


def report(name: str, samples: list[float]) -> None:
    print(f"{name:10s} updates={len(samples):5d}  p50={statistics.median(samples):6.2f} ms  "
          f"p99={percentile(samples, 0.99):6.2f} ms  max={max(samples):6.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=3000)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        report("sqlite", measure(f"sqlite:///{Path(folder) / 'bench.sqlite3'}", args.updates))
    name = f"legalbot_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001 - PostgreSQL is optional for this benchmark
        print(f"postgresql skipped: {error.__class__.__name__}")
        return
    try:
        report("postgresql", measure(args.postgres.rsplit("/", 1)[0] + f"/{name}", args.updates))
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
