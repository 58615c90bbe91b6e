"""Cold start to first reply: `legalbot run` on a new SQLite file until it answers /start.

    .venv/bin/python -m bench.cold_start [--runs 5]

The clock starts when the process is spawned, with a resident's /start already waiting at the
fake Bot API server, and stops when the server records the bot's reply. It covers interpreter
start, imports, migrating a new database, loading content and the first getUpdates.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.fakebot import FakeTelegram

ROOT = Path(__file__).resolve().parent.parent
BOT_USER = dict(id=900, first_name="法律超市", username="legal_market_bot")


def cold_start(folder: Path, run: int) -> float:
    with FakeTelegram(token="1:COLD", bot_user=BOT_USER) as server:
        resident = server.private_user(42)
        mark = server.mark()
        resident.send_command("/start")
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": server.token, "TELEGRAM_API_URL": server.url,
               "DATABASE_URL": f"sqlite:///{folder / f'cold{run}.sqlite3'}", "NLU__RASA_URL": ""}
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env, cwd=ROOT,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            server.wait_for("sendMessage", after=mark, timeout=60)
            return time.perf_counter() - started
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description="cold start to first reply")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        samples = [cold_start(Path(folder), run) for run in range(args.runs)]
    print(f"cold start to first reply over {args.runs} runs: median {statistics.median(samples):.2f} s, "
          f"max {max(samples):.2f} s")


if __name__ == "__main__":
    main()
