"""The assistant: turns one inbound into a reply, inside one database transaction.

It knows no service by name: each one declares what it adds (bot/core/service.py), and the composition site
(bot/services.py) hands them over in order.
"""

from __future__ import annotations

import logging
import unicodedata
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable

from sqlalchemy.orm import Session, sessionmaker

from bot.core import deep_links, flood, screens
from bot.core.background import Preloaded
from bot.core.callbacks import Action
from bot.core.content import Content
from bot.core.messages import Button, Inbound, InboundKind, Outbound, Outcome, Reply
from bot.core.service import Service
from bot.core.stations import Station, StationDirectory
from bot.core.turn import Turn
from bot.db.repositories import Repositories
from bot.privacy.retention import RetentionPolicy, purge
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.forms.engine import FormRunner
    from bot.knowledge.base import KnowledgeBase
    from bot.knowledge.retrieval import Retriever
    from bot.nlu.service import NluService

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
ActionHandler = Callable[[Turn, str], "Outbound | Reply | None"]


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _normalise_label(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


class Assistant:
    """The channel-agnostic bot: menus, profile and navigation, and the services it was given."""

    def __init__(
        self,
        settings: Settings,
        content: Content,
        sessions: sessionmaker[Session],
        knowledge: Preloaded[KnowledgeBase],
        retriever: Preloaded[Retriever],
        nlu: NluService,
        clock: Clock = utcnow,
        services: list[Service] | None = None,
        forms: list[FormRunner] | None = None,
    ):
        self.settings = settings
        self.content = content
        self.sessions = sessions
        self._knowledge = knowledge
        self._retriever = retriever
        self.nlu = nlu
        self.clock = clock
        self.stations = StationDirectory.from_settings(settings)
        self.bot_link = ""
        self.services = services or []
        self.forms = {runner.form.id: runner for runner in forms or []}
        self._actions: dict[str, ActionHandler] = {
            "go": self._go,
            screens.GROUP_VERB: screens.explain_group,
            "lang": self._set_language,
            "consent": self._set_consent,
        }
        self.screens: dict[str, screens.Screen] = dict(screens.SCREENS)
        # Screens that read typed answers (forms, the station list): a handler returns None when the text is not
        # an answer, and it goes on to the services' free-text handlers, in the services' order.
        self._answers: dict[str, Callable[[Turn, str], Reply | None]] = {}
        self._locations: dict[str, Callable[[Turn, Station, float], Reply | None]] = {}
        self._media: dict[str, FormRunner] = {}
        for runner in self.forms.values():
            self._actions[runner.form.verb] = runner.press
            self.screens[runner.form.screen] = runner.screen
            self._answers[runner.form.node] = runner.take_text
            self._locations[runner.form.node] = runner.take_location
            self._media[runner.form.node] = runner
        for service in self.services:
            self._actions.update(service.verbs)
            self.screens.update(service.screens)
            self._answers.update(service.answers)
            self._locations.update(service.locations)
        self._start_links = {prefix: opens for s in self.services for prefix, opens in s.start_links.items()}
        self._intercepts = [s.intercept for s in self.services if s.intercept]
        self._holds = [s.holds for s in self.services if s.holds]
        self._prepares = [s.prepare for s in self.services if s.prepare]
        self._free_text = [s.free_text for s in self.services if s.free_text]
        self._withdrawals = [s.on_withdraw for s in self.services if s.on_withdraw]
        self.records = [s.records for s in self.services if s.records]
        self.cancels = [s.cancel for s in self.services if s.cancel]
        self._suggestions = [s.suggestions for s in self.services if s.suggestions]
        self._staff_request = next((s.staff_request for s in self.services if s.staff_request), None)
        self.staff_context = [s.staff_context for s in self.services if s.staff_context]
        self._labels = {
            _normalise_label(label): node.id
            for node in content.menu.nodes.values()
            for label in node.label.values()
        }

    @property
    def knowledge(self) -> KnowledgeBase:
        return self._knowledge.get()

    @property
    def retriever(self) -> Retriever:
        return self._retriever.get()

    def replace_knowledge(self, knowledge: KnowledgeBase, retriever: Retriever) -> None:
        """Answer from an edited knowledge base from now on; a turn already running keeps the one it read."""
        self._knowledge, self._retriever = Preloaded.ready(knowledge), Preloaded.ready(retriever)

    def handle(self, inbound: Inbound) -> Reply:
        """Handle one inbound exactly once and return what to show.

        Slow work comes first and outside the transaction: a short read decides whether typed text will be a
        question, the services prepare it (NLU and retrieval), and only then the user's row is locked for the short
        write.
        """
        prepared = self._prepare_outside(inbound)
        with self.sessions() as session, session.begin():
            repos = Repositories(session)
            now = self.clock()
            if inbound.update_key and not repos.updates.claim(inbound.channel, inbound.update_key, now):
                log.info("duplicate update %s ignored", inbound.update_key)
                return Reply(handled=False)
            if not inbound.private_chat:
                return self._outside_private_chat(inbound)
            language = "en" if (inbound.language_hint or "").lower().startswith("en") else "zh"
            user = repos.users.find_or_create(inbound.channel, inbound.user_id, inbound.chat_id, language)
            turn = Turn(self, repos, user, now, understood=prepared)
            reply = self._dispatch(turn, inbound)
            self._record(turn, inbound, reply)
            return reply

    def _prepare_outside(self, inbound: Inbound) -> Any:
        """What a service works out for typed text that will reach it (a question's NLU and retrieval), with no
        transaction open while it runs; None when the text will go elsewhere (a form, a ticket, a flood)."""
        text = inbound.text
        if not self._prepares or inbound.kind is not InboundKind.TEXT or not inbound.private_chat \
                or not any(ch.isalpha() for ch in text):
            return None
        if len(text) > self.settings.max_text_length or _normalise_label(text) in self._labels:
            return None
        with self.sessions() as session:  # read what is needed, then release before the slow work
            repos = Repositories(session)
            user = repos.users.find(inbound.channel, inbound.user_id)
            if user is not None and user.conversation is not None:
                turn = Turn(self, repos, user, self.clock())
                if flood.over(turn) or self.form_in_progress(turn) or any(holds(turn) for holds in self._holds):
                    return None
        return next((prepared for prepare in self._prepares if (prepared := prepare(self, text)) is not None), None)

    def form_in_progress(self, turn: Turn) -> str | None:
        """The node of the form whose answers the resident is typing, if any."""
        runner = self._media.get(turn.conversation.screen)
        return runner.form.node if runner is not None and runner.active(turn) is not None else None

    def _open_link(self, turn: Turn, payload: str) -> Reply | None:
        """A deep link (/start m_<token>) opens what its service says; an unknown one is an ordinary /start."""
        for prefix, opens in self._start_links.items():
            if payload.startswith(prefix):
                opened = opens(turn, payload)
                return opened if opened is None or isinstance(opened, Reply) else Reply([opened])
        return None

    def _dispatch(self, turn: Turn, inbound: Inbound) -> Reply:
        if flood.count(turn):
            log.info("flood limit reached by user %s", turn.user.id)
            return flood.answer(turn)
        # Intercepts see everything first: while staff have the conversation the bot is silent and relays.
        for intercept in self._intercepts:
            taken = intercept(turn, inbound)
            if taken is not None:
                return taken
        kind = inbound.kind
        if kind is InboundKind.COMMAND:
            node = self.content.menu.by_command.get(inbound.command)
            if node is None:
                return self._hint(turn, "unknown_command")
            opened = self._open_link(turn, inbound.payload) if node.command == "start" and inbound.payload else None
            return opened if opened is not None else Reply([screens.show_node(turn, node.id)])
        if kind is InboundKind.BUTTON:
            return self._press(turn, inbound.button_data)
        if kind is InboundKind.TEXT:
            return self._text(turn, inbound.text)
        if kind is InboundKind.LOCATION and inbound.location is not None:
            return self._located(turn, inbound.location)
        if kind is InboundKind.MEDIA:
            runner = self._media.get(turn.conversation.screen)
            if runner is not None:
                return runner.take_file(turn, inbound.file, inbound.file_content)
            return self._hint(turn, "text_expected")
        if kind is InboundKind.EDITED:
            return Reply([Outbound(turn.t("edited_ignored"))])
        return self._hint(turn, "not_understood")

    def _press(self, turn: Turn, data: str) -> Reply:
        action = Action.decode(data)
        handler = self._actions.get(action.verb) if action else None
        result = handler(turn, action.arg) if handler and action else None
        if result is None:
            log.info("unresolvable button data from user %s", turn.user.id)
            return Reply([self.current_screen(turn)], notice=turn.t("button_expired"))
        if isinstance(result, Reply):
            return result
        result.replace = True
        return Reply([result])

    def _text(self, turn: Turn, text: str) -> Reply:
        if len(text) > self.settings.max_text_length:
            return self._hint(turn, "too_long", limit=self.settings.max_text_length)
        node_id = self._labels.get(_normalise_label(text))
        if node_id:
            return Reply([screens.show_node(turn, node_id)], outcome=Outcome("handoff" if node_id == "human" else "menu"))
        answer = self._answers.get(turn.conversation.screen)
        answered = answer(turn, text) if answer else None
        if answered is not None:
            return answered
        if not any(ch.isalpha() for ch in text):
            return self._hint(turn, "not_understood")
        return self.answer_text(turn, text)

    def answer_text(self, turn: Turn, text: str, after: Callable | None = None) -> Reply:
        """A text no screen took, to each service's free-text handler in order (or those after `after`)."""
        handlers = self._free_text[self._free_text.index(after) + 1:] if after in self._free_text else self._free_text
        for free_text in handlers:
            answered = free_text(turn, text)
            if answered is not None:
                return answered
        return self._hint(turn, "not_understood")

    def _hint(self, turn: Turn, key: str, **values) -> Reply:
        """A short explanation, with the buttons of the screen the user is still on."""
        current = self.current_screen(turn)
        return Reply([Outbound(turn.t(key, **values).strip(), current.buttons)])

    def open_links(self, payload: str) -> dict[str, str]:
        """The links that open `/start <payload>`: the web chat's if it has a public address, Telegram's if it runs."""
        return deep_links.links(payload, telegram=self.bot_link, web=self.settings.web.public_url)

    def current_screen(self, turn: Turn) -> Outbound:
        """Render the screen the user is on again, without changing anything."""
        conversation = turn.conversation
        node_id = conversation.screen if conversation.screen in self.content.menu.nodes else self.content.menu.root
        return screens.show_node(turn, node_id, conversation.data.get("arg", ""))

    def suggestions(self, turn: Turn, topic: str) -> list[list[Button]]:
        """Rows other services offer under an answer on a topic (the next lecture on it)."""
        return [row for suggest in self._suggestions for row in suggest(turn, topic)]

    def request_staff(self, turn: Turn, reason: str, text: str = "") -> Outbound | None:
        """Open a request for staff through the service that takes them; None when no service does."""
        return self._staff_request(turn, reason, text) if self._staff_request else None

    def _go(self, turn: Turn, node_id: str) -> Outbound | None:
        if node_id not in self.content.menu.nodes:
            return None
        return screens.show_node(turn, node_id)

    def _located(self, turn: Turn, point: tuple[float, float]) -> Reply:
        """A shared location answers the screen's question for a station, or goes to whoever takes any location."""
        station, km = self.stations.nearest(point)
        for take in (self._locations.get(turn.conversation.screen), self._locations.get("*")):
            answered = take(turn, station, km) if take else None
            if answered is not None:
                return answered
        return self._hint(turn, "not_understood")

    def _set_language(self, turn: Turn, lang: str) -> Outbound | None:
        if lang not in ("zh", "en"):
            return None
        turn.user.language = lang
        home = screens.show_node(turn, self.content.menu.root)
        home.text = f"{turn.t('language_set')}\n\n{home.text}"
        return home

    def _set_consent(self, turn: Turn, choice: str) -> Outbound | None:
        user = turn.user
        if choice == "yes":
            user.consent, user.consent_at = "granted", turn.now
            note = turn.t("consent_granted")
        elif choice in ("no", "withdraw"):
            # Withdrawing deletes what consent allowed, and says what went; declining had nothing to delete.
            if user.consent == "granted":
                notes = [withdraw(turn) for withdraw in self._withdrawals]
                note = "\n".join(notes) if notes else turn.t("consent_withdrawn")
            else:
                note = turn.t("consent_declined")
            user.consent, user.consent_at, user.station_id = "declined", None, None
        else:
            return None
        home = screens.show_node(turn, self.content.menu.root)
        home.text = f"{note.strip()}\n\n{home.text}"
        return home

    def _outside_private_chat(self, inbound: Inbound) -> Reply:
        """In groups the bot only points people to a private chat, and only when addressed."""
        if inbound.kind is not InboundKind.COMMAND:
            return Reply(handled=False)
        lang = "en" if (inbound.language_hint or "").lower().startswith("en") else "zh"
        return Reply([Outbound(self.content.texts.get("group_not_here", lang, link=self.bot_link))])

    def _record(self, turn: Turn, inbound: Inbound, reply: Reply) -> None:
        """Keep the conversation; without consent, keep only what kind of message it was."""
        if turn.forgotten:
            return
        keep_text = turn.consented
        incoming = inbound.text or inbound.command or inbound.button_data
        row = dict(user_id=turn.user.id, created_at=turn.now)
        rows = [{**row, "direction": "in", "kind": inbound.kind.value, "text": incoming if keep_text else ""}]
        rows += [{**row, "direction": "out", "kind": "text", "text": m.text if keep_text else ""} for m in reply.messages]
        turn.repos.messages.add_all(rows)

    def wants_file(self, inbound: Inbound) -> bool:
        """Whether the channel should download the inbound's file: only for a form's step that will keep it."""
        if inbound.file is None or not inbound.private_chat:
            return False
        with self.sessions() as session:
            repos = Repositories(session)
            user = repos.users.find(inbound.channel, inbound.user_id)
            runner = self._media.get(user.conversation.screen) if user and user.conversation else None
            if runner is None:
                return False
            return runner.wants_file(Turn(self, repos, user, self.clock()), inbound.file) is None

    def start_up(self) -> None:
        """What each service does when a bot process starts (demo lectures, reminders rebuilt from their rows)."""
        for service in self.services:
            if service.start_up:
                service.start_up(self)

    def close(self) -> None:
        """Release the database connections and the NLU client."""
        self.sessions.kw["bind"].dispose()
        self.nlu.close()

    @property
    def retention(self) -> RetentionPolicy:
        return RetentionPolicy.load(self.settings.privacy.retention_file)

    def purge_expired(self, dry_run: bool = False) -> dict[str, int]:
        """Enforce the retention table across every table; the count per class. A dry run changes nothing."""
        with self.sessions() as session:
            session.begin()
            counts = purge(session, self.retention, self.clock())
            for service in self.services:
                if service.purge:
                    service.purge(Repositories(session), self.clock(), self.settings)
            if dry_run:
                session.rollback()
            else:
                session.commit()
        return counts
