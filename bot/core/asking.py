"""Put typed questions to the assistant as a resident would, and read back what it did.

`legalbot ask` and bench/consult_real.py use this: every question goes through `Assistant.handle`,
the same path as a resident's message on Telegram, each from a new resident so that one
question's misses never turn the next into a handoff.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from bot.core.assistant import Assistant
from bot.core.messages import Inbound, InboundKind, Outcome

CHANNEL = "ask"


@dataclass(frozen=True)
class Asked:
    text: str
    kind: str  # answer, suggest, miss, urgent, handoff, service, small_talk, or other (a non-question reply)
    entries: tuple[str, ...]  # entry ids shown, in order: the answer, or the "did you mean" list
    cited: tuple[str, ...]  # 《法律》第N条 of the answer shown, none for other kinds
    topic: str | None  # the NLU topic
    topics: tuple[str, ...] = ()  # the NLU's best topics, best first

    def as_dict(self) -> dict:
        return {"text": self.text, "kind": self.kind, "entries": list(self.entries), "cited": list(self.cited),
                "topic": self.topic, "topics": list(self.topics)}


class Asker:
    """Asks an assistant questions from fresh residents of one language."""

    def __init__(self, assistant: Assistant, lang: str = "zh") -> None:
        self.assistant = assistant
        self.lang = lang
        self._numbers = itertools.count(1)

    def ask(self, text: str) -> Asked:
        number = next(self._numbers)
        resident = f"{self.lang}-{number}"
        inbound = Inbound(CHANNEL, resident, resident, InboundKind.TEXT, text=text, language_hint=self.lang)
        reply = self.assistant.handle(inbound)
        outcome = reply.outcome or Outcome("other")
        cited: tuple[str, ...] = ()
        if outcome.kind == "answer" and outcome.entries:
            kb = self.assistant.knowledge
            cited = tuple(article.heading() for article in kb.articles(kb.by_id[outcome.entries[0]]))
        return Asked(text, outcome.kind, outcome.entries, cited, outcome.topic, outcome.topics)
