"""Build the domain services from settings: shared by every channel and command."""

from __future__ import annotations

from bot.core.assistant import Assistant, Clock, utcnow
from bot.core import urgent
from bot.core.background import Preloaded
from bot.core.content import Content
from bot.db.engine import make_engine, make_session_factory
from bot.db.migrate import upgrade
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.retrieval import Retriever
from bot.legal_aid.context import book_for as legal_aid_rules
from bot.nlu.embedded import EmbeddedClassifier, kb_examples, load_nlu_examples
from bot.nlu.rasa_client import RasaClient
from bot.nlu.service import NluService
from bot.settings import Settings


def build_nlu(settings: Settings, knowledge: KnowledgeBase | Preloaded[KnowledgeBase]) -> NluService:
    """Rasa when configured, with the embedded classifier trained in the background from the same data."""
    loaded = knowledge if isinstance(knowledge, Preloaded) else Preloaded.ready(knowledge)

    def train() -> EmbeddedClassifier:
        return EmbeddedClassifier.train(load_nlu_examples(settings.nlu_dir / "data") + kb_examples(loaded.get().entries))

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
    """Open the database (migrating it to the latest schema) and load the menus.

    The knowledge base, its retrieval index and the embedded classifier are built in the
    background, so the bot answers its first menu press without waiting for them.
    """
    if migrate:
        upgrade(settings.database_url)
    legal_aid_rules(settings)  # a rule book with problems stops the bot here, not at a resident's application
    engine = make_engine(settings.database_url)
    loaded = Preloaded.ready(knowledge) if knowledge else Preloaded(
        lambda: KnowledgeBase.load(settings.knowledge_dir), "knowledge-base"
    )
    index = Preloaded.ready(retriever) if retriever else Preloaded(lambda: Retriever(loaded.get().entries), "retrieval")
    # The urgent-words segmenter loads its own dictionary; warm it now, not inside a resident's first turn.
    Preloaded(lambda: urgent.load(settings.handoff.urgent_words_file), "urgent-words")
    return Assistant(
        settings,
        Content.load(settings.menus_dir),
        make_session_factory(engine),
        knowledge=loaded,
        retriever=index,
        nlu=nlu or build_nlu(settings, loaded),
        clock=clock,
    )
