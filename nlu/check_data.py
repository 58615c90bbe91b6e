#!/usr/bin/env python3
"""Sanity checks for the NLU training data and the held-out sets tests/*.jsonl (stdlib only).

    python nlu/check_data.py            # counts, duplicates, train/held-out overlap

Exits non-zero when an example is duplicated across intents, or when a held-out text
equals a training example (after normalising case, whitespace and punctuation), or when
a near-copy (same text after dropping filler characters) is found.
"""
from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
HELDOUT_FILES = sorted((HERE / "tests").glob("*.jsonl"))

MINIMUMS = {
    "consult_labor": 200, "consult_construction": 120, "consult_family": 120,
    "consult_traffic": 120, "consult_debt": 120, "consult_housing": 120,
    "legal_aid": 60, "book_lecture": 60, "human": 60, "my_records": 60,
    "greet": 30, "thanks": 30, "goodbye": 30, "affirm": 30, "deny": 30,
    "out_of_scope": 80,
}
CONSULT_MIN = 80
FILLER = set("的了吗呢啊呀吧么嘛哦哈俺我咱你您他她这那个一下")


def norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in text if ch.isalnum())


def loose(text: str) -> str:
    return "".join(ch for ch in norm(text) if ch not in FILLER)


def bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)} or {text}


def load_training() -> list[tuple[str, str, str]]:
    """(intent, text, file) for every example in data/**/*.yml (Rasa 3 NLU format)."""
    rows = []
    for path in sorted(DATA.rglob("*.yml")):
        intent = None
        in_examples = False
        for line in path.read_text(encoding="utf-8").splitlines():
            m = re.match(r"^- intent:\s*(\S+)", line)
            if m:
                intent, in_examples = m.group(1), False
                continue
            if re.match(r"^\s+examples:\s*\|", line):
                in_examples = True
                continue
            m = re.match(r"^\s{4}- (.*)$", line)
            if in_examples and intent and m:
                rows.append((intent, m.group(1).strip(), str(path.relative_to(HERE))))
            elif line.strip() and not line.startswith("    "):
                in_examples = False
    return rows


def main() -> int:
    rows = load_training()
    problems = 0
    counts = Counter(intent for intent, _, _ in rows)
    print(f"training examples: {len(rows)} in {len(counts)} intents")
    for intent in sorted(counts):
        need = MINIMUMS.get(intent, CONSULT_MIN if intent.startswith("consult_") else 0)
        flag = "" if counts[intent] >= need else f"   <-- below {need}"
        print(f"  {intent:24s} {counts[intent]:5d}{flag}")

    by_text = defaultdict(set)
    for intent, text, _ in rows:
        by_text[norm(text)].add(intent)
    dup_same = sum(c - 1 for c in Counter(norm(t) for _, t, _ in rows).values() if c > 1)
    clashes = {t: i for t, i in by_text.items() if len(i) > 1}
    print(f"duplicate examples (same text repeated): {dup_same}")
    for text, intents in sorted(clashes.items()):
        print(f"  CLASH {text!r} labelled {sorted(intents)}")
        problems += 1

    all_held = set()
    for held in HELDOUT_FILES:
        print(f"--- {held.relative_to(HERE)}")
        lines = [json.loads(l) for l in held.read_text(encoding="utf-8").splitlines() if l.strip()]
        for l in lines:
            if norm(l["text"]) in all_held:
                print(f"  REPEATED in another held-out file: {l['text']!r}")
                problems += 1
        all_held |= {norm(l["text"]) for l in lines}
        train_exact = {norm(t) for _, t, _ in rows}
        train_loose = {loose(t) for _, t, _ in rows}
        exact = [l["text"] for l in lines if norm(l["text"]) in train_exact]
        near = [l["text"] for l in lines if loose(l["text"]) in train_loose and l["text"] not in exact]
        held_dups = sum(c - 1 for c in Counter(norm(l["text"]) for l in lines).values() if c > 1)
        print(f"held-out lines: {len(lines)}; exact overlaps with training: {len(exact)}; "
              f"near-copies: {len(near)}; duplicates inside held-out: {held_dups}")
        for t in exact + near:
            print(f"  OVERLAP {t!r}")
        problems += len(exact) + len(near) + held_dups
        # fuzzy: character-bigram Jaccard similarity to the closest training example
        train_bigrams = [(norm(t), bigrams(norm(t))) for _, t, _ in rows]
        sims = []
        for l in lines:
            b = bigrams(norm(l["text"]))
            score, closest = max((len(b & tb) / len(b | tb), t) for t, tb in train_bigrams)
            sims.append((score, l["text"], closest))
        sims.sort(reverse=True)
        consult_max = max(s for s, t, _ in sims
                          if any(l["text"] == t and l["intent"].startswith("consult_") for l in lines))
        print(f"closest held-out/training pairs (char-bigram Jaccard); max over consult_* lines: {consult_max:.2f}")
        for score, text, closest in sims[:5]:
            print(f"  {score:.2f}  {text!r} ~ {closest!r}")
        too_close = [s for s in sims if s[0] >= 0.9]
        problems += len(too_close)
        print("  per intent:", dict(sorted(Counter(l["intent"] for l in lines).items())))
        print("  per topic: ", dict(sorted(Counter(l["topic"] for l in lines).items())))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
