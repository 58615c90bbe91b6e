"""An in-process intent classifier in pure Python: naive Bayes averaged with a perceptron."""

from __future__ import annotations

import math
import random
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from bot.knowledge.tokens import char_ngrams, tokens

if TYPE_CHECKING:
    from bot.knowledge.entries import Entry

# Chosen by 5-fold cross-validation on the training data (bench/nlu.py gives held-out figures):
# the mean of the two models beat either alone, logistic regression, nearest centroid and kNN,
# and character 1-2 grams plus jieba words beat 1-3 grams, 2-3 grams and either feature alone.
NGRAM_MIN, NGRAM_MAX = 1, 2
BAYES_SMOOTHING = 0.1
PERCEPTRON_EPOCHS = 4
PERCEPTRON_MARGIN = 1.0
# Temperatures that minimised cross-validated log-loss, so the probabilities mean something.
BAYES_TEMPERATURE = 5.0
PERCEPTRON_TEMPERATURE = 0.2

_RASA_ENTITY = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


def features(text: str) -> list[str]:
    """The distinct character n-grams and words of a text, prefixed so they cannot collide."""
    grams = ["c" + gram for gram in char_ngrams(text, NGRAM_MIN, NGRAM_MAX)]
    words = ["w" + word for word in tokens(text)]
    # dict keeps first-seen order, so training does not depend on string hash randomisation
    return list(dict.fromkeys(grams + words))


def _softmax(scores: Sequence[float], temperature: float) -> list[float]:
    top = max(scores)
    exps = [math.exp((score - top) / temperature) for score in scores]
    total = sum(exps)
    return [value / total for value in exps]


class EmbeddedClassifier:
    """Ranks intents by the mean of a naive Bayes and an averaged-perceptron probability."""

    def __init__(
        self,
        intents: list[str],
        idf: dict[str, float],
        bayes: dict[str, dict[int, float]],
        bayes_unseen: list[float],
        perceptron: dict[str, dict[int, float]],
    ) -> None:
        self.intents = intents
        self._idf = idf
        self._bayes = bayes
        self._bayes_unseen = bayes_unseen
        self._perceptron = perceptron

    @classmethod
    def train(cls, examples: Iterable[tuple[str, str]]) -> EmbeddedClassifier:
        """Fit both models on (text, intent) pairs."""
        labelled = [(features(text), intent) for text, intent in examples]
        intents = sorted({intent for _, intent in labelled})
        if not intents:
            raise ValueError("no training examples")
        index = {intent: i for i, intent in enumerate(intents)}
        rows = [(found, index[intent]) for found, intent in labelled]
        document_frequency = Counter(feature for found, _ in rows for feature in found)
        idf = {feature: math.log((1 + len(rows)) / (1 + count)) + 1
               for feature, count in document_frequency.items()}
        bayes, bayes_unseen = _train_bayes(rows, len(intents), len(idf))
        perceptron = _train_perceptron(rows, len(intents), idf)
        return cls(intents, idf, bayes, bayes_unseen, perceptron)

    def rank(self, text: str) -> list[tuple[str, float]]:
        """Every intent with its probability, best first."""
        known = [feature for feature in features(text) if feature in self._idf]
        bayes_scores = [len(known) * unseen for unseen in self._bayes_unseen]
        perceptron_scores = [0.0] * len(self.intents)
        norm = math.sqrt(sum(self._idf[feature] ** 2 for feature in known)) or 1.0
        for feature in known:
            for intent, gain in self._bayes.get(feature, {}).items():
                bayes_scores[intent] += gain
            weight = self._idf[feature] / norm
            for intent, value in self._perceptron.get(feature, {}).items():
                perceptron_scores[intent] += value * weight
        bayes = _softmax(bayes_scores, BAYES_TEMPERATURE)
        perceptron = _softmax(perceptron_scores, PERCEPTRON_TEMPERATURE)
        ranked = [(intent, (b + p) / 2) for intent, b, p in zip(self.intents, bayes, perceptron)]
        ranked.sort(key=lambda pair: pair[1], reverse=True)
        return ranked


def _train_bayes(
    rows: list[tuple[list[str], int]], intent_count: int, vocabulary_size: int
) -> tuple[dict[str, dict[int, float]], list[float]]:
    """Multinomial naive Bayes on binary features with a uniform prior, as (feature -> intent -> gain)."""
    # A uniform prior, because labour has three times the examples of most topics and the class
    # frequencies of the training data say nothing about what residents will ask.
    counts: dict[str, dict[int, int]] = {}
    totals = [0] * intent_count
    for found, intent in rows:
        totals[intent] += len(found)
        for feature in found:
            per_intent = counts.get(feature)
            if per_intent is None:
                counts[feature] = {intent: 1}
            else:
                per_intent[intent] = per_intent.get(intent, 0) + 1
    denominators = [total + BAYES_SMOOTHING * vocabulary_size for total in totals]
    unseen = [math.log(BAYES_SMOOTHING / denominator) for denominator in denominators]
    # Stored relative to an unseen feature, so scoring touches only the intents a feature was seen in.
    gains = {
        feature: {intent: math.log((count + BAYES_SMOOTHING) / denominators[intent]) - unseen[intent]
                  for intent, count in per_intent.items()}
        for feature, per_intent in counts.items()
    }
    return gains, unseen


