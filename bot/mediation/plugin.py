"""网络调解 + 司法确认, as the assistant sees it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.core.service import CommandGroup, Job, Service
from bot.knowledge.laws import statute_table
from bot.mediation import commands, desk, documents, intake, offer, parties, staff, timers
from bot.mediation.cases import INVITE_PREFIX
from bot.mediation.context import MediationContext, cited, service_data
from bot.mediation.repository import MediationRepository
from bot.settings import Settings


def check(settings: Settings) -> None:
    """Refuse to start when the form, an article the service quotes, or a document template is missing."""
    data = service_data(settings.forms_dir)
    table = statute_table(settings.knowledge_dir / "laws")
    for name in data.config["articles"]:
        law, number = cited(data.config, name)
        if table.article(law, number) is None:
            raise ValueError(f"bot/mediation/mediation.yml: {name} cites {law} article {number}, "
                             "which is not in the statute table")
    for name in documents.TEMPLATE_NAMES:
        documents.template(name)


def cited_laws(knowledge_dir: Path) -> set[str]:
    config = service_data().config
    return {cited(config, name)[0] for name in config["articles"]}


def fire_timers(assistant) -> int:
    return timers.fire_due(assistant.sessions, MediationContext.of(assistant), assistant.clock)


def deliver_documents(assistant) -> int:
    return timers.deliver_documents(assistant.sessions, MediationContext.of(assistant), assistant.clock)


SERVICE = Service(
    name="mediation",
    verbs={parties.VERB: parties.press},
    forms={intake.FORM: intake.HOOKS},
    start_links={INVITE_PREFIX: parties.open_invitation},
    records=parties.records_section,
    suggestions=offer.offer_rows,
    repositories={"mediation": MediationRepository},
    desk_verbs={verb: desk.press for verb in staff.VERBS},
    jobs=[Job(desk.FIRE_TIMERS, lambda settings: timedelta(seconds=desk.CHECK_SECONDS), fire_timers),
          Job(desk.DELIVER_DOCUMENTS, lambda settings: timedelta(seconds=desk.DOCUMENT_CHECK_SECONDS), deliver_documents,
              threaded=True)],
    cli=CommandGroup(("mediation",), commands.add_parsers, commands.run),
    check=check,
    cited_laws=cited_laws,
)
