"""法律援助绿色通道, as the assistant sees it."""

from __future__ import annotations

from pathlib import Path

from bot.core.service import CommandGroup, Service
from bot.legal_aid import application, commands, context, staff_notices
from bot.legal_aid.repository import AidRepository


def cited_laws(knowledge_dir: Path) -> set[str]:
    """The eligibility rules' laws and the wage-claim summary's."""
    from bot.legal_aid.eligibility import load_rule_book
    from bot.legal_aid.summary import CHAIN_LIABILITY, LIMITATION

    rules = load_rule_book(knowledge_dir / "legal_aid_rules.yml")
    return {c.law for rule in rules.rules for c in rule.citations} | {c.law for c in (LIMITATION, *CHAIN_LIABILITY)}


SERVICE = Service(
    name="legal_aid",
    forms={application.FORM: application.HOOKS},
    records=application.records_section,
    repositories={"aid": AidRepository},
    desk_verbs={verb: staff_notices.press for verb in staff_notices.VERBS},
    cli=CommandGroup(("aid",), commands.add_parsers, commands.run),
    # A rule book with problems stops the bot here, not at a resident's application.
    check=context.book_for,
    cited_laws=cited_laws,
)
