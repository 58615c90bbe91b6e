"""企业法律体检, as the assistant sees it."""

from __future__ import annotations

from pathlib import Path

from bot.core.service import CommandGroup, Service
from bot.health_check import service
from bot.health_check.scoring import load_rules


def cited_laws(knowledge_dir: Path) -> set[str]:
    return load_rules(knowledge_dir / "health_check.yml").laws


SERVICE = Service(
    name="health_check",
    verbs={service.FOLLOW_UP: service.follow_up, service.REPORT: service.show_report},
    forms={service.FORM: service.HOOKS},
    records=service.records_section,
    staff_context=service.staff_context,
    cli=CommandGroup(("health-check",), service.add_parser, service.run),
    check=service.check,
    cited_laws=cited_laws,
)