def _train_perceptron(
    rows: list[tuple[list[str], int]], intent_count: int, idf: dict[str, float]
) -> dict[str, dict[int, float]]:
    """Averaged multiclass perceptron with a margin on L2-normalised TF-IDF vectors."""
    vectors = []
    for found, intent in rows:
        norm = math.sqrt(sum(idf[feature] ** 2 for feature in found)) or 1.0
        vectors.append(([(feature, idf[feature] / norm) for feature in found], intent))
    weights: dict[str, dict[int, float]] = {feature: {} for feature in idf}
    # Averaging trick: the mean of all weight snapshots is weights - timed_updates / steps.
    timed_updates: dict[str, dict[int, float]] = {feature: {} for feature in idf}
    shuffler = random.Random(0)
    step = 0
    for _ in range(PERCEPTRON_EPOCHS):
        shuffler.shuffle(vectors)
        for vector, gold in vectors:
            step += 1
            scores = [0.0] * intent_count
            for feature, value in vector:
                for intent, weight in weights[feature].items():
                    scores[intent] += weight * value
            scores[gold] -= PERCEPTRON_MARGIN
            predicted = scores.index(max(scores))
            if predicted == gold:
                continue
            for feature, value in vector:
                row, timed = weights[feature], timed_updates[feature]
                row[gold] = row.get(gold, 0.0) + value
                timed[gold] = timed.get(gold, 0.0) + step * value
                row[predicted] = row.get(predicted, 0.0) - value
                timed[predicted] = timed.get(predicted, 0.0) - step * value
    averaged: dict[str, dict[int, float]] = {}
    for feature, row in weights.items():
        timed = timed_updates[feature]
        kept = {intent: weight - timed[intent] / step for intent, weight in row.items()}
        kept = {intent: weight for intent, weight in kept.items() if weight}
        if kept:
            averaged[feature] = kept
    return averaged


def load_nlu_examples(nlu_dir: Path) -> list[tuple[str, str]]:
    """(text, intent) pairs from every Rasa NLU YAML file under the folder, entity markup removed."""
    examples: list[tuple[str, str]] = []
    for path in sorted(path for path in Path(nlu_dir).rglob("*") if path.suffix in (".yml", ".yaml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(document, dict):
            continue
        for block in document.get("nlu") or []:
            intent = block.get("intent") if isinstance(block, dict) else None
            if not intent:
                continue  # synonyms, regexes and lookup tables are not examples
            for line in str(block.get("examples") or "").splitlines():
                line = line.strip()
                if not line.startswith("- "):
                    continue
                text = _RASA_ENTITY.sub(r"\1", line[2:]).strip()
                if text:
                    examples.append((text, str(intent)))
    return examples


# nlu/data labels any message that asks for legal aid or a free lawyer as legal_aid, whatever the
# problem behind it; knowledge-base phrasings follow the same rule so the two sources never disagree.
LEGAL_AID_REQUEST = re.compile(r"法律援助|法援|免费律师|免费的律师|不要钱的律师|请不起律师|请不起.{0,2}律师")
# Likewise a worker asking for their own wages is labor even on a building site; 工程款 and the
# subcontracting chain are construction.
OWN_WAGES = re.compile(r"工资|工钱|薪水|血汗钱")
CONSTRUCTION_MONEY = re.compile(r"工程款|结算|分包|转包|挂靠|实际施工人|总包|质保金|材料款")
# The knowledge base has many entries on a few topics (55 on labour); a few phrasings each keep
# its topics from outweighing nlu/data's balanced examples.
PHRASINGS_PER_ENTRY = 3


def kb_intent(entry: Entry, text: str) -> str:
    """The intent nlu/data's labelling rules give this knowledge-base text."""
    if LEGAL_AID_REQUEST.search(text):
        return "legal_aid"
    if entry.topic == "construction" and OWN_WAGES.search(text) and not CONSTRUCTION_MONEY.search(text):
        return "consult_labor"
    return f"consult_{entry.topic}"


def kb_examples(entries: Iterable[Entry]) -> list[tuple[str, str]]:
    """Each entry's Chinese question and first phrasings, labelled as nlu/data would label them."""
    examples: list[tuple[str, str]] = []
    for entry in entries:
        for text in (entry.question.get("zh", ""), *entry.phrasings[:PHRASINGS_PER_ENTRY]):
            if text and text.strip():
                examples.append((text.strip(), kb_intent(entry, text)))
    return examples
