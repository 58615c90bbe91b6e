"""Build the domain services from settings: shared by every channel and command."""

from __future__ import annotations

from bot.core.assistant import Assistant, Clock, utcnow
from bot.core.content import Content
from bot.db.engine import make_engine, make_session_factory
from bot.db.migrate import upgrade
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.retrieval import Retriever
from bot.nlu.embedded import EmbeddedClassifier, kb_examples, load_nlu_examples
from bot.nlu.rasa_client import RasaClient
from bot.nlu.service import NluService
from bot.settings import Settings


def build_nlu(settings: Settings, knowledge: KnowledgeBase) -> NluService:
    """Rasa when configured, with the embedded classifier trained in the background from the same data."""

    def train() -> EmbeddedClassifier:
        return EmbeddedClassifier.train(load_nlu_examples(settings.nlu_dir / "data") + kb_examples(knowledge.entries))

    nlu = settings.nlu
    rasa = RasaClient(nlu.rasa_url, nlu.timeout_seconds) if nlu.rasa_url else None
    return NluService(train, rasa, nlu.retry_seconds).start()


def build_assistant(
    settings: Settings,
    clock: Clock = utcnow,
    migrate: bool = True,
    knowledge: KnowledgeBase | None = None,
    retriever: Retriever | None = None,
    nlu: NluService | None = None,
) -> Assistant:
    """Open the database (migrating it to the latest schema), load the content and start NLU."""
    if migrate:
        upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    knowledge = knowledge or KnowledgeBase.load(settings.knowledge_dir)
    return Assistant(
        settings,
        Content.load(settings.menus_dir),
        make_session_factory(engine),
        knowledge=knowledge,
        retriever=retriever or Retriever(knowledge.entries),
        nlu=nlu or build_nlu(settings, knowledge),
        clock=clock,
    )
