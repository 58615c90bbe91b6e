"""Finds the knowledge-base entries that answer a resident's message."""

from __future__ import annotations

import functools
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from bot.knowledge.entries import Entry
from bot.knowledge.tokens import char_ngrams, english_words, is_english, tokens

# Score thresholds on the calibrated P(top match answers the question). The operating point was
# chosen on the tune split of the real questions (tests/data/realdev, bench/consult_real.py):
# residents write long, and a direct answer to a question they did not ask is worse than a list.
# With the 2026-12-01 refit (512 entries), 0.93 answered no tune question wrongly where 0.9 answered
# 3 of 200 wrongly, and listed the answering entry as often or more (LawBench tune 0.924, not 0.913).
CONFIDENT = 0.93  # answer the top match directly
PLAUSIBLE = 0.05  # offer the top matches as "did you mean"; below it nothing fits
PLAUSIBLE_ENGLISH = 0.05  # the same for English, where chat shares more words with the answers

# BM25 over character 1-2 grams and jieba words of one document per entry (its question and
# all phrasings): this beat max-over-phrasings, cosine TF-IDF and character 2-3 grams on
# paraphrases; on the real questions neither TF-IDF cosine, a logistic regression over entries
# nor cnsyn synonym expansion did consistently better (bench/consult_alternatives.py).
BM25_K1 = 2.0
BM25_B = 0.75
# A message the top entry's question and phrasings cover almost wholly, well ahead of the runner-up,
# is the entry's own question: answered directly whatever the calibration says of its length.
NEAR_VERBATIM = 0.8
NEAR_VERBATIM_PROBABILITY = 0.95
NEAR_VERBATIM_MIN_SIZE = 8  # distinct features: "没有没有" is covered by many entries' words, and says nothing
# English: an entry's English question and phrasings, plus its answer at this weight. The answer's
# many words drown the question when they count fully (measured on tests/data/english/tune.jsonl).
ENGLISH_ANSWER_WEIGHT = 0.1
# An English message is answered directly only when the entry covers at least this share of it
# (every right direct answer on tests/data/english/tune.jsonl covered 0.5 or more).
ENGLISH_COVERAGE_TO_ANSWER = 0.5
# Weight of the intent classifier's topic distribution in the ranking: score * (1 - w + w * p).
TOPIC_PRIOR = 0.4
# Logistic calibration of P(top match is right) from calibration_features, fitted by
# bench/calibrate_retrieval.py on entries' phrasings held out of the index, off-topic chat, and
# the tune split of the real questions. BM25 magnitudes depend on the corpus: refit when the
# knowledge base grows a lot. Fitted 2026-12-01 on 512 entries and the realdev labels of round 5
# (tests/data/realdev/LABELLING.md), leaving out the 63 tune lines answered by entries written from
# them (bench/calibrate_retrieval.py, WRITTEN_FROM_TUNE); 3,508 samples, 545 for English.
_CALIBRATION_WITH_TOPICS = (1.57, -2.42, 2.13, -0.55, -1.50, -3.52)
_CALIBRATION_WITHOUT_TOPICS = (2.32, -2.65, 0.00, -0.47, -1.57, -5.35)
# English questions are searched without the Chinese classifier's topics, in their own index.
_CALIBRATION_ENGLISH = (-0.48, -4.02, 0.00, 0.00, 5.27, 0.71)


@dataclass(frozen=True)
class Match:
    entry: Entry
    score: float


def document_features(text: str) -> list[str]:
    """Character 1-2 grams and jieba words, prefixed so they cannot collide."""
    return ["c" + gram for gram in char_ngrams(text, 1, 2)] + ["w" + word for word in tokens(text)]


def english_features(text: str) -> list[str]:
    """English content words and their pairs in order: "unpaid wage" says more than either word."""
    words = english_words(text)
    return words + [f"{first}_{second}" for first, second in zip(words, words[1:])]


def _entry_texts(entry: Entry) -> Iterable[str]:
    yield entry.question.get("zh", "")
    yield from entry.phrasings


def _entry_texts_en(entry: Entry) -> Iterable[str]:
    yield entry.question.get("en", "")
    yield from entry.phrasings_en


