"""Consultation on real residents' questions and on the project's own held-out sets, through `legalbot ask`.

    .venv/bin/python -m bench.consult_real [--backend embedded|rasa] [--split tune|report|all] [--errors]

Every question goes through bot.core.asking.Asker: Assistant.handle on a scratch database, the path
a resident's message takes. The sets:
  tests/data/realdev/lawbench_3_8.jsonl  500 LawBench 3-8 questions (topic), 250 of them entry-labelled
  tests/data/realdev/stard.jsonl         150 STARD questions, topic and entry labels
  tests/data/kb_heldout/*.jsonl           498 held-out paraphrases written for the knowledge base
  nlu/tests/heldout.jsonl                 held-out NLU lines (topic; off-topic lines count as covered by none)
  tests/data/english/{tune,report}.jsonl  English questions written for the project, with off-topic chat
How they were labelled: tests/data/realdev/LABELLING.md. Tune on the tune split only.

Measures, on the lines that carry the label each needs:
  topic top-1 / top-3   the gold topic is the NLU's first / among its first three
  coverage              share of entry-labelled questions some entry answers
  first-reply hit       of covered questions, the first reply shows an answering entry (as the answer or listed)
  direct right          of covered questions, the first reply is an answering entry
  direct precision      of direct answers, the share that answer the question
  wrong-answer rate     of all entry-labelled questions, a direct answer to a different question
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

from bot.core.ask_command import scratch_assistant
from bot.core.asking import Asked, Asker
from bot.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent
REALDEV = ROOT / "tests" / "data" / "realdev"
KB_HELDOUT = ROOT / "tests" / "data" / "kb_heldout"
NLU_HELDOUT = ROOT / "nlu" / "tests" / "heldout.jsonl"
NOT_LEGAL = {"out_of_scope", "greet", "thanks", "goodbye", "affirm", "deny"}


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def real_set(name: str, split: str) -> list[dict]:
    rows = read_jsonl(REALDEV / f"{name}.jsonl")
    return [row for row in rows if split == "all" or row["split"] == split]


def own_sets() -> dict[str, list[dict]]:
    kb = [{"text": row["text"], "entries": [row["entry_id"]]}
          for path in sorted(KB_HELDOUT.glob("*.jsonl")) for row in read_jsonl(path)]
    nlu = []
    for row in read_jsonl(NLU_HELDOUT):
        line = {"text": row["text"]}
        if row["intent"].startswith("consult_"):
            line["topic"] = row["topic"]
        elif row["intent"] in NOT_LEGAL:
            line["entries"] = []  # chat and off-topic lines: no entry answers them
        nlu.append(line)
    return {"own: kb_heldout paraphrases": kb, "own: nlu heldout": nlu}


def english_sets() -> dict[str, list[dict]]:
    return {f"own: english {split}": read_jsonl(ROOT / "tests" / "data" / "english" / f"{split}.jsonl")
            for split in ("tune", "report")}


def measure(lines: list[dict], answers: list[Asked]) -> dict[str, float | int]:
    topic_lines = [(line, asked) for line, asked in zip(lines, answers) if "topic" in line]
    entry_lines = [(line, asked) for line, asked in zip(lines, answers) if "entries" in line]
    covered = [(line, asked) for line, asked in entry_lines if line["entries"]]
    direct = [(line, asked) for line, asked in entry_lines if asked.kind == "answer"]
    direct_right = sum(asked.entries[0] in line["entries"] for line, asked in direct)
    result: dict[str, float | int] = {}
    if topic_lines:
        result["topic n"] = len(topic_lines)
        result["topic top-1"] = sum(asked.topic == line["topic"] for line, asked in topic_lines) / len(topic_lines)
        result["topic top-3"] = sum(line["topic"] in asked.topics[:3] for line, asked in topic_lines) / len(topic_lines)
    if entry_lines:
        result["entry n"] = len(entry_lines)
        result["coverage"] = len(covered) / len(entry_lines)
        if covered:
            result["first-reply hit"] = sum(bool(set(asked.entries) & set(line["entries"]))
                                            for line, asked in covered) / len(covered)
            result["direct right"] = sum(asked.kind == "answer" and asked.entries[0] in line["entries"]
                                         for line, asked in covered) / len(covered)
        result["direct share"] = len(direct) / len(entry_lines)
        result["direct precision"] = direct_right / len(direct) if direct else float("nan")
        result["wrong-answer rate"] = (len(direct) - direct_right) / len(entry_lines)
    result["kinds"] = dict(Counter(asked.kind for asked in answers).most_common())
    return result


def print_result(name: str, result: dict, seconds: float, count: int) -> None:
    figures = []
    for key, value in result.items():
        if key == "kinds":
            continue
        figures.append(f"{key} {value}" if isinstance(value, int) else f"{key} {value:.3f}")
    print(f"[{name}] " + ", ".join(figures))
    print(f"[{name}] replies: {result['kinds']}  ({count} questions, {seconds * 1000 / max(count, 1):.1f} ms each)")


def markdown_row(name: str, result: dict, count: int) -> str:
    """One row of the README's table."""
    def figure(key: str, digits: int = 3) -> str:
        value = result.get(key)
        return "–" if value is None or value != value else f"{value:.{digits}f}"

    topic = f"{figure('topic top-1')} / {figure('topic top-3')}" if "topic n" in result else "–"
    direct = round(result.get("direct share", 0) * result.get("entry n", 0))
    precision = f"{figure('direct precision')} ({direct})" if direct else "– (0)"
    return (f"| {name} | {count} ({result.get('entry n', 0)}) | {topic} | {figure('coverage', 2)} | "
            f"{figure('first-reply hit')} | {precision} | {figure('wrong-answer rate')} |")


