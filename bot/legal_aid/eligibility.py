"""Legal-aid eligibility: rules held as data (knowledge/legal_aid_rules.yml), each with its legal basis."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.check import ARTICLE_IN_TEXT
from bot.knowledge.entries import Citation
from bot.knowledge.laws import StatuteTable, article_number

LANGUAGES = ("zh", "en")
OUTCOMES = {"fast_track": (True, False), "hardship_declaration": (False, True)}  # (fast track, declaration)
CONDITIONS = ("matters", "claims", "applicant")
RULE_KEYS = {"id", "when", "outcome", "explanation", "citations"}
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class RulesError(ValueError):
    """The rules file cannot be read at all."""


@dataclass(frozen=True)
class Facts:
    """What the applicant told us, in the rules file's vocabulary."""

    matter: str | None = None  # a topic id from knowledge/topics.yml
    claim: str | None = None  # a key of `claims`
    applicant: frozenset[str] = frozenset()  # keys of `applicant_categories`


@dataclass(frozen=True)
class Rule:
    id: str
    when: dict[str, tuple[str, ...]]
    outcome: str
    explanation: dict[str, str]
    citations: tuple[Citation, ...]
    extra_keys: tuple[str, ...] = ()

    def matches(self, facts: Facts) -> bool:
        tests = {
            "matters": lambda allowed: facts.matter in allowed,
            "claims": lambda allowed: facts.claim in allowed,
            "applicant": lambda allowed: bool(facts.applicant & set(allowed)),
        }
        # An unknown condition never matches, so a typo cannot widen a rule to everyone.
        return all(tests.get(key, lambda _: False)(allowed) for key, allowed in self.when.items())


@dataclass(frozen=True)
class RuleBook:
    rules: tuple[Rule, ...]
    claims: dict[str, dict[str, str]] = field(default_factory=dict)
    applicant_categories: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    """The outcome shown to the applicant before submitting, with the articles it rests on."""

    rule_id: str
    fast_track: bool
    needs_hardship_declaration: bool
    explanation: dict[str, str]
    citations: tuple[Citation, ...]


def _rule(raw: dict[str, Any]) -> Rule:
    when = {str(key): tuple(str(v) for v in values or ()) for key, values in (raw.get("when") or {}).items()}
    return Rule(
        id=str(raw.get("id", "")),
        when=when,
        outcome=str(raw.get("outcome", "")),
        explanation={lang: str(text).strip() for lang, text in (raw.get("explanation") or {}).items()},
        citations=tuple(Citation(str(c.get("law")), article_number(c.get("article", 0))) for c in raw.get("citations") or ()),
        extra_keys=tuple(sorted(set(raw) - RULE_KEYS)),
    )


def parse_rule_book(data: Any) -> RuleBook:
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RulesError("the rules file needs a `rules:` list")
    return RuleBook(
        rules=tuple(_rule(raw) for raw in data["rules"]),
        claims=dict(data.get("claims") or {}),
        applicant_categories=dict(data.get("applicant_categories") or {}),
    )


def load_rule_book(path: Path) -> RuleBook:
    return parse_rule_book(yaml.safe_load(path.read_text(encoding="utf-8")))


def evaluate(book: RuleBook, facts: Facts) -> Decision:
    """The decision of the first rule that matches the facts."""
    for rule in book.rules:
        if rule.matches(facts):
            fast_track, declaration = OUTCOMES[rule.outcome]
            return Decision(rule.id, fast_track, declaration, rule.explanation, rule.citations)
    raise LookupError("no eligibility rule matches; the rules file lacks its final catch-all rule")


def check_rule_book(book: RuleBook, statutes: StatuteTable, topics: set[str]) -> list[str]:
    """Every problem found, one line each; an empty list means the rules are sound."""
    problems = _check_vocabulary(book)
    vocabulary = {"matters": topics, "claims": set(book.claims), "applicant": set(book.applicant_categories)}
    seen: set[str] = set()
    for position, rule in enumerate(book.rules):
        where = f"rule {rule.id or position}"
        if not ID_PATTERN.match(rule.id):
            problems.append(f"{where}: id must be lowercase letters, digits and '-'")
        if rule.id in seen:
            problems.append(f"{where}: duplicate id")
        seen.add(rule.id)
        problems += [f"{where}: unknown key {key!r}" for key in rule.extra_keys]
        if rule.outcome not in OUTCOMES:
            problems.append(f"{where}: outcome must be one of {', '.join(OUTCOMES)}")
        for key, values in rule.when.items():
            if key not in CONDITIONS:
                problems.append(f"{where}: unknown condition {key!r}")
                continue
            if not values:
                problems.append(f"{where}: condition {key!r} lists nothing")
            undefined = [value for value in values if value not in vocabulary[key]]
            problems += [f"{where}: {key} value {value!r} is not defined" for value in undefined]
        for lang in LANGUAGES:
            if not rule.explanation.get(lang):
                problems.append(f"{where}: missing {lang} explanation")
        if ARTICLE_IN_TEXT.search(rule.explanation.get("zh", "")):
            problems.append(f"{where}: an article number is written in the explanation; cite it instead")
        if not rule.citations:
            problems.append(f"{where}: no legal basis cited")
        for citation in rule.citations:
            if statutes.article(citation.law, citation.article) is None:
                problems.append(f"{where}: citation {citation.law} article {citation.article} does not resolve")
    catch_alls = [position for position, rule in enumerate(book.rules) if not rule.when]
    if catch_alls != [len(book.rules) - 1]:
        problems.append("exactly one rule, the last, must have no `when`: it decides every other case")
    return problems


def _check_vocabulary(book: RuleBook) -> list[str]:
    problems = []
    for name, labels in (("claims", book.claims), ("applicant_categories", book.applicant_categories)):
        for key, label in labels.items():
            label = label if isinstance(label, dict) else {}
            missing = [lang for lang in LANGUAGES if not label.get(lang)]
            if missing or set(label) - set(LANGUAGES):
                problems.append(f"{name} {key!r}: needs exactly a zh and an en label")
    return problems