class _Bm25Index:
    """BM25 weights of one bag of features per entry, with a posting list per feature."""

    def __init__(self, documents: list[Counter[str]]) -> None:
        count = len(documents) or 1
        average_length = sum(sum(document.values()) for document in documents) / count or 1.0
        document_frequency = Counter(feature for document in documents for feature in document)
        self.idf = {feature: math.log(1 + (count - df + 0.5) / (df + 0.5))
                    for feature, df in document_frequency.items()}
        self.postings: dict[str, list[tuple[int, float]]] = {}
        self.vectors: list[dict[str, float]] = []
        for position, document in enumerate(documents):
            length_factor = BM25_K1 * (1 - BM25_B + BM25_B * sum(document.values()) / average_length)
            weights = {feature: self.idf[feature] * tf * (BM25_K1 + 1) / (tf + length_factor)
                       for feature, tf in document.items()}
            for feature, weight in weights.items():
                self.postings.setdefault(feature, []).append((position, weight))
            norm = math.sqrt(sum(weight * weight for weight in weights.values())) or 1.0
            self.vectors.append({feature: weight / norm for feature, weight in weights.items()})

    def scores(self, features: Iterable[str]) -> dict[int, float]:
        scores: dict[int, float] = {}
        for feature in dict.fromkeys(features):
            for position, weight in self.postings.get(feature, ()):
                scores[position] = scores.get(position, 0.0) + weight
        return scores


class Retriever:
    """BM25 search over the knowledge base with an optional topic prior and calibrated scores.

    Chinese text is matched against the entries' Chinese questions and phrasings; English text
    against their English questions, English phrasings and English answers, whatever the
    resident's language setting.
    """

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries = list(entries)
        self._position = {entry.id: i for i, entry in enumerate(self.entries)}
        # one string object per distinct feature, shared by every document and index that holds it
        distinct: dict[str, str] = {}
        self._chinese = _Bm25Index([Counter(distinct.setdefault(feature, feature)
                                            for text in _entry_texts(entry) for feature in document_features(text))
                                    for entry in self.entries])
        self._english = _Bm25Index([Counter(distinct.setdefault(feature, feature)
                                            for text in _entry_texts_en(entry) for feature in english_features(text))
                                    for entry in self.entries])
        self._english_answers = _Bm25Index([Counter(distinct.setdefault(feature, feature)
                                                    for feature in english_features(entry.answer.get("en", "")))
                                            for entry in self.entries])
        self._vectors = self._chinese.vectors

    def bm25(self, text: str) -> dict[int, float]:
        """Raw BM25 score of every entry position that shares a feature with the text."""
        if is_english(text):
            features = english_features(text)
            scores = self._english.scores(features)
            for position, score in self._english_answers.scores(features).items():
                scores[position] = scores.get(position, 0.0) + ENGLISH_ANSWER_WEIGHT * score
            return scores
        return self._chinese.scores(document_features(text))

    def raw_ranking(self, text: str, topic_weights: dict[str, float] | None = None,
                    limit: int = 3) -> list[tuple[Entry, float]]:
        """The best entries with their BM25 score, weighted by the topic prior when given."""
        scores = self.bm25(text)
        if topic_weights is not None:
            scores = {position: score * _prior(topic_weights.get(self.entries[position].topic, 0.0))
                      for position, score in scores.items()}
        ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)[:limit]
        return [(self.entries[position], score) for position, score in ranked]

    def search(self, text: str, topic_weights: dict[str, float] | None = None, limit: int = 3) -> list[Match]:
        """Best entries first, each scored 0-1 as the chance it answers; topic_weights: the classifier's topics."""
        if limit <= 0:
            return []
        ranked = self.raw_ranking(text, topic_weights, max(limit, 2))
        if not ranked:
            return []
        english, size = is_english(text), query_size(text)
        best = ranked[0][1]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        matches: list[Match] = []
        for rank, (entry, score) in enumerate(ranked[:limit]):
            strongest_other = runner_up if rank == 0 else best
            topic_probability = None if topic_weights is None else topic_weights.get(entry.topic, 0.0)
            coverage = self.coverage(text, entry)
            probability = calibrated(score, strongest_other, topic_probability, size, english, coverage)
            if english and coverage < ENGLISH_COVERAGE_TO_ANSWER:
                # one shared word and no rival is not an answer: chat like "I like football"
                probability = min(probability, CONFIDENT / 2)
            if (rank == 0 and coverage >= NEAR_VERBATIM and strongest_other <= NEAR_VERBATIM * score
                    and size >= NEAR_VERBATIM_MIN_SIZE):
                # the entry's own words, well ahead of the rest: real questions are never like
                # this (none of 400), paraphrases rarely (10 of 614, all right)
                probability = max(probability, NEAR_VERBATIM_PROBABILITY)
            if matches:
                # a lower-ranked match never reads as more certain than the one above it
                probability = min(probability, matches[-1].score)
            matches.append(Match(entry, probability))
        return matches

    def coverage(self, text: str, entry: Entry) -> float:
        """The share of the text's features, weighted by rarity, that the entry's question and phrasings hold.

        Near 1 for a paraphrase of the entry; low for a long story that merely mentions its words.
        A feature the knowledge base never uses counts as the rarest, since it is about something else.
        """
        english = is_english(text)
        index = self._english if english else self._chinese
        features = set(english_features(text) if english else document_features(text))
        position = self._position.get(entry.id)
        if not features or position is None:
            return 0.0
        rarest = max(index.idf.values(), default=1.0)
        weights = {feature: index.idf.get(feature, rarest) for feature in features}
        held = index.vectors[position]
        return sum(weight for feature, weight in weights.items() if feature in held) / sum(weights.values())

    def related(self, entry: Entry, limit: int = 2) -> list[Entry]:
        """Other entries of the same topic, most similar first."""
        position = self._position.get(entry.id)
        if position is None:
            return []
        return [self.entries[other] for other in self._related_positions(position)[:limit]]

    @functools.lru_cache(maxsize=None)  # noqa: B019 - one retriever lives as long as the process; the index never changes
    def _related_positions(self, position: int) -> tuple[int, ...]:
        entry = self.entries[position]
        vector = self._vectors[position]
        similarities = []
        for other_position, other in enumerate(self.entries):
            if other_position == position or other.topic != entry.topic:
                continue
            other_vector = self._vectors[other_position]
            similarity = sum(weight * other_vector.get(feature, 0.0) for feature, weight in vector.items())
            similarities.append((similarity, other_position))
        similarities.sort(key=lambda item: (-item[0], item[1]))
        return tuple(other_position for _, other_position in similarities)