def print_errors(lines: list[dict], answers: list[Asked]) -> None:
    for line, asked in zip(lines, answers):
        gold = line.get("entries")
        wrong_topic = "topic" in line and asked.topic != line["topic"]
        wrong_answer = gold is not None and asked.kind == "answer" and asked.entries[0] not in gold
        missed = bool(gold) and not set(asked.entries) & set(gold)
        if wrong_topic or wrong_answer or missed:
            marks = ",".join(mark for mark, on in (("topic", wrong_topic), ("WRONG", wrong_answer), ("missed", missed)) if on)
            print(f"    [{marks}] {line['text'][:70]}\n        gold {line.get('topic', '')} {gold}"
                  f" -> {asked.kind} {asked.topic} {list(asked.entries)}")


def main() -> None:
    parser = argparse.ArgumentParser(description="consultation on real and held-out questions")
    parser.add_argument("--backend", choices=["embedded", "rasa"], default="embedded")
    parser.add_argument("--split", choices=["tune", "report", "all"], default=None,
                        help="real sets' split (default: tune and report separately)")
    parser.add_argument("--errors", action="store_true", help="list the questions each set gets wrong")
    parser.add_argument("--lang", choices=["zh", "en"], default="zh")
    parser.add_argument("--only", help="run only the sets whose name contains this")
    parser.add_argument("--markdown", action="store_true", help="print the README table's rows instead")
    args = parser.parse_args()

    splits = [args.split] if args.split else ["tune", "report"]
    sets = {f"{name} {split}": real_set(name, split) for name in ("lawbench_3_8", "stard") for split in splits}
    sets.update(own_sets())
    sets.update(english_sets())
    if args.only:
        sets = {name: lines for name, lines in sets.items() if args.only in name}
    with scratch_assistant(get_settings(), args.backend) as assistant:
        asker = Asker(assistant, args.lang)
        asker.ask("预热")  # the knowledge base, index and classifier load in the background
        for name, lines in sets.items():
            started = time.perf_counter()
            answers = [asker.ask(line["text"]) for line in lines]
            result = measure(lines, answers)
            if args.markdown:
                print(markdown_row(name, result, len(lines)))
                continue
            print_result(name, result, time.perf_counter() - started, len(lines))
            if args.errors:
                print_errors(lines, answers)


if __name__ == "__main__":
    main()
