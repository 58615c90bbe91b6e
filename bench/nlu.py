"""Intent/topic accuracy, knowledge retrieval quality, latency and memory of the in-process NLU.

    .venv/bin/python -m bench.nlu [--rasa-url http://127.0.0.1:5005] [--errors]

Held-out files (never used for training or tuning):
  nlu/tests/heldout.jsonl         {"text", "intent", "topic"} per line
  tests/data/kb_heldout/*.jsonl   {"text", "entry_id"} per line

Topic accuracy is counted on (a) consult_* lines and (b) lines naming a topic: consult_* lines plus
service lines (legal_aid, book_lecture, ...) whose topic is not "other". The predicted topics are
the consult_* intents of the ranking in order (bot.nlu.labels.interpret). Intent accuracy is the
exact top intent over all lines, and "coarse" reads every consult_* as one "consult" intent.
Retrieval uses the embedded classifier's top topics as the prior, as the bot does.
"""

from __future__ import annotations

import argparse
import gc
import http.client
import json
import resource
import statistics
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from bot.knowledge.entries import load_entries
from bot.knowledge.retrieval import CONFIDENT, PLAUSIBLE, Retriever
from bot.nlu.embedded import EmbeddedClassifier, kb_examples, load_nlu_examples
from bot.nlu.labels import Interpretation, interpret, rasa_ranking
from bot.knowledge.tokens import tokens

ROOT = Path(__file__).resolve().parent.parent
NLU_DATA = ROOT / "nlu" / "data"
NLU_HELDOUT = ROOT / "nlu" / "tests" / "heldout.jsonl"
KB_HELDOUT = ROOT / "tests" / "data" / "kb_heldout"
ENTRIES = ROOT / "knowledge" / "entries"
NOT_LEGAL = {"out_of_scope", "greet", "thanks", "goodbye", "affirm", "deny"}


def read_jsonl(*paths: Path) -> list[dict]:
    return [json.loads(line) for path in paths for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]


