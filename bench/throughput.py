"""End-to-end throughput: 50 residents at once through PTB and the fake Bot API, against an echo bot.

    .venv/bin/python -m bench.throughput [--residents 50] [--steps 20] [--rounds 3]

Each bot runs as its own process (`legalbot run`, and a bare PTB echo bot), polling a fake Bot
API server that lives in this process with the simulated residents. Both get the same traffic:
every resident sends text messages (commands, menu labels, free text) one after another,
waiting for each reply, and each message gets one sendMessage back. The ratio legalbot / echo,
measured in the same run, cancels machine noise. The echo bot has no rate limiter, so
legalbot's flood limit (Telegram's 30 messages/s, from config.yml) is lifted for the comparison
and measured separately at the end.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from itertools import cycle, islice
from pathlib import Path

from tests.fakebot import FakeTelegram

ROOT = Path(__file__).resolve().parent.parent
BOT_USER = dict(id=900, first_name="法律超市", username="legal_market_bot")
SCRIPT = ["/start", "/menu", "服务站点", "/help", "我的记录", "/privacy", "包工头欠我两万三", "/menu", "本月热点", "/lang"]


def drive(server: FakeTelegram, residents: int, steps: int) -> float:
    """Run every resident's script concurrently; return updates handled per second."""
    users = [server.private_user(10_000 + n) for n in range(residents)]
    errors: list[BaseException] = []

    def walk(user) -> None:
        try:
            for text in islice(cycle(SCRIPT), steps):
                user.ask(text, timeout=60)
        except BaseException as error:  # noqa: BLE001 - reported after the run
            errors.append(error)

    threads = [threading.Thread(target=walk, args=(user,)) for user in users]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise errors[0]
    return residents * steps / elapsed


def legalbot_command(server: FakeTelegram, database: Path, flood_limit: float) -> tuple[list[str], dict]:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": server.token,
        "TELEGRAM_API_URL": server.url,
        "DATABASE_URL": f"sqlite:///{database}",
        "RATE_LIMIT__OVERALL_PER_SECOND": str(flood_limit),
        "NLU__RASA_URL": "",
    }
    return [sys.executable, "-m", "bot", "run"], env


def echo_command(server: FakeTelegram, concurrency: int) -> tuple[list[str], dict]:
    return [sys.executable, "-m", "bench.echo_bot", server.url, server.token, str(concurrency)], dict(os.environ)


def measure(command_for, residents: int, steps: int) -> float:
    """Start a bot process against a fresh fake server, warm it up, then drive the residents."""
    with FakeTelegram(token="1:BENCH", bot_user=BOT_USER) as server:
        command, env = command_for(server)
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            server.private_user(1).ask("/start", timeout=60)
            return drive(server, residents, steps)
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description="end-to-end throughput against an echo bot")
    parser.add_argument("--residents", type=int, default=50)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--echo-concurrency", type=int, default=16,
                        help="the echo bot handles this many updates at once, as legalbot does (0: one at a time)")
    args = parser.parse_args()
    ratios = []
    with tempfile.TemporaryDirectory() as folder:
        for round_number in range(1, args.rounds + 1):
            echo = measure(lambda s: echo_command(s, args.echo_concurrency), args.residents, args.steps)
            database = Path(folder) / f"round{round_number}.sqlite3"
            ours = measure(lambda s: legalbot_command(s, database, 0), args.residents, args.steps)
            ratios.append(ours / echo)
            print(f"round {round_number}: echo {echo:7.1f} updates/s   legalbot {ours:7.1f} updates/s   "
                  f"ratio {ours / echo:4.2f}", flush=True)
        print(f"median ratio {sorted(ratios)[len(ratios) // 2]:4.2f}")
        limited = measure(lambda s: legalbot_command(s, Path(folder) / "limited.sqlite3", 30), args.residents, args.steps)
        print(f"legalbot with the production flood limit (30 messages/s): {limited:7.1f} updates/s")


if __name__ == "__main__":
    main()
