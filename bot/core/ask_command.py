"""`legalbot ask`: what a resident would get for each question on stdin, as JSON lines."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.core.assistant import Assistant
from bot.core.asking import Asker
from bot.settings import Settings


@contextmanager
def scratch_assistant(settings: Settings, backend: str | None = None) -> Iterator[Assistant]:
    """The real assistant on a throwaway SQLite database, so asking leaves no trace in the bot's own."""
    from bot.services import build_assistant

    if backend == "embedded":
        settings = settings.model_copy(update={"nlu": settings.nlu.model_copy(update={"rasa_url": ""})})
    with tempfile.TemporaryDirectory(prefix="legalbot-ask-") as folder:
        database = Path(folder) / "ask.sqlite3"
        assistant = build_assistant(settings.model_copy(update={"database_url": f"sqlite:///{database}"}))
        try:
            yield assistant
        finally:
            assistant.close()


def run_ask(args: argparse.Namespace, settings: Settings) -> int:
    with scratch_assistant(settings, args.backend) as assistant:
        asker = Asker(assistant, args.lang)
        for line in sys.stdin:
            if line.strip():
                print(json.dumps(asker.ask(line.strip()).as_dict(), ensure_ascii=False), flush=True)
    return 0
