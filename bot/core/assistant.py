"""The assistant: turns one inbound into a reply, inside one database transaction."""

from __future__ import annotations

import logging
import re
import unicodedata
from datetime import datetime, timezone
from typing import Callable

from sqlalchemy.orm import Session, sessionmaker

from bot.core import consult, flood, screens
from bot.core.background import Preloaded
from bot.core.callbacks import Action
from bot.core.content import Content, pick
from bot.core.messages import Inbound, InboundKind, Outbound, Outcome, Reply
from bot.core.stations import Station, StationDirectory
from bot.core.turn import Turn
from bot.db.repositories import Repositories
from bot.handoff import tickets as handoff
from bot.handoff.notices import RATE_VERB
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.retrieval import Retriever
from bot.legal_aid import form as aid_form
from bot.lectures import actions as lecture_actions
from bot.lectures import request_form as lecture_request_form
from bot.mediation import intake as mediation_intake  # mediation (t14)
from bot.mediation import parties as mediation_parties  # mediation (t14)
from bot.nlu.service import NluService
from bot.privacy import screens as privacy
from bot.privacy.retention import RetentionPolicy, purge
from bot.settings import Settings

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
ActionHandler = Callable[[Turn, str], "Outbound | Reply | None"]


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _normalise_label(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).casefold() if ch.isalnum())


