#!/usr/bin/env python3
"""Measure a running Rasa NLU server against the held-out set (stdlib only).

    .venv/bin/python nlu/measure.py http://127.0.0.1:5005 nlu/tests/heldout.jsonl
    .venv/bin/python nlu/measure.py URL JSONL --latency-requests 1000 --errors --json out.json

Each held-out line is {"text", "intent", "topic"}. The bot's reading of a parse is:
  intent = top intent (consult_* -> "consult");
  topic  = best consult_* intent in intent_ranking (nlu_fallback and other intents skipped).
Reported:
  intent accuracy (exact intent; nlu_fallback on top counts as wrong), the same on the coarse
  label (consult_* -> consult), accuracy ignoring the fallback (first non-fallback intent),
  fallback rate;
  topic top-1/top-3 on (a) consult_* lines, (b) lines naming a topic (consult_* lines plus
  service lines whose topic is not "other"), (c) all lines, strict (topic "other" must come
  out as consult_other);
  parse latency p50/p90/p99/max over --latency-requests sequential requests on one
  keep-alive connection (after a short warm-up).
"""
from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from urllib.parse import urlsplit

FALLBACK = "nlu_fallback"


class Client:
    """Minimal keep-alive JSON client for POST /model/parse."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        parts = urlsplit(url if "://" in url else "http://" + url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 5005
        self.prefix = parts.path.rstrip("/")
        self.timeout = timeout
        self.conn: http.client.HTTPConnection | None = None

    def parse(self, text: str) -> dict:
        body = json.dumps({"text": text}, ensure_ascii=False).encode("utf-8")
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request("POST", self.prefix + "/model/parse", body=body,
                                  headers={"Content-Type": "application/json"})
                resp = self.conn.getresponse()
                data = resp.read()
                if resp.status != 200:
                    raise RuntimeError(f"HTTP {resp.status}: {data[:200]!r}")
                return json.loads(data)
            except (http.client.HTTPException, ConnectionError, OSError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def coarse(intent: str) -> str:
    return "consult" if intent.startswith("consult_") else intent


def topic_ranking(result: dict) -> list[str]:
    ranking = result.get("intent_ranking") or [result.get("intent") or {}]
    return [r["name"][len("consult_"):] for r in ranking if r.get("name", "").startswith("consult_")]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = max(0, min(len(values) - 1, int(round(q / 100 * len(values) + 0.5)) - 1))
    return values[k]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("url", help="Rasa server base URL, e.g. http://127.0.0.1:5005")
    ap.add_argument("jsonl", help="held-out file with text/intent/topic per line")
    ap.add_argument("--latency-requests", type=int, default=600,
                    help="timed sequential requests for latency (cycling through the texts; default 600)")
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--errors", action="store_true", help="list misclassified lines")
    ap.add_argument("--json", metavar="PATH", help="also write the summary as JSON")
    args = ap.parse_args()

    with open(args.jsonl, encoding="utf-8") as fh:
        lines = [json.loads(l) for l in fh if l.strip()]
    client = Client(args.url)

    # wait for the server (model loading takes a while after start)
    deadline = time.time() + 120
    while True:
        try:
            client.parse("你好")
            break
        except Exception as exc:  # noqa: BLE001
            if time.time() > deadline:
                print(f"server at {args.url} not answering: {exc}", file=sys.stderr)
                return 2
            time.sleep(1)

    n = len(lines)
    ok_intent = ok_coarse = ok_nofb = fallbacks = 0
    topic_sets = {"consult": [0, 0, 0], "named": [0, 0, 0], "all": [0, 0, 0]}  # n, top1, top3
    per_topic = defaultdict(lambda: [0, 0, 0])
    confusions = Counter()
    recall = defaultdict(lambda: [0, 0])  # coarse gold intent -> [n, correct (first non-fallback)]
    errors = []
    for line in lines:
        res = client.parse(line["text"])
        top = (res.get("intent") or {}).get("name") or ""
        ranking = [r["name"] for r in res.get("intent_ranking") or []]
        first_real = next((r for r in ranking if r != FALLBACK), top)
        fallbacks += top == FALLBACK
        ok_intent += top == line["intent"]
        ok_coarse += coarse(top) == coarse(line["intent"])
        ok_nofb += first_real == line["intent"]
        topics = topic_ranking(res)
        gold = line["topic"]
        top1, top3 = topics[:1] == [gold], gold in topics[:3]
        is_consult = line["intent"].startswith("consult_")
        groups = ["all"]
        if is_consult:
            groups += ["consult", "named"]
        elif gold != "other":
            groups.append("named")
        for g in groups:
            topic_sets[g][0] += 1
            topic_sets[g][1] += top1
            topic_sets[g][2] += top3
        if is_consult:
            per_topic[gold][0] += 1
            per_topic[gold][1] += top1
            per_topic[gold][2] += top3
        recall[coarse(line["intent"])][0] += 1
        recall[coarse(line["intent"])][1] += coarse(first_real) == coarse(line["intent"])
        if first_real != line["intent"]:
            confusions[(line["intent"], first_real)] += 1
        if first_real != line["intent"] or (("consult" in groups or "named" in groups) and not top1):
            errors.append((line, top, first_real, topics[:3]))

    # latency
    texts = [l["text"] for l in lines]
    for i in range(args.warmup):
        client.parse(texts[i % n])
    lat = []
    for i in range(args.latency_requests):
        t0 = time.perf_counter()
        client.parse(texts[i % n])
        lat.append((time.perf_counter() - t0) * 1000)

    def ratio(a: int, b: int) -> float:
        return a / b if b else float("nan")

    summary = {
        "lines": n,
        "intent_acc": ratio(ok_intent, n),
        "intent_acc_coarse": ratio(ok_coarse, n),
        "intent_acc_ignoring_fallback": ratio(ok_nofb, n),
        "fallback_rate": ratio(fallbacks, n),
        "topic": {g: {"n": v[0], "top1": ratio(v[1], v[0]), "top3": ratio(v[2], v[0])}
                  for g, v in topic_sets.items()},
        "recall_by_intent": {i: {"n": v[0], "recall": ratio(v[1], v[0])} for i, v in sorted(recall.items())},
        "per_topic_consult": {t: {"n": v[0], "top1": ratio(v[1], v[0]), "top3": ratio(v[2], v[0])}
                              for t, v in sorted(per_topic.items())},
        "latency_ms": {"requests": len(lat), "p50": pct(lat, 50), "p90": pct(lat, 90),
                       "p99": pct(lat, 99), "max": max(lat) if lat else float("nan"),
                       "mean": statistics.fmean(lat) if lat else float("nan")},
    }

    print(f"held-out lines: {n}  ({args.jsonl})")
    print(f"intent accuracy          : {summary['intent_acc']:.3f}  (fallback on top counts as wrong)")
    print(f"intent accuracy (coarse) : {summary['intent_acc_coarse']:.3f}  (consult_* -> consult)")
    print(f"intent acc, no fallback  : {summary['intent_acc_ignoring_fallback']:.3f}  "
          f"(first non-fallback intent); fallback rate {summary['fallback_rate']:.3f}")
    for g, label in (("consult", "consult_* lines"), ("named", "lines naming a topic"),
                     ("all", "all lines (strict)")):
        t = summary["topic"][g]
        print(f"topic {label:22s}: top-1 {t['top1']:.3f}  top-3 {t['top3']:.3f}  (n={t['n']})")
    print("per topic (consult_* lines): " + ", ".join(
        f"{t} {v['top1']:.2f}/{v['top3']:.2f}" for t, v in summary["per_topic_consult"].items()))
    print("intent recall (coarse, first non-fallback): " + ", ".join(
        f"{i} {v['recall']:.2f}/{v['n']}" for i, v in summary["recall_by_intent"].items()))
    L = summary["latency_ms"]
    if L["requests"]:
        print(f"latency over {L['requests']} requests: p50 {L['p50']:.1f} ms  p90 {L['p90']:.1f} ms  "
              f"p99 {L['p99']:.1f} ms  max {L['max']:.1f} ms  mean {L['mean']:.1f} ms")
    if confusions:
        print("top intent confusions (gold -> predicted): " + ", ".join(
            f"{g}->{p} x{c}" for (g, p), c in confusions.most_common(12)))
    if args.errors:
        print("\nerrors (gold intent/topic | top, first non-fallback | topic top-3):")
        for line, top, real, topics in errors:
            print(f"  [{line['intent']}/{line['topic']}] {line['text']}\n      -> {top}, {real} | {topics}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(summary, fh, ensure_ascii=False, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
