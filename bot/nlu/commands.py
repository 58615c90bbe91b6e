"""`legalbot nlu …` subcommands."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from bot.knowledge.base import KnowledgeBase
from bot.nlu.labels import Interpretation
from bot.settings import PROJECT_ROOT, Settings


def parser_for(backend: str | None, settings: Settings) -> Callable[[str], Interpretation]:
    """Rasa only, embedded only, or (by default) Rasa with the embedded fallback, as the bot runs."""
    from bot.nlu.rasa_client import RasaClient
    from bot.nlu.service import build_nlu

    if backend == "rasa":
        return RasaClient(settings.nlu.rasa_url, settings.nlu.timeout_seconds).parse
    knowledge = KnowledgeBase.load(settings.knowledge_dir)
    if backend == "embedded":
        settings = settings.model_copy(update={"nlu": settings.nlu.model_copy(update={"rasa_url": ""})})
    return build_nlu(settings, knowledge).parse


def as_json(text: str, meaning: Interpretation) -> str:
    topics = [{"topic": topic, "confidence": round(confidence, 4)} for topic, confidence in meaning.topics[:3]]
    return json.dumps(
        {"text": text, "intent": meaning.intent, "topic": meaning.topic,
         "confidence": round(meaning.confidence, 4), "topics": topics},
        ensure_ascii=False,
    )


def run_nlu_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.nlu.rasa_client import RasaUnavailable

    if args.nlu_command == "train":
        return train(args, settings)
    parse = parser_for(args.backend, settings)
    try:
        if args.nlu_command == "parse":
            for line in sys.stdin:
                if line.strip():
                    print(as_json(line.strip(), parse(line.strip())), flush=True)
            return 0
        return evaluate(Path(args.file), parse)
    except RasaUnavailable as error:
        print(f"Rasa at {settings.nlu.rasa_url} did not answer ({error}); start it or use --backend embedded",
              file=sys.stderr)
        return 2


def evaluate(path: Path, parse: Callable[[str], Interpretation]) -> int:
    """Print topic top-1 and top-3 accuracy over a JSONL file of {"text", "topic"}."""
    total = top1 = top3 = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        case = json.loads(line)
        meaning = parse(case["text"])
        ranked = [topic for topic, _ in meaning.topics[:3]]
        total += 1
        top1 += meaning.topic == case["topic"]
        top3 += case["topic"] in ranked
    if not total:
        print("no examples")
        return 1
    print(json.dumps({"examples": total, "topic_top1": round(top1 / total, 4), "topic_top3": round(top3 / total, 4)}))
    return 0


def train(args: argparse.Namespace, settings: Settings) -> int:
    from bot.nlu.rasa_project import train as train_rasa

    from bot.nlu.rasa_project import training_fingerprint

    knowledge = KnowledgeBase.load(settings.knowledge_dir)
    models = settings.nlu_dir / "models"
    fingerprint = training_fingerprint(settings.nlu_dir, settings.knowledge_dir, args.epochs)
    stamp = models / "legalbot.fingerprint"
    if args.if_changed and stamp.exists() and stamp.read_text() == fingerprint and (models / "legalbot.tar.gz").exists():
        print("the model is up to date with nlu/ and the knowledge base")
        return 0
    model = train_rasa(settings.nlu_dir, knowledge.entries, PROJECT_ROOT / "build" / "nlu", models, epochs=args.epochs)
    stamp.write_text(fingerprint)
    print(f"trained {model}")
    return 0
