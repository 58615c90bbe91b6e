"""Urgent messages: a life or a body in danger now, recognised on jieba words, never on substrings."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.nlu.tokens import normalise

_lock = threading.Lock()
Phrase = tuple[str, ...]


@dataclass(frozen=True)
class UrgentWords:
    """The urgent vocabulary of knowledge/urgent_words.yml, each phrase as the words the segmenter makes of it."""

    alone: tuple[Phrase, ...]
    danger: tuple[Phrase, ...]
    now_before: tuple[Phrase, ...]
    now_after: tuple[Phrase, ...]
    segmenter: object

    def words(self, text: str) -> list[str]:
        cleaned = normalise(text or "")
        if not cleaned:
            return []
        with _lock:  # a jieba Tokenizer is not safe to initialise from two threads at once
            return [word for word in self.segmenter.lcut(cleaned) if not word.isspace()]

    def is_urgent(self, text: str) -> bool:
        """An emergency on its own, or violence together with a word saying it is happening now."""
        words = self.words(text)
        if _find(words, self.alone):
            return True
        for start, end in _find(words, self.danger):
            before = words[max(0, start - NEAR):start]
            after = words[end:end + NEAR]
            if _find(before, self.now_before) or _find(after, self.now_after):
                return True
        return False


NEAR = 3  # how many words apart "now" and the danger may be


def _find(words: list[str], phrases: tuple[Phrase, ...]) -> list[tuple[int, int]]:
    """Where each phrase occurs as whole words in a row: (first word, one past the last)."""
    spans = []
    for phrase in phrases:
        size = len(phrase)
        spans += [(i, i + size) for i in range(len(words) - size + 1) if size and tuple(words[i:i + size]) == phrase]
    return spans


_loading = threading.Lock()


def load(path: Path) -> UrgentWords:
    """The urgent words of the file, built once per process even when two threads ask at once."""
    with _loading:
        return _build(path)


@lru_cache(maxsize=4)
def _build(path: Path) -> UrgentWords:
    """Read the urgent words and build a segmenter that knows them and the everyday words around them."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    segmenter = jieba.Tokenizer()
    for word in data.get("segmentation", []):
        segmenter.add_word(str(word).casefold())
    detector = UrgentWords((), (), (), (), segmenter)

    def phrases(key: str) -> tuple[Phrase, ...]:
        return tuple(tuple(word for part in str(word).split() for word in detector.words(part))
                     for word in data.get(key, []))

    return UrgentWords(phrases("alone"), phrases("danger"), phrases("now_before"), phrases("now_after"), segmenter)
