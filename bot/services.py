"""The composition site: the one file that knows every service, and builds the assistant from settings.

Adding a service is a package with a `plugin.py` exposing SERVICE, and one line in SERVICES below.
"""

from __future__ import annotations

from pathlib import Path

from bot.console.plugin import SERVICE as console
from bot.consultation.plugin import SERVICE as consultation
from bot.core.assistant import Assistant, Clock, utcnow
from bot.core.background import Preloaded
from bot.core.content import Content
from bot.core.service import Service
from bot.db.engine import make_engine, make_session_factory
from bot.db.migrate import upgrade
from bot.db.repositories import Repositories
from bot.forms.definition import load_form, texts_of
from bot.forms.engine import FormRunner
from bot.forms.repository import FormRepository
from bot.handoff import urgent
from bot.handoff.plugin import SERVICE as handoff
from bot.health_check.plugin import SERVICE as health_check
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.check import cited_laws as kb_cited_laws
from bot.knowledge.entries import load_entries
from bot.knowledge.retrieval import Retriever
from bot.lectures.plugin import SERVICE as lectures
from bot.legal_aid.plugin import SERVICE as legal_aid
from bot.mediation.plugin import SERVICE as mediation
from bot.nlu.service import NluService, build_nlu
from bot.notifications.repository import NotificationRepository
from bot.reports.plugin import SERVICE as reports
from bot.rights.plugin import SERVICE as rights
from bot.settings import Settings
from bot.stations.plugin import SERVICE as stations

# The order is the order of the checks in a turn, and of the sections of 我的记录:
# - handoff first: while staff have the conversation its intercept relays everything, and its urgent words
#   (家暴, 自杀 …) must open a ticket before a question goes to the consultation;
# - legal aid, mediation, lectures, the health check: their 我的记录 sections in this order;
# - stations: a location shared on no screen that asks for one shows the nearest station;
# - consultation last of those that take text: a free text nobody else took is a question;
# - rights (/mydata, /forget, what withdrawing consent deletes), reports and the console (its /console screen
#   and command-line group) take no text.
SERVICES: list[Service] = [handoff, legal_aid, mediation, lectures, health_check, stations, consultation, rights,
                           reports, console]

__all__ = ["SERVICES", "build_assistant", "build_nlu", "build_forms", "command_groups", "cited_laws", "all_cited_laws"]


def install() -> None:
    """Give `Repositories` the kernel's and the services' repositories (repos.forms, repos.aid …)."""
    Repositories.extend({"forms": FormRepository, "notifications": NotificationRepository})
    for service in SERVICES:
        Repositories.extend(service.repositories)


install()  # every entry point (the CLI, the channels, the tests) comes through this module


def build_forms(settings: Settings, content: Content) -> list[FormRunner]:
    """Each service's forms from forms/<id>.yml, checked against the texts and the hooks they name."""
    runners = []
    for service in SERVICES:
        for form_id, hooks in service.forms.items():
            form = load_form(settings.forms_dir / f"{form_id}.yml")
            missing = sorted(key for key in texts_of(form) if key not in content.texts)
            if missing:
                raise ValueError(f"form {form_id!r} names texts that do not exist: {', '.join(missing)}")
            runners.append(FormRunner(form, hooks))
    return runners


def command_groups() -> dict[str, object]:
    """`legalbot` command → the service's command group."""
    return {command: service.cli for service in SERVICES if service.cli for command in service.cli.commands}


def cited_laws(knowledge_dir: Path) -> set[str]:
    """The laws the services' own content cites, beyond the knowledge base's entries (for `kb sync-laws`)."""
    return {law for service in SERVICES if service.cited_laws for law in service.cited_laws(knowledge_dir)}


def all_cited_laws(knowledge_dir: Path) -> set[str]:
    """Laws cited anywhere: the knowledge base's entries and every service's content."""
    return kb_cited_laws(load_entries(knowledge_dir / "entries")) | cited_laws(knowledge_dir)


def build_assistant(
    settings: Settings,
    clock: Clock = utcnow,
    migrate: bool = True,
    knowledge: KnowledgeBase | None = None,
    retriever: Retriever | None = None,
    nlu: NluService | None = None,
) -> Assistant:
    """Open the database (migrating it to the latest schema) and load the menus, the forms and the services.

    The knowledge base, its retrieval index and the embedded classifier are built in the
    background, so the bot answers its first menu press without waiting for them.
    """
    if migrate:
        upgrade(settings.database_url)
    for service in SERVICES:
        if service.check:
            service.check(settings)  # content with problems stops the bot here, not at a resident's turn
    engine = make_engine(settings.database_url)
    loaded = Preloaded.ready(knowledge) if knowledge else Preloaded(
        lambda: KnowledgeBase.load(settings.knowledge_dir), "knowledge-base"
    )
    index = Preloaded.ready(retriever) if retriever else Preloaded(lambda: Retriever(loaded.get().entries), "retrieval")
    # The urgent-words segmenter loads its own dictionary; warm it now, not inside a resident's first turn.
    Preloaded(lambda: urgent.load(settings.handoff.urgent_words_file), "urgent-words")
    content = Content.load(settings.menus_dir)
    return Assistant(
        settings,
        content,
        make_session_factory(engine),
        knowledge=loaded,
        retriever=index,
        nlu=nlu or build_nlu(settings, loaded),
        clock=clock,
        services=SERVICES,
        forms=build_forms(settings, content),
    )
