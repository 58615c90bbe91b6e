"""What the legal-aid chat needs from the rest of the bot: the rule book, the statute table, topic names."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.knowledge.laws import StatuteTable, statute_table
from bot.legal_aid.eligibility import Decision, RuleBook, check_rule_book, load_rule_book
from bot.lectures.context import topic_names
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.core.assistant import Assistant


def statutes(knowledge_dir: Path) -> StatuteTable:
    return statute_table(knowledge_dir / "laws")


@lru_cache(maxsize=4)
def rule_book(rules_file: Path, knowledge_dir: Path) -> RuleBook:
    """The eligibility rules, read once and checked: a rule book with problems stops the bot from starting."""
    book = load_rule_book(rules_file)
    problems = check_rule_book(book, statutes(knowledge_dir), set(topic_names(knowledge_dir)))
    if problems:
        raise ValueError("legal-aid rules have problems: " + "; ".join(problems))
    return book


def rules_path(settings: Settings) -> Path:
    path = settings.legal_aid.rules_file
    return path if path.is_absolute() else settings.config_dir / path


def book_of(assistant: Assistant) -> RuleBook:
    return book_for(assistant.settings)


def book_for(settings: Settings) -> RuleBook:
    return rule_book(rules_path(settings), settings.knowledge_dir)


def statutes_of(assistant: Assistant) -> StatuteTable:
    return statutes(assistant.settings.knowledge_dir)


def citation_text(assistant: Assistant, decision: Decision) -> str:
    """《法律援助法》第四十二条、第三十一条 …: each law named once, its articles after it."""
    table = statutes_of(assistant)
    parts, previous = [], None
    for citation in decision.citations:
        article = table.article(citation.law, citation.article)
        if article is None:
            continue
        parts.append(article.label if article.law_id == previous else article.heading())
        previous = article.law_id
    return "、".join(parts)