def _prior(topic_probability: float) -> float:
    return 1 - TOPIC_PRIOR + TOPIC_PRIOR * topic_probability


def calibration_features(score: float, strongest_other: float, topic_probability: float | None,
                         query_size: int, coverage: float = 0.0) -> tuple[float, ...]:
    """ln(1 + bm25), the closest rival's share of it, the topic's probability, ln(1 + distinct query
    features), and the share of the query the entry covers (Retriever.coverage)."""
    return (math.log1p(score), strongest_other / score, topic_probability or 0.0, math.log1p(query_size),
            coverage, 1.0)


def query_size(text: str) -> int:
    """How many distinct features the text brings to the index it is searched in."""
    return len(set(english_features(text) if is_english(text) else document_features(text)))


def calibrated(score: float, strongest_other: float, topic_probability: float | None, query_size: int = 0,
               english: bool = False, coverage: float = 0.0) -> float:
    """P(this match is the answer) from its BM25 score, its closest rival's, its topic's probability and the query's length."""
    if score <= 0:
        return 0.0
    if english:
        weights = _CALIBRATION_ENGLISH
    else:
        weights = _CALIBRATION_WITHOUT_TOPICS if topic_probability is None else _CALIBRATION_WITH_TOPICS
    features = calibration_features(score, strongest_other, topic_probability, query_size, coverage)
    logit = sum(w * x for w, x in zip(weights, features))
    if logit < 0:
        # a far-behind match has a hugely negative logit, and exp(-logit) would overflow
        odds = math.exp(logit)
        return odds / (1 + odds)
    return 1 / (1 + math.exp(-logit))
