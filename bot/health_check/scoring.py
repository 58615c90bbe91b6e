"""企业法律体检 scoring: the risks of knowledge/health_check.yml found in a questionnaire's answers, and each area's
level (red when any red risk is found in it, amber when any amber one is, green otherwise)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.entries import Citation
from bot.knowledge.laws import StatuteTable, article_number

LEVELS = ("green", "amber", "red")  # in order of gravity


@dataclass(frozen=True)
class Area:
    id: str
    name: dict[str, str]


@dataclass(frozen=True)
class Risk:
    id: str
    area: str
    level: str
    when: dict[str, list[str]]
    finding: dict[str, str]
    next_step: dict[str, str]
    citations: tuple[Citation, ...]

    def found_in(self, answers: dict[str, Any]) -> bool:
        return all(str(answers.get(field)) in wanted for field, wanted in self.when.items())


@dataclass(frozen=True)
class Rules:
    areas: tuple[Area, ...]
    risks: tuple[Risk, ...]

    @property
    def laws(self) -> set[str]:
        return {citation.law for risk in self.risks for citation in risk.citations}


@lru_cache(maxsize=4)
def load_rules(path: Path) -> Rules:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    areas = tuple(Area(a["id"], a["name"]) for a in data.get("areas", ()))
    risks = tuple(
        Risk(id=r["id"], area=r["area"], level=r["level"],
             when={field: [str(v) for v in (wanted if isinstance(wanted, list) else [wanted])]
                   for field, wanted in r["when"].items()},
             finding=r["finding"], next_step=r["next_step"],
             citations=tuple(Citation(c["law"], article_number(c["article"])) for c in r.get("citations", ())))
        for r in data.get("risks", ())
    )
    return Rules(areas, risks)


def check_rules(rules: Rules, answers: dict[str, set[str]], statutes: StatuteTable) -> list[str]:
    """Problems that would give a wrong report: unknown areas, levels, questions or answers, and citations that do
    not resolve in the statute table. `answers` gives each question of the form its possible answers."""
    problems, areas, seen = [], {area.id for area in rules.areas}, set()
    for risk in rules.risks:
        where = f"health-check risk {risk.id!r}"
        if risk.id in seen:
            problems.append(f"{where} is defined twice")
        seen.add(risk.id)
        if risk.area not in areas:
            problems.append(f"{where}: unknown area {risk.area!r}")
        if risk.level not in LEVELS[1:]:
            problems.append(f"{where}: level {risk.level!r} is not amber or red")
        for field, wanted in risk.when.items():
            if field not in answers:
                problems.append(f"{where}: no question {field!r} in the form")
            elif answers[field] and not set(wanted) <= answers[field]:
                problems.append(f"{where}: {field} has no answer {sorted(set(wanted) - answers[field])}")
        for lang in ("zh", "en"):
            if not risk.finding.get(lang) or not risk.next_step.get(lang):
                problems.append(f"{where}: finding or next step lacks {lang}")
        if not risk.citations:
            problems.append(f"{where}: cites nothing")
        for citation in risk.citations:
            if statutes.article(citation.law, citation.article) is None:
                problems.append(f"{where}: {citation.law} article {citation.article} is not in the statute table")
    return problems


def assess(rules: Rules, answers: dict[str, Any]) -> dict[str, Any]:
    """The risks found and each area's level, as stored with the submission."""
    found = [risk for risk in rules.risks if risk.found_in(answers)]
    levels = {area.id: "green" for area in rules.areas}
    for risk in found:
        if LEVELS.index(risk.level) > LEVELS.index(levels[risk.area]):
            levels[risk.area] = risk.level
    return {"levels": levels, "risks": [risk.id for risk in found]}
