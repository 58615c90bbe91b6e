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

_LATIN = re.compile(r"[a-z]")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Function words carry no meaning for matching a question to an answer.
_ENGLISH_STOPWORDS = frozenset(
    "a an the and or but if of to in on at by for with from as is are was were be been being am do does did "
    "i me my we our you your he him his she her it its they them their this that these those there here "
    "what which who whom how when where why can could should would shall may might must have has had "
    "not no so than then too very just about into over after before up down out off again any some all "
    "please tell help know want need get got hasnt havent doesnt dont didnt isnt arent wasnt wont cant".split())

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


def is_english(text: str) -> bool:
    """True when the text is written in Latin letters rather than Chinese characters."""
    cleaned = normalise(text)
    return len(_LATIN.findall(cleaned)) > 3 * len(_CJK.findall(cleaned))


def english_words(text: str) -> list[str]:
    """Content words of English text, lowercased, with plural and verb endings trimmed."""
    words = []
    for word in re.findall(r"[a-z0-9]+", normalise(text.replace("'", "").replace("\u2019", ""))):
        if word in _ENGLISH_STOPWORDS or len(word) < 2:
            continue
        for suffix, replacement in (("ies", "y"), ("sses", "ss"), ("xes", "x"), ("ches", "ch"), ("shes", "sh"),
                                    ("ing", ""), ("ed", ""), ("s", "")):
            stem = word[: len(word) - len(suffix)] + replacement
            if word.endswith(suffix) and not word.endswith("ss") and len(stem) >= 3:
                word = stem
                break
        words.append(word)
    return words
