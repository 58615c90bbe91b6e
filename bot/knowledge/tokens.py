"""Text normalisation and tokens shared by the intent classifier and knowledge retrieval."""

from __future__ import annotations

import logging
import re
import threading
import unicodedata

# Everything but letters, digits, CJK ideographs and decimal points (punctuation, symbols,
# emoji) separates words.
_SEPARATORS = re.compile(
    r"(?:[^0-9a-z.\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|(?<![0-9])\.|\.(?![0-9]))+"
)

_jieba = None
_jieba_lock = threading.Lock()


def normalise(text: str) -> str:
    """NFKC, lowercase, and every run of punctuation, symbols, emoji or spaces as one space."""
    return _SEPARATORS.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()


def _segmenter():
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba = jieba
    return _jieba


def tokens(text: str) -> list[str]:
    """Jieba words of the normalised text."""
    cleaned = normalise(text)
    if not cleaned:
        return []
    return [word for word in _segmenter().lcut(cleaned) if not word.isspace()]


def char_ngrams(text: str, n_min: int = 1, n_max: int = 2) -> list[str]:
    """Character n-grams within each space-separated chunk of the normalised text."""
    grams: list[str] = []
    for chunk in normalise(text).split():
        length = len(chunk)
        for n in range(n_min, n_max + 1):
            grams.extend(chunk[i:i + n] for i in range(length - n + 1))
    return grams