def rss_kib() -> int:
    """Current resident set size (Linux), falling back to the peak elsewhere."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
        return pages * resource.getpagesize() // 1024
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def timed(function: Callable[[str], object], texts: list[str], passes: int) -> list[float]:
    """Milliseconds per call over several passes through the texts."""
    for text in texts[:20]:
        function(text)
    samples = []
    for _ in range(passes):
        for text in texts:
            started = time.perf_counter()
            function(text)
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def latency_line(label: str, samples: list[float]) -> str:
    return (f"{label}: p50 {percentile(samples, 50):.2f} ms  p99 {percentile(samples, 99):.2f} ms  "
            f"max {max(samples):.2f} ms  (n={len(samples)})")


class RasaClient:
    """Keep-alive JSON client for POST /model/parse."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url if "://" in url else "http://" + url)
        self.host, self.port, self.path = parts.hostname or "127.0.0.1", parts.port or 5005, parts.path.rstrip("/")
        self.connection: http.client.HTTPConnection | None = None

    def parse(self, text: str) -> dict:
        body = json.dumps({"text": text}, ensure_ascii=False).encode()
        for attempt in (1, 2):
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
            try:
                self.connection.request("POST", self.path + "/model/parse", body=body,
                                        headers={"Content-Type": "application/json"})
                response = self.connection.getresponse()
                data = response.read()
                if response.status != 200:
                    raise RuntimeError(f"HTTP {response.status}: {data[:200]!r}")
                return json.loads(data)
            except (http.client.HTTPException, OSError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def interpret(self, text: str) -> Interpretation:
        return interpret(rasa_ranking(self.parse(text)))


def report_nlu(label: str, read: Callable[[str], Interpretation], lines: list[dict], show_errors: bool,
               detailed: bool = True) -> None:
    groups = {"consult_* lines": [0, 0, 0], "lines naming a topic": [0, 0, 0]}
    exact = coarse = 0
    per_topic: dict[str, list[int]] = {}
    topic_confusions: Counter[tuple[str, str]] = Counter()
    intent_confusions: Counter[tuple[str, str]] = Counter()
    errors = []
    for line in lines:
        reading = read(line["text"])
        gold_intent, gold_topic = line["intent"], line["topic"]
        is_consult = gold_intent.startswith("consult_")
        predicted_intent = f"consult_{reading.topic}" if reading.intent == "consult" else reading.intent
        exact += predicted_intent == gold_intent
        coarse += reading.intent == ("consult" if is_consult else gold_intent)
        if predicted_intent != gold_intent:
            intent_confusions[(gold_intent, predicted_intent)] += 1
        ranked = [topic for topic, _ in reading.topics]
        top1, top3 = ranked[:1] == [gold_topic], gold_topic in ranked[:3]
        named = is_consult or gold_topic != "other"
        for name, member in (("consult_* lines", is_consult), ("lines naming a topic", named)):
            if member:
                counts = groups[name]
                counts[0] += 1
                counts[1] += top1
                counts[2] += top3
        if is_consult:
            counts = per_topic.setdefault(gold_topic, [0, 0, 0])
            counts[0] += 1
            counts[1] += top1
            counts[2] += top3
            if not top1:
                topic_confusions[(gold_topic, ranked[0] if ranked else "-")] += 1
        if show_errors and (predicted_intent != gold_intent or (named and not top1)):
            errors.append(f"    [{gold_intent}/{gold_topic}] {line['text']}\n"
                          f"        -> {reading.intent} {reading.confidence:.2f}, topics {ranked}")
    total = len(lines)
    print(f"[{label}] intent accuracy {exact / total:.3f} exact, {coarse / total:.3f} coarse (n={total})")
    for name, (count, top1, top3) in groups.items():
        print(f"[{label}] topic on {name:20s}: top-1 {top1 / count:.3f}  top-3 {top3 / count:.3f}  (n={count})")
    if not detailed:
        return
    print(f"[{label}] per topic top-1/top-3: " + ", ".join(
        f"{topic} {c[1] / c[0]:.2f}/{c[2] / c[0]:.2f}" for topic, c in sorted(per_topic.items())))
    print(f"[{label}] topic confusions (gold -> predicted): " + ", ".join(
        f"{gold}->{predicted} x{count}" for (gold, predicted), count in topic_confusions.most_common(10)))
    print(f"[{label}] intent confusions (gold -> predicted): " + ", ".join(
        f"{gold}->{predicted} x{count}" for (gold, predicted), count in intent_confusions.most_common(10)))
    if errors:
        print("\n".join(errors))


def report_retrieval(retriever: Retriever, classifier: EmbeddedClassifier, kb_lines: list[dict],
                     off_topic: dict[str, list[str]], show_errors: bool) -> None:
    def prior(text: str) -> dict[str, float]:
        return dict(interpret(classifier.rank(text)).topics)

    for label, use_prior in (("with topic prior", True), ("without prior", False)):
        top1 = top3 = 0
        bands = Counter()
        confident_right = suggested_hit = 0
        errors = []
        for line in kb_lines:
            matches = retriever.search(line["text"], prior(line["text"]) if use_prior else None)
            found = [match.entry.id for match in matches]
            score = matches[0].score if matches else 0.0
            right1, right3 = found[:1] == [line["entry_id"]], line["entry_id"] in found
            top1 += right1
            top3 += right3
            if score >= CONFIDENT:
                bands["confident"] += 1
                confident_right += right1
            elif score >= PLAUSIBLE:
                bands["did-you-mean"] += 1
                suggested_hit += right3
            else:
                bands["nothing"] += 1
            if show_errors and use_prior and not right1:
                errors.append(f"    {line['text']}  [{line['entry_id']}]\n        -> "
                              + ", ".join(f"{m.entry.id} {m.score:.2f}" for m in matches))
        total = len(kb_lines)
        print(f"[retrieval {label}] top-1 {top1 / total:.3f}  top-3 {top3 / total:.3f}  (n={total})")
        print(f"[retrieval {label}] confident {bands['confident'] / total:.3f} "
              f"(precision {confident_right / max(bands['confident'], 1):.3f}), "
              f"did-you-mean {bands['did-you-mean'] / total:.3f} "
              f"(right entry among the 3: {suggested_hit / max(bands['did-you-mean'], 1):.3f}), "
              f"nothing {bands['nothing'] / total:.3f}")
        if errors:
            print("\n".join(errors))
    for label, texts in off_topic.items():
        scores = []
        for text in texts:
            matches = retriever.search(text, prior(text))
            scores.append(matches[0].score if matches else 0.0)
        below = sum(score < PLAUSIBLE for score in scores)
        confident = sum(score >= CONFIDENT for score in scores)
        print(f"[retrieval off-topic] {label}: below PLAUSIBLE {below / len(texts):.3f}, "
              f"confident {confident / len(texts):.3f}  (n={len(texts)})")


def main() -> None:
    parser = argparse.ArgumentParser(description="NLU and retrieval benchmark")
    parser.add_argument("--rasa-url", help="Rasa server to compare, e.g. http://127.0.0.1:5005")
    parser.add_argument("--errors", action="store_true", help="list misread held-out lines")
    parser.add_argument("--passes", type=int, default=3, help="passes over the texts for latency")
    args = parser.parse_args()

    nlu_lines = read_jsonl(NLU_HELDOUT)
    kb_lines = read_jsonl(*sorted(KB_HELDOUT.glob("*.jsonl")))
    entries = load_entries(ENTRIES)

    started = time.perf_counter()
    tokens("预热")
    jieba_seconds = time.perf_counter() - started
    nlu_data = load_nlu_examples(NLU_DATA)
    examples = nlu_data + kb_examples(entries)
    gc.collect()
    rss_before = rss_kib()
    started = time.perf_counter()
    classifier = EmbeddedClassifier.train(examples)
    train_seconds = [time.perf_counter() - started]
    started = time.perf_counter()
    retriever = Retriever(entries)
    index_seconds = time.perf_counter() - started
    gc.collect()
    rss_after = rss_kib()
    for _ in range(2):
        started = time.perf_counter()
        EmbeddedClassifier.train(examples)
        train_seconds.append(time.perf_counter() - started)
    print(f"training: {len(examples)} examples, {len(classifier.intents)} intents: "
          f"{' / '.join(f'{seconds:.2f}' for seconds in train_seconds)} s over 3 runs; "
          f"retrieval index of {len(entries)} entries {index_seconds:.2f} s; jieba start {jieba_seconds:.2f} s")

    tracemalloc.start()
    baseline = tracemalloc.get_traced_memory()[0]
    traced = (EmbeddedClassifier.train(examples), Retriever(entries))
    traced_bytes = tracemalloc.get_traced_memory()[0] - baseline
    tracemalloc.stop()
    del traced
    print(f"memory: RSS +{(rss_after - rss_before) / 1024:.1f} MiB after building classifier + retriever "
          f"(includes freed training scratch); tracemalloc: {traced_bytes / 2**20:.1f} MiB held by them")

    def embedded_reading(text: str) -> Interpretation:
        return interpret(classifier.rank(text))

    print()
    report_nlu("embedded", embedded_reading, nlu_lines, args.errors)
    # Rasa learns from nlu/data alone, so this is the like-for-like comparison.
    nlu_only = EmbeddedClassifier.train(nlu_data)
    report_nlu("embedded, nlu/data only", lambda text: interpret(nlu_only.rank(text)), nlu_lines, False,
               detailed=False)
    rasa = RasaClient(args.rasa_url) if args.rasa_url else None
    if rasa:
        print()
        report_nlu("rasa", rasa.interpret, nlu_lines, args.errors)

    off_topic = {
        "nlu/data out_of_scope + chitchat": [text for text, intent in nlu_data if intent in NOT_LEGAL],
        "held-out out_of_scope + chitchat": [line["text"] for line in nlu_lines if line["intent"] in NOT_LEGAL],
    }
    print()
    report_retrieval(retriever, classifier, kb_lines, off_topic, args.errors)
    print(f"[retrieval] thresholds CONFIDENT {CONFIDENT}, PLAUSIBLE {PLAUSIBLE}")

    print()
    nlu_texts = [line["text"] for line in nlu_lines]
    print(latency_line("embedded parse", timed(embedded_reading, nlu_texts, args.passes)))
    kb_texts = [line["text"] for line in kb_lines]
    print(latency_line("retrieval search", timed(retriever.search, kb_texts, args.passes)))
    print(latency_line("parse + search with prior", timed(
        lambda text: retriever.search(text, dict(embedded_reading(text).topics)), kb_texts, args.passes)))
    if rasa:
        print(latency_line("rasa parse (HTTP)", timed(rasa.interpret, nlu_texts, 1)))


if __name__ == "__main__":
    main()