class Assistant:
    """The channel-agnostic bot: menus, profile and navigation."""

    def __init__(
        self,
        settings: Settings,
        content: Content,
        sessions: sessionmaker[Session],
        knowledge: Preloaded[KnowledgeBase],
        retriever: Preloaded[Retriever],
        nlu: NluService,
        clock: Clock = utcnow,
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
        self._actions: dict[str, ActionHandler] = {
            "go": self._go,
            "st": self._press_station,
            screens.GROUP_VERB: screens.explain_group,
            "lang": self._set_language,
            "consent": self._set_consent,
            "kb": self._open_entry,
            "tp": self._open_topic,
            "law": self._show_law,
            "up": lambda turn, key: self._rate(turn, key, helpful=True),
            "down": lambda turn, key: self._rate(turn, key, helpful=False),
            **lecture_actions.VERBS,
            RATE_VERB: handoff.rate,
            aid_form.VERB: aid_form.press,
            privacy.VERB: privacy.press,
            mediation_intake.VERB: mediation_intake.press,  # mediation (t14)
            mediation_parties.VERB: mediation_parties.press,  # mediation (t14)
        }
        # Screens that read typed answers (forms): the handler returns None when no form is in progress.
        self._forms: dict[str, Callable[[Turn, str], Reply | None]] = {
            lecture_request_form.NODE: lecture_request_form.take_text,
            aid_form.NODE: aid_form.take_text,
            mediation_intake.NODE: mediation_intake.take_text,  # mediation (t14)
            "stations": screens.take_station_name,
        }
        # Screens that ask for a station take a shared location as their answer; elsewhere it shows the nearest.
        self._locations: dict[str, Callable[[Turn, Station, float], Reply | None]] = {
            aid_form.NODE: aid_form.take_location,
            mediation_intake.NODE: mediation_intake.take_location,  # mediation (t14)
        }
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

    def handle(self, inbound: Inbound) -> Reply:
        """Handle one inbound exactly once and return what to show.

        Slow work comes first and outside the transaction: a short read decides whether typed text will be a
        question, NLU and retrieval classify it, and only then the user's row is locked for the short write.
        """
        understood = self._understand_outside(inbound)
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
            turn = Turn(self, repos, user, now, understood=understood)
            reply = self._dispatch(turn, inbound)
            self._record(turn, inbound, reply)
            return reply

    def _understand_outside(self, inbound: Inbound) -> consult.Understanding | None:
        """NLU and retrieval for typed text that will reach consultation, with no transaction open while they run."""
        text = inbound.text
        if inbound.kind is not InboundKind.TEXT or not inbound.private_chat or not any(ch.isalpha() for ch in text):
            return None
        if len(text) > self.settings.max_text_length or _normalise_label(text) in self._labels:
            return None
        with self.sessions() as session:  # read what is needed, then release before classifying
            repos = Repositories(session)
            user = repos.users.find(inbound.channel, inbound.user_id)
            if user is not None and user.conversation is not None:
                turn = Turn(self, repos, user, self.clock())
                if flood.over(turn) or self._form_in_progress(turn) \
                        or repos.handoff.tickets.active_for(user.id) is not None:
                    return None
        return consult.Understanding.of(self, text)

    def _form_in_progress(self, turn: Turn) -> str | None:
        """The form node whose answers the resident is typing, if any."""
        screen = turn.conversation.screen
        if screen == aid_form.NODE and aid_form.current_draft(turn) is not None:
            return screen
        if screen == lecture_request_form.NODE and turn.conversation.data.get(lecture_request_form.DRAFT):
            return screen
        if screen == mediation_intake.NODE and turn.conversation.data.get(mediation_intake.DRAFT):  # mediation (t14)
            return screen
        return None

    def _dispatch(self, turn: Turn, inbound: Inbound) -> Reply:
        if flood.count(turn):
            log.info("flood limit reached by user %s", turn.user.id)
            return flood.answer(turn)
        # While staff have the conversation the bot is silent and relays; a ticket's rating comment is taken here too.
        # A form in progress keeps its typed answers and its /cancel, even while a ticket is open.
        handed_over = handoff.intercept(turn, inbound, form_in_progress=self._form_in_progress(turn) is not None)
        if handed_over is not None:
            return handed_over
        kind = inbound.kind
        if kind is InboundKind.COMMAND:
            node = self.content.menu.by_command.get(inbound.command)
            if node is None:
                return self._hint(turn, "unknown_command")
            # mediation (t14): /start m_<token> opens an invitation to mediate
            invited = mediation_parties.open_invitation(turn, inbound.payload) if node.command == "start" else None
            if invited is not None:
                return invited
            return Reply([screens.show_node(turn, node.id)])
        if kind is InboundKind.BUTTON:
            return self._press(turn, inbound.button_data)
        if kind is InboundKind.TEXT:
            return self._text(turn, inbound.text)
        if kind is InboundKind.LOCATION and inbound.location is not None:
            return self._located(turn, inbound.location)
        if kind is InboundKind.MEDIA:
            if turn.conversation.screen == aid_form.NODE:
                return aid_form.take_file(turn, inbound.file, inbound.file_content)
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
        form = self._forms.get(turn.conversation.screen)
        answered = form(turn, text) if form else None
        if answered is not None:
            return answered
        if not any(ch.isalpha() for ch in text):
            return self._hint(turn, "not_understood")
        if handoff.context(turn).is_urgent(text):
            return self._urgent(turn, text)
        return consult.ask(turn, text)

    def _urgent(self, turn: Turn, text: str) -> Reply:
        """An emergency gets the emergency numbers and an urgent ticket, and still the answer to its question."""
        ticket = handoff.open_ticket(turn, "urgent", text)
        answer = consult.ask(turn, text)
        found = answer.outcome or Outcome("miss")
        if found.kind in ("handoff", "miss"):  # no answer, only the way to staff: the ticket says it all
            return Reply([ticket], outcome=Outcome("urgent", topic=found.topic, topics=found.topics))
        return Reply([ticket] + answer.messages, outcome=Outcome("urgent", found.entries, found.topic, found.topics))

    def _hint(self, turn: Turn, key: str, **values) -> Reply:
        """A short explanation, with the buttons of the screen the user is still on."""
        current = self.current_screen(turn)
        return Reply([Outbound(turn.t(key, **values).strip(), current.buttons)])

    def current_screen(self, turn: Turn) -> Outbound:
        """Render the screen the user is on again, without changing anything."""
        conversation = turn.conversation
        node_id = conversation.screen if conversation.screen in self.content.menu.nodes else self.content.menu.root
        return screens.show_node(turn, node_id, conversation.data.get("arg", ""))

    def _go(self, turn: Turn, node_id: str) -> Outbound | None:
        if node_id not in self.content.menu.nodes:
            return None
        return screens.show_node(turn, node_id)

    def _open_entry(self, turn: Turn, key: str) -> Outbound | None:
        entry = self.knowledge.by_key.get(key)
        return consult.open_entry(turn, entry) if entry else None

    def _open_topic(self, turn: Turn, arg: str) -> Outbound | None:
        topic, _, page = arg.partition(".")
        if topic not in self.knowledge.topics or (page and not page.isdigit()):
            return None
        return screens.show_node(turn, consult.NODE, f"t.{topic}.{page or 1}")

    def _show_law(self, turn: Turn, key: str) -> Reply | None:
        entry = self.knowledge.by_key.get(key)
        return consult.law_text(turn, entry) if entry else None

    def _rate(self, turn: Turn, key: str, helpful: bool) -> Outbound | None:
        entry = self.knowledge.by_key.get(key)
        return consult.rate(turn, entry, helpful) if entry else None

    def _press_station(self, turn: Turn, station_id: str) -> Outbound | None:
        if station_id == screens.CENTRE and self.stations.centre is not None:
            return screens.show_node(turn, "stations", screens.CENTRE)
        station = self.stations.get(station_id)
        return self.choose_station(turn, station) if station is not None else None

    def choose_station(self, turn: Turn, station: Station) -> Outbound:
        """Show the station's card and remember it as the user's station (with consent)."""
        outbound = screens.show_node(turn, "stations", station.id)
        outbound.text += "\n\n" + self._remember_station(turn, station.id)
        return outbound

    def _located(self, turn: Turn, point: tuple[float, float]) -> Reply:
        """A shared location answers the screen's question for a station, or shows the nearest station."""
        station, km = self.stations.nearest(point)
        take = self._locations.get(turn.conversation.screen)
        answered = take(turn, station, km) if take else None
        return answered if answered is not None else Reply([self._nearest_station(turn, station, km)])

    def _nearest_station(self, turn: Turn, station: Station, km: float) -> Outbound:
        outbound = screens.show_node(turn, "stations", station.id)
        note = self._remember_station(turn, station.id)
        if not turn.consented:
            note = f"{note}\n{turn.t('location_without_consent')}"
        outbound.text = f"{screens.nearest_note(turn, station, km)}\n{outbound.text}\n\n{note}"
        return outbound

    def _remember_station(self, turn: Turn, station_id: str) -> str:
        if not turn.consented:
            return turn.t("consent_needed_for_station")
        turn.user.station_id = station_id
        return turn.t("station_saved")

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
            note = privacy.withdraw(turn) if user.consent == "granted" else turn.t("consent_declined")
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
        """Whether the channel should download the inbound's file: only for an application step that will keep it."""
        if inbound.file is None or not inbound.private_chat:
            return False
        with self.sessions() as session:
            repos = Repositories(session)
            user = repos.users.find(inbound.channel, inbound.user_id)
            if user is None or user.conversation is None or user.conversation.screen != aid_form.NODE:
                return False
            return aid_form.wants_file(Turn(self, repos, user, self.clock()), inbound.file) is None

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
            if dry_run:
                session.rollback()
            else:
                session.commit()
        return counts
