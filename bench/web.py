"""The web channel under load: turns per second through `legalbot serve` against the same domain called directly,
turn latency with 50 visitors at once, and one worker against two on PostgreSQL.

    .venv/bin/python -m bench.web [--visitors 50] [--rounds 3] [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

Each visitor opens the page (the privacy notice is its first turn), then walks the menus and asks one question,
as a resident would. The load generator runs on the same machine as the service.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from bench.latency import percentile
from bot.core.messages import Inbound, InboundKind
from bot.db.migrate import upgrade
from bot.services import build_assistant
from bot.settings import load_settings
from tests.fakebot import free_port

ROOT = Path(__file__).resolve().parent.parent
WALK = [
    ("button", "consent:yes"),
    ("button", "go:stations"),
    ("button", "st:luyuan"),
    ("button", "go:home"),
    ("button", "go:records"),
    ("text", "包工头欠我两万三工资不给怎么办"),
    ("command", "help"),
    ("button", "go:home"),
]
KINDS = {"button": (InboundKind.BUTTON, "button_data"), "text": (InboundKind.TEXT, "text"),
         "command": (InboundKind.COMMAND, "command")}


# --- through the web service -------------------------------------------------------------------------------------

@contextmanager
def serving(database_url: str, workers: int):
    """`legalbot serve` in a subprocess, rate limits lifted (every visitor comes from 127.0.0.1)."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "NLU__RASA_URL": "", "WEB_SECRET_KEY": "bench",
           "WEB__PER_VISITOR_PER_MINUTE": "1000000", "WEB__PER_IP_PER_MINUTE": "100000000",
           "LECTURES__DEMO_DATA": "false"}
    process = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--port", str(port), "--workers", str(workers)],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("legalbot serve did not start")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(30)


async def visit(url: str, samples: list[float]) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:
        page = await client.get("/")
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
        started = time.perf_counter()
        (await client.get("/api/state")).raise_for_status()
        samples.append(time.perf_counter() - started)
        for kind, value in WALK:
            started = time.perf_counter()
            response = await client.post("/api/turn", json={"kind": kind, "value": value, "id": uuid.uuid4().hex},
                                         headers={"x-csrf-token": csrf})
            response.raise_for_status()
            samples.append(time.perf_counter() - started)


async def load(url: str, visitors: int) -> tuple[float, list[float]]:
    await visit(url, [])  # warm up: the embedded classifier and the retrieval index are ready after this
    samples: list[float] = []
    started = time.perf_counter()
    await asyncio.gather(*(visit(url, samples) for _ in range(visitors)))
    return len(samples) / (time.perf_counter() - started), samples


# --- the domain, called directly -------------------------------------------------------------------------------

def direct(database_url: str, visitors: int) -> tuple[float, list[float]]:
    """The same walks through Assistant.handle, with as many threads as the web channel gives the domain."""
    settings = load_settings(database_url=database_url)
    settings.nlu.rasa_url = ""
    assistant = build_assistant(settings, migrate=False)
    assistant.nlu.embedded, assistant.retriever  # steady state, not the background start-up
    threads = 1 if database_url.startswith("sqlite") else settings.concurrent_updates

    def walk(visitor: str) -> list[float]:
        took = []
        for kind, value in [("command", "start")] + WALK:
            inbound_kind, field = KINDS[kind]
            inbound = Inbound(channel="bench", user_id=visitor, chat_id=visitor, kind=inbound_kind,
                              update_key=uuid.uuid4().hex, language_hint="zh", **{field: value})
            started = time.perf_counter()
            assistant.handle(inbound)
            took.append(time.perf_counter() - started)
        return took

    walk("warm-up")
    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        samples = [s for took in pool.map(walk, [f"v{n}" for n in range(visitors)]) for s in took]
    rate = len(samples) / (time.perf_counter() - started)
    assistant.close()
    return rate, samples


# --- databases -----------------------------------------------------------------------------------------------------

@contextmanager
def fresh_database(postgres: str | None):
    if postgres is None:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
            upgrade(url)
            yield url
        return
    name = f"legalbot_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = postgres.rsplit("/", 1)[0] + f"/{name}"
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def report(name: str, rate: float, samples: list[float]) -> None:
    ms = [s * 1000 for s in samples]
    print(f"{name:28s} turns={len(ms):4d}  {rate:7.1f} turns/s  p50={statistics.median(ms):7.1f} ms  "
          f"p99={percentile(ms, 0.99):7.1f} ms", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()
    for round_number in range(1, args.rounds + 1):
        print(f"-- round {round_number}", flush=True)
        with fresh_database(None) as url:
            report("sqlite direct", *direct(url, args.visitors))
        with fresh_database(None) as url, serving(url, 1) as web:
            report("sqlite web, 1 worker", *asyncio.run(load(web, args.visitors)))
        try:
            with fresh_database(args.postgres) as url:
                report("postgresql direct", *direct(url, args.visitors))
        except Exception as error:  # noqa: BLE001 - PostgreSQL is optional for this benchmark
            print(f"postgresql skipped: {error.__class__.__name__}")
            continue
        for workers in (1, 2):
            with fresh_database(args.postgres) as url, serving(url, workers) as web:
                report(f"postgresql web, {workers} worker{'s' if workers > 1 else ''}",
                       *asyncio.run(load(web, args.visitors)))


if __name__ == "__main__":
    main()
