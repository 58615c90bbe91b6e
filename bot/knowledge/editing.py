"""Edit one knowledge-base entry's answer and citations in its YAML file, only when `kb check` would pass for it.

The entry's own block in its file is rewritten; every other line of the file (other entries, comments) is kept.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import yaml

from bot.knowledge.check import check_entries
from bot.knowledge.entries import Citation, Entry, load_entries
from bot.knowledge.laws import StatuteTable, article_number

CITATION_LINE = re.compile(r"^\s*([a-z0-9_]+)\s+(?:第)?\s*([0-9]+(?:之[一二三四五六七八九十]+)?)\s*(?:条)?\s*$")


class _Dumper(yaml.SafeDumper):
    """Answers as literal blocks, lists indented and citations on one line each, as the files are written by hand."""

    def increase_indent(self, flow: bool = False, indentless: bool = False):
        return super().increase_indent(flow, False)


def _text(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _mapping(dumper: yaml.SafeDumper, value: dict):
    flow = set(value) <= {"law", "article"}
    return dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=flow)


_Dumper.add_representer(str, _text)
_Dumper.add_representer(dict, _mapping)


def parse_citations(text: str) -> tuple[list[Citation], list[str]]:
    """"civil_code 1165" per line; the lines that are not of that form."""
    citations, bad = [], []
    for line in text.splitlines():
        if not line.strip():
            continue
        match = CITATION_LINE.match(line)
        if match is None:
            bad.append(line.strip())
            continue
        citations.append(Citation(match.group(1), article_number(match.group(2))))
    return citations, bad


def problems_of(folder: Path, edited: Entry, topics: set[str], today: date, shared: StatuteTable | None) -> list[str]:
    """What `kb check` would say about this entry, were it saved in place of the one with its id."""
    entries = [edited if entry.id == edited.id else entry for entry in load_entries(folder / "entries")]
    where = f"{edited.source}:{edited.id}"
    laws = StatuteTable(folder / "laws")
    return [p for p in check_entries(entries, topics, laws, today, shared) if p.startswith(where + ":")]


def save(folder: Path, entry_id: str, answer: dict[str, str], citations: list[Citation], topics: set[str],
         today: date, shared: StatuteTable | None) -> list[str]:
    """Check, then write; the problems when it cannot be saved (nothing is written then)."""
    current = next((e for e in load_entries(folder / "entries") if e.id == entry_id), None)
    if current is None:
        return [f"{entry_id}: no such entry"]
    edited = replace(current, answer={lang: text.strip() for lang, text in answer.items()},
                     citations=tuple(citations), reviewed=today)
    problems = problems_of(folder, edited, topics, today, shared)
    if problems:
        return problems
    path = folder / "entries" / current.source
    _rewrite_block(path, entry_id, edited)
    return []


def _rewrite_block(path: Path, entry_id: str, edited: Entry) -> None:
    text = path.read_text(encoding="utf-8")
    raws = yaml.load(text, Loader=yaml.CSafeLoader) or []
    raw = next(r for r in raws if str(r.get("id")) == entry_id)
    raw["answer"] = {lang: edited.answer[lang] + "\n" for lang in edited.answer}
    raw["citations"] = [{"law": c.law, "article": int(c.article) if str(c.article).isdigit() else str(c.article)}
                        for c in edited.citations]
    raw["reviewed"] = edited.reviewed
    block = yaml.dump([raw], Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096, indent=2)
    # The entry's block: its "- id:" line and every line after it until the next line that starts at the margin.
    start = re.search(rf"^- id: {re.escape(entry_id)}[ \t]*$", text, re.MULTILINE)
    end = re.compile(r"^\S", re.MULTILINE).search(text, start.end() + 1)
    tail = text[end.start():] if end else ""
    body = text[start.start():end.start() if end else len(text)]
    trailing = body[len(body.rstrip("\n")):] or "\n"
    path.write_text(text[:start.start()] + block.rstrip("\n") + trailing + tail, encoding="utf-8")
