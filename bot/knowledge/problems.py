"""Several problems in one message: split it into sentences and find each one's entry."""

from __future__ import annotations

import re

from bot.knowledge.retrieval import Match, Retriever

# Sentence ends, and the words residents use to start another matter.
_BOUNDARY = re.compile(r"[。！？!?；;\n]+|另外|还有就是|还有一个|还有|再就是|其次|第二")
MIN_CHARACTERS = 6  # shorter pieces ("谢谢", "怎么办") are not a problem of their own
PROBLEM_SURE = 0.2  # a sentence counts as a problem of its own when its best match is this likely


def sentences(text: str) -> list[str]:
    """The message's sentences long enough to carry a question."""
    return [part.strip() for part in _BOUNDARY.split(text) if len(part.strip()) >= MIN_CHARACTERS]


def separate_problems(retriever: Retriever, text: str) -> list[Match]:
    """The best entry of each sentence that clearly asks about its own topic, when there are two or more.

    Sentences on one topic are usually one problem told at length (measured on the real tune
    split), so only a new topic counts as another problem.
    """
    found: list[Match] = []
    for sentence in sentences(text):
        # each sentence is read on its own: the message's topics are a mix of all of them
        matches = retriever.search(sentence, None, limit=1)
        if matches and matches[0].score >= PROBLEM_SURE and all(m.entry.topic != matches[0].entry.topic for m in found):
            found.append(matches[0])
    return found if len(found) >= 2 else []
