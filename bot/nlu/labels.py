"""How the bot reads an intent ranking, whichever classifier produced it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

CONSULT_PREFIX = "consult_"
TOPICS_SHOWN = 3


@dataclass(frozen=True)
class Interpretation:
    intent: str  # top intent, with every consult_<topic> read as "consult"
    confidence: float  # probability of the top intent
    topic: str | None  # best topic among the consult_* intents, None if the ranking has none
    topics: list[tuple[str, float]] = field(default_factory=list)  # best topics, renormalised over consult_*


def interpret(intent_ranking: Iterable[tuple[str, float]]) -> Interpretation:
    """Intent, confidence and topics from (intent, probability) pairs in any order."""
    ranking = sorted(intent_ranking, key=lambda pair: pair[1], reverse=True)
    if not ranking:
        return Interpretation("out_of_scope", 0.0, None, [])
    top_intent, confidence = ranking[0]
    consult = [(intent[len(CONSULT_PREFIX):], probability) for intent, probability in ranking
               if intent.startswith(CONSULT_PREFIX)]
    total = sum(probability for _, probability in consult)
    topics = [(topic, probability / total if total > 0 else 0.0) for topic, probability in consult[:TOPICS_SHOWN]]
    intent = "consult" if top_intent.startswith(CONSULT_PREFIX) else top_intent
    return Interpretation(intent, confidence, topics[0][0] if topics else None, topics)


def rasa_ranking(parse: dict) -> list[tuple[str, float]]:
    """(intent, confidence) pairs from a Rasa /model/parse response."""
    ranking = parse.get("intent_ranking") or [parse.get("intent") or {}]
    return [(str(item["name"]), float(item.get("confidence") or 0.0)) for item in ranking if item.get("name")]
