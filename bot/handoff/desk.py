"""The staff desk: registered staff claim, answer, transfer and close tickets from their group or private chat."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

from sqlalchemy.orm import Session, sessionmaker

from bot.core.callbacks import Action
from bot.core.messages import Outbound
from bot.core.service import DeskAnswer
from bot.db.models import StaffMember, Ticket
from bot.db.repositories import Repositories
from bot.handoff import notices, whistle
from bot.handoff.context import HandoffContext
from bot.handoff.permissions import (ACT_FOR_OTHERS, CLAIM, CLOSE, NOTE, REPLY, TRANSFER, VIEW_PERSONAL_DATA,
                                     VIEW_QUEUE)
from bot.handoff.repository import CLAIMED, CLOSED, OPEN

log = logging.getLogger(__name__)
COMMANDS = ("queue", "mine", "close", "transfer", "note", "reply")


@dataclass(frozen=True)
class StaffInbound:
    """Something done in a staff chat: a button press, a command, or a message (in a ticket's topic)."""

    channel: str
    user_id: str
    chat_id: str
    kind: str  # "button", "command" or "message"
    text: str = ""
    command: str = ""
    button_data: str = ""
    message_id: int | None = None
    thread_id: int | None = None
    forum: bool = False
    private: bool = False
    update_key: str | None = None


@dataclass(frozen=True)
class TopicRequest:
    """Ask the channel to open a forum topic for a claimed ticket, then report it with StaffDesk.topic_opened."""

    ticket_id: int
    chat_id: str
    name: str


@dataclass
class StaffReply:
    messages: list[Outbound] = field(default_factory=list)
    notice: str | None = None
    edit: Outbound | None = None
    open_topic: TopicRequest | None = None
    handled: bool = True


def is_desk_button(data: str, verbs=()) -> bool:
    """Claim buttons, and other services' staff buttons (legal-aid applications), are staff work anywhere."""
    return data.split(":", 1)[0] in (notices.CLAIM_VERB, *verbs) and ":" in data


class StaffDesk:
    """Channel-agnostic: a channel hands over plain StaffInbounds and shows the StaffReply."""

    def __init__(self, sessions: sessionmaker[Session], ctx: HandoffContext, clock: Callable[[], datetime]):
        self.sessions = sessions
        self.ctx = ctx
        self.clock = clock

    def wants(self, inbound: StaffInbound) -> bool:
        """Whether this inbound is for the desk: anything in a staff group, or a registered member's desk action."""
        with self.sessions() as session:
            repos = Repositories(session)
            if not inbound.private:
                return repos.handoff.groups.by_chat(inbound.channel, inbound.chat_id) is not None
            is_desk_action = inbound.command in COMMANDS or is_desk_button(inbound.button_data, self.ctx.desk_verbs)
            return is_desk_action and repos.handoff.staff.find(inbound.channel, inbound.user_id) is not None

    def handle(self, inbound: StaffInbound) -> StaffReply:
        """Act for a registered member of staff, once per update; refuse anyone else without effect."""
        with self.sessions() as session, session.begin():
            repos = Repositories(session)
            now = self.clock()
            if inbound.update_key and not repos.updates.claim(inbound.channel, inbound.update_key, now):
                return StaffReply(handled=False)
            staff = repos.handoff.staff.find(inbound.channel, inbound.user_id)
            if staff is None:
                return self._refuse(repos, inbound, now)
            if inbound.kind == "button":
                return self._press(repos, staff, inbound, now)
            if inbound.kind == "command":
                return self._command(repos, staff, inbound, now)
            return self._message(repos, staff, inbound, now)

    def topic_opened(self, ticket_id: int, thread_id: int) -> None:
        """Bind the new forum topic to the ticket and put the full card, phone included, at its top."""
        with self.sessions() as session, session.begin():
            repos = Repositories(session)
            now = self.clock()
            ticket = repos.handoff.tickets.get(ticket_id)
            if ticket is None or ticket.group is None:
                return
            ticket.thread_id = thread_id
            repos.notifications.add(ticket.group.recipient_id, Outbound(notices.card(self.ctx, ticket, now)), now,
                                    thread_id=thread_id, about=ticket.user_id)
            if ticket.staff is not None:
                self._card_to_claimer(repos, ticket.staff, ticket, now, self.ctx.t("desk_topic_hint"))
            notices.deliver_held(self.ctx, repos, ticket, now)

    def topic_failed(self, ticket_id: int) -> None:
        """No forum topic could be opened: the claimer gets the card and what the resident sent, in private."""
        with self.sessions() as session, session.begin():
            repos = Repositories(session)
            now = self.clock()
            ticket = repos.handoff.tickets.get(ticket_id)
            if ticket is None or ticket.staff is None or ticket.status != CLAIMED:
                return
            self._card_to_claimer(repos, ticket.staff, ticket, now, self.ctx.t("desk_reply_hint", id=ticket.id))
            notices.deliver_held(self.ctx, repos, ticket, now)

    def _refuse(self, repos: Repositories, inbound: StaffInbound, now: datetime) -> StaffReply:
        if inbound.kind == "message":
            return StaffReply()  # people chatting in the group: none of the desk's business
        repos.handoff.tickets.log(None, f"{inbound.channel}:{inbound.user_id}", "refused", now,
                                  detail=inbound.kind + ":" + (inbound.button_data or inbound.command))
        log.info("refused desk %s from unregistered user in chat %s", inbound.kind, inbound.chat_id)
        return StaffReply(notice=self.ctx.t("desk_not_staff"))

    # --- buttons ---------------------------------------------------------------------------------------------

    def _press(self, repos: Repositories, staff: StaffMember, inbound: StaffInbound, now: datetime) -> StaffReply:
        action = Action.decode(inbound.button_data)
        if action is not None and action.verb in self.ctx.desk_verbs:
            answer = self.ctx.desk_verbs[action.verb](self.ctx, repos, staff, action, now)
            if isinstance(answer, DeskAnswer):
                return StaffReply(notice=answer.notice, edit=answer.edit)
            if answer is not None:
                return StaffReply(notice=answer)
        ticket = None
        if action is not None and action.verb == notices.CLAIM_VERB and action.arg.isdigit():
            ticket = repos.handoff.tickets.get(int(action.arg))
        if ticket is None:
            repos.handoff.tickets.log(None, staff.name, "bad_button", now, detail=inbound.button_data[:64],
                                      staff_id=staff.id)
            return StaffReply(notice=self.ctx.t("desk_button_expired"))
        if not self.ctx.permissions.check(repos.session, staff, CLAIM, ticket.station_id, now, ticket.id):
            return StaffReply(notice=self.ctx.t("desk_not_permitted"))
        return self._claim(repos, staff, ticket, inbound, now)

    def _claim(self, repos: Repositories, staff: StaffMember, ticket: Ticket, inbound: StaffInbound,
               now: datetime) -> StaffReply:
        ctx, tickets = self.ctx, repos.handoff.tickets
        if not tickets.claim(ticket.id, staff.id, now):
            tickets.log(ticket.id, staff.name, "claim_refused", now, staff_id=staff.id)
            ticket = tickets.get(ticket.id)
            if ticket.status == CLAIMED and ticket.staff is not None:
                return StaffReply(notice=ctx.t("desk_taken_by", id=ticket.id, staff=ticket.staff.name))
            return StaffReply(notice=ctx.t("desk_not_open", id=ticket.id))
        ticket = tickets.get(ticket.id)
        repos.handoff.whistles.cancel(ticket.id)
        late = now > ticket.window_ends_at
        tickets.log(ticket.id, staff.name, "claimed", now, staff_id=staff.id, detail="late" if late else "in_window")
        lang = ticket.user.language
        told = ctx.t("handoff_claimed", lang, id=ticket.id, staff=self._name(ticket, lang))
        notices.to_resident(repos, ticket, Outbound(told), now)
        done = Outbound(ctx.t("desk_claimed", id=ticket.id, staff=staff.name))
        in_forum_group = inbound.forum and ticket.group is not None and ticket.group.chat_id == inbound.chat_id
        if in_forum_group and ticket.thread_id is None:
            name = ctx.t("desk_topic_name", id=ticket.id, station=ctx.station_name(ticket.station_id))
            return StaffReply(edit=done, open_topic=TopicRequest(ticket.id, inbound.chat_id, name))
        if ticket.thread_id is None:
            # No topic: relays go to the claimer's private chat.
            self._card_to_claimer(repos, staff, ticket, now, ctx.t("desk_reply_hint", id=ticket.id))
        notices.deliver_held(ctx, repos, ticket, now)  # to the topic, or the claimer's private chat
        return StaffReply(edit=done)

    def _card_to_claimer(self, repos: Repositories, staff: StaffMember, ticket: Ticket, now: datetime,
                         hint: str) -> None:
        """The card in the claimer's private chat: unmasked only when their role may see personal data (audited)."""
        recipient = repos.handoff.recipient(staff.channel, staff.external_id)
        permissions = self.ctx.permissions
        # A role that never sees personal data simply gets the masked card; no refusal to audit.
        reveal = permissions.allows(staff, VIEW_PERSONAL_DATA, ticket.station_id) and permissions.unmask(
            repos.session, staff, ticket.station_id, f"ticket={ticket.id}", now, ticket.id)
        card = notices.card(self.ctx, ticket, now, reveal=reveal)
        if not reveal:
            card += "\n" + self.ctx.t("desk_card_masked_note")
        card = f"{card}\n\n{hint}"
        repos.notifications.add(recipient.id, Outbound(card), now, about=ticket.user_id)

    # --- commands --------------------------------------------------------------------------------------------

    def _command(self, repos: Repositories, staff: StaffMember, inbound: StaffInbound, now: datetime) -> StaffReply:
        words = inbound.text.split()[1:]
        command = inbound.command
        permissions = self.ctx.permissions
        if command in ("queue", "mine"):
            stations = permissions.stations_for(staff, VIEW_QUEUE)
            if stations == ():
                permissions.check(repos.session, staff, VIEW_QUEUE, None, now)
                return self._reply(self.ctx.t("desk_not_permitted"))
            repos.handoff.tickets.log(None, staff.name, f"viewed_{command}", now, staff_id=staff.id)
            listed = self._queue(repos, stations, now) if command == "queue" else self._mine(repos, staff, now)
            return self._reply(listed)
        if command not in COMMANDS:
            return StaffReply()
        ticket, words = self._ticket_of(repos, inbound, words)
        if ticket is None:
            return self._reply(self.ctx.t("desk_which_ticket", command=command))
        action = NOTE if command == "note" else CLOSE if command == "close" else TRANSFER if command == "transfer" \
            else REPLY
        if not permissions.check(repos.session, staff, action, ticket.station_id, now, ticket.id):
            return self._reply(self.ctx.t("desk_not_permitted"))
        if command == "note":
            repos.handoff.tickets.log(ticket.id, staff.name, "note", now, detail=" ".join(words), staff_id=staff.id)
            return self._reply(self.ctx.t("desk_note_saved", id=ticket.id))
        if not self._may_handle(staff, ticket):
            repos.handoff.tickets.log(ticket.id, staff.name, "refused", now, detail=command, staff_id=staff.id)
            return self._reply(self.ctx.t("desk_not_yours", id=ticket.id))
        if command == "close":
            return self._reply(self._close(repos, staff, ticket, now))
        if command == "transfer":
            return self._reply(self._transfer(repos, staff, ticket, words, now))
        text = " ".join(words)
        if not text:
            return self._reply(self.ctx.t("desk_reply_usage"))
        self._relay_to_resident(repos, staff, ticket, now, text=text)
        return StaffReply()

    def _ticket_of(self, repos: Repositories, inbound: StaffInbound, words: list[str]) -> tuple[Ticket | None, list[str]]:
        """The ticket a command is about: the forum topic it was sent in, else a leading number (or #number)."""
        in_topic = self._ticket_in_topic(repos, inbound)
        if in_topic is not None:
            return in_topic, words
        if words and words[0].lstrip("#").isdigit():
            return repos.handoff.tickets.get(int(words[0].lstrip("#"))), words[1:]
        return None, words

    def _ticket_in_topic(self, repos: Repositories, inbound: StaffInbound) -> Ticket | None:
        if inbound.private or inbound.thread_id is None:
            return None
        group = repos.handoff.groups.by_chat(inbound.channel, inbound.chat_id)
        return repos.handoff.tickets.by_thread(group.id, inbound.thread_id) if group else None

    def _may_handle(self, staff: StaffMember, ticket: Ticket) -> bool:
        """The claimer, or someone whose role may act for others at the ticket's station."""
        if ticket.status != CLAIMED:
            return False
        return ticket.staff_id == staff.id or self.ctx.permissions.allows(staff, ACT_FOR_OTHERS, ticket.station_id)

    def _queue(self, repos: Repositories, stations: tuple[str, ...] | None, now: datetime) -> str:
        return self._ticket_list(repos.handoff.tickets.queue(stations), "desk_queue", "desk_queue_empty", now)

    def _mine(self, repos: Repositories, staff: StaffMember, now: datetime) -> str:
        return self._ticket_list(repos.handoff.tickets.mine(staff.id), "desk_mine", "desk_mine_empty", now)

    def _ticket_list(self, tickets: list[Ticket], heading: str, empty: str, now: datetime) -> str:
        if not tickets:
            return self.ctx.t(empty)
        lines = [self.ctx.t("desk_queue_line", id=t.id, urgent=notices.urgent_mark(self.ctx, t),
                            station=self.ctx.station_name(t.station_id), age=notices.age_minutes(t, now))
                 for t in tickets]
        return self.ctx.t(heading, lines="\n".join(lines))

    def _close(self, repos: Repositories, staff: StaffMember, ticket: Ticket, now: datetime) -> str:
        ctx = self.ctx
        ticket.status, ticket.closed_at = CLOSED, now
        repos.handoff.whistles.cancel(ticket.id)
        repos.handoff.tickets.log(ticket.id, staff.name, "closed", now, staff_id=staff.id)
        lang = ticket.user.language
        if ticket.user.conversation is not None:
            ticket.user.conversation.screen = ctx.home
        ask = Outbound(ctx.t("handoff_closed", lang, id=ticket.id), notices.rating_buttons(ticket))
        notices.to_resident(repos, ticket, ask, now)
        return ctx.t("desk_closed", id=ticket.id)

    def _transfer(self, repos: Repositories, staff: StaffMember, ticket: Ticket, words: list[str],
                  now: datetime) -> str:
        """To another member of staff (their id on the channel) or to another station's queue."""
        ctx = self.ctx
        target = words[0] if words else ""
        lang = ticket.user.language
        other = repos.handoff.staff.find(staff.channel, target) if target else None
        if other is not None and other.id != staff.id:
            if not ctx.permissions.allows(other, CLAIM, ticket.station_id):
                repos.handoff.tickets.log(ticket.id, staff.name, "refused", now, staff_id=staff.id,
                                          detail=f"transfer to staff={other.id} not permitted")
                return ctx.t("desk_transfer_not_permitted", id=ticket.id, target=other.name)
            ticket.staff_id = other.id
            repos.session.flush()
            repos.session.refresh(ticket)
            repos.handoff.tickets.log(ticket.id, staff.name, "transferred", now, staff_id=staff.id,
                                      detail=f"staff={other.id}")
            self._card_to_claimer(repos, other, ticket, now, ctx.t("desk_transfer_to_you", id=ticket.id,
                                                                    staff=staff.name))
            told = ctx.t("handoff_transferred", lang, id=ticket.id, target=self._name(ticket, lang))
            notices.to_resident(repos, ticket, Outbound(told), now)
            return ctx.t("desk_transferred", id=ticket.id, target=other.name)
        station = ctx.stations.resolve(target)  # an id, a division code or a name: 潞源街道, 潞源
        if station is None:
            return ctx.t("desk_transfer_unknown", target=target or "—")
        ticket.status, ticket.staff_id, ticket.station_id, ticket.thread_id = OPEN, None, station.id, None
        ticket.group = repos.handoff.groups.for_station(ticket.user.channel, station.id)
        repos.session.flush()
        repos.session.refresh(ticket)
        whistle.schedule(ctx, repos, ticket, now)
        repos.handoff.tickets.log(ticket.id, staff.name, "transferred", now, staff_id=staff.id,
                                  detail=f"station={station.id}")
        notices.post_new(ctx, repos, ticket, now)
        told = ctx.t("handoff_transferred", lang, id=ticket.id, target=station.name(lang))
        notices.to_resident(repos, ticket, Outbound(told), now)
        return ctx.t("desk_transferred", id=ticket.id, target=station.name("zh"))

    # --- messages in a ticket's topic -------------------------------------------------------------------------

    def _message(self, repos: Repositories, staff: StaffMember, inbound: StaffInbound, now: datetime) -> StaffReply:
        ticket = self._ticket_in_topic(repos, inbound)
        if ticket is None or ticket.status != CLAIMED:
            return StaffReply()
        if not self.ctx.permissions.check(repos.session, staff, REPLY, ticket.station_id, now, ticket.id):
            return self._reply(self.ctx.t("desk_not_permitted"))
        if not self._may_handle(staff, ticket):
            repos.handoff.tickets.log(ticket.id, staff.name, "refused", now, detail="message", staff_id=staff.id)
            return self._reply(self.ctx.t("desk_not_yours", id=ticket.id))
        if inbound.text:
            self._relay_to_resident(repos, staff, ticket, now, text=inbound.text)
        elif inbound.message_id is not None:
            self._relay_to_resident(repos, staff, ticket, now, copy_from=(inbound.chat_id, inbound.message_id))
        return StaffReply()

    def _relay_to_resident(self, repos: Repositories, staff: StaffMember, ticket: Ticket, now: datetime,
                           text: str = "", copy_from: tuple[str, int] | None = None) -> None:
        lang = ticket.user.language
        if text:
            notices.to_resident(repos, ticket, Outbound(self.ctx.t("handoff_staff_says", lang,
                                                                   staff=self._name(ticket, lang), text=text)), now)
        else:
            notices.to_resident(repos, ticket, Outbound(""), now, copy_from=copy_from)
        if ticket.first_reply_at is None:
            ticket.first_reply_at = now
        repos.handoff.tickets.log(ticket.id, staff.name, "replied", now, staff_id=staff.id,
                                  detail="text" if text else "media")

    def _name(self, ticket: Ticket, lang: str) -> str:
        if self.ctx.config.show_staff_name and ticket.staff is not None:
            return ticket.staff.name
        return self.ctx.t("handoff_staff_anonymous", lang)

    @staticmethod
    def _reply(text: str) -> StaffReply:
        return StaffReply([Outbound(text)])


def remove_member(ctx: HandoffContext, repos: Repositories, member: StaffMember, actor: str, now: datetime) -> list[int]:
    """Stop a member at once: they can no longer act, each ticket they held goes back to its queue, posted anew with
    the whistle re-armed, and nothing more reaches their private chat, not even what was already queued for it.
    Returns the tickets released."""
    member.active = False
    released = []
    for ticket in repos.handoff.tickets.mine(member.id):
        # A new claimer gets a new topic: the old one may be read by the member who left.
        ticket.status, ticket.staff_id, ticket.thread_id = OPEN, None, None
        repos.session.flush()
        repos.session.refresh(ticket)
        whistle.schedule(ctx, repos, ticket, now)
        repos.handoff.tickets.log(ticket.id, actor, "released", now, staff_id=member.id,
                                  detail=f"staff={member.id} removed")
        notices.post_new(ctx, repos, ticket, now)
        lang = ticket.user.language
        notices.to_resident(repos, ticket, Outbound(ctx.t("handoff_requeued", lang, id=ticket.id)), now)
        released.append(ticket.id)
    desk_chat = repos.handoff.recipient(member.channel, member.external_id)
    withdrawn = repos.notifications.withdraw_unsent(desk_chat.id, "staff member removed", now)
    repos.handoff.tickets.log(None, actor, "staff_removed", now, staff_id=member.id,
                              detail=f"staff={member.id} released={len(released)} withdrawn={withdrawn}")
    return released
