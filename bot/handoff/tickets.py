"""The resident's side of the handoff: open a ticket, talk through staff, leave with /cancel, rate the service."""

from __future__ import annotations

import logging
from math import ceil

from bot.core.content import MenuNode
from bot.core.messages import Attachment, Inbound, InboundKind, Outbound, Reply
from bot.core.turn import Turn
from bot.db.models import Ticket
from bot.handoff import notices, summary, whistle
from bot.core.masking import mask_text
from bot.handoff.context import HandoffContext
from bot.handoff.permissions import VIEW_PERSONAL_DATA
from bot.handoff.repository import CANCELLED, CLAIMED, CLOSED, NORMAL, OPEN, URGENT, desk_channel

log = logging.getLogger(__name__)
NODE = "human"
COMMENT = "ticket_comment"  # conversation.data key: the closed ticket a typed comment belongs to
LEAVE_COMMAND = "cancel"
RIGHTS_COMMANDS = ("privacy", "mydata", "forget")  # never relayed: the bot answers them itself
RIGHTS_VERBS = ("consent", "pd")


def context(turn: Turn) -> HandoffContext:
    return HandoffContext.of(turn.assistant)


def handoff_screen(turn: Turn, node: MenuNode, arg: str) -> Outbound:
    """转人工 and /human: open a ticket, or show the one already open."""
    return open_ticket(turn, arg or "menu")


def open_ticket(turn: Turn, reason: str, text: str = "") -> Outbound:
    """Open a ticket with its summary, tell staff, and tell the resident their place, the wait and the hours."""
    ctx, repos = context(turn), turn.repos
    node = turn.assistant.content.menu.nodes[NODE]
    turn.conversation.screen = NODE
    active = repos.handoff.tickets.active_for(turn.user.id)
    if active is not None:
        return turn.screen(node, status_text(turn, ctx, active))
    urgent = reason == "urgent" or ctx.is_urgent(text)
    ticket = Ticket(
        user_id=turn.user.id, station_id=turn.user.station_id, status=OPEN, priority=URGENT if urgent else NORMAL,
        reason="urgent" if urgent else reason, summary=summary.build(turn, text, ctx.config.summary_messages),
        opened_at=turn.now, window_ends_at=turn.now,
    )
    ticket.group = repos.handoff.groups.for_station(desk_channel(turn.user.channel), turn.user.station_id)
    ticket.user = turn.user
    repos.session.add(ticket)
    repos.session.flush()
    whistle.schedule(ctx, repos, ticket, turn.now)
    repos.handoff.tickets.log(ticket.id, "resident", "opened", turn.now, detail=f"reason={ticket.reason}")
    told = notices.post_new(ctx, repos, ticket, turn.now)
    if urgent:
        duty = f"{ctx.t('desk_urgent_duty')}\n\n{notices.card(ctx, ticket, turn.now)}"
        told = notices.to_duty(ctx, repos, ticket, turn.now, duty) or told
    lines = [turn.t("handoff_emergency").strip()] if urgent else []
    # Only what really happened: staff saw the question only if someone was told and the words were kept.
    opened = "handoff_opened_nobody" if not told else "handoff_opened" if ticket.summary["messages"] else \
        "handoff_opened_unseen"
    lines.append(turn.t(opened, id=ticket.id).strip())
    lines.append(status_text(turn, ctx, ticket))
    return turn.screen(node, "\n\n".join(lines))


def status_text(turn: Turn, ctx: HandoffContext, ticket: Ticket) -> str:
    """Where the ticket stands: who has it, or the queue, the wait and when staff are in."""
    if ticket.status == CLAIMED and ticket.staff is not None:
        return turn.t("handoff_with_staff", id=ticket.id, staff=staff_name(ctx, ticket, turn.lang)).strip()
    ahead = repos_position(turn, ticket) - 1
    wait = ceil((ahead + 1) * ctx.config.expected_minutes_per_ticket)
    hours = ctx.describe_hours(ticket.station_id, turn.lang)
    station = ctx.station_name(ticket.station_id, turn.lang)
    text = turn.t("handoff_queue", id=ticket.id, ahead=ahead, wait=wait).strip()
    if ticket.priority == URGENT or whistle.staffed_now(ctx, ticket.station_id, turn.now):
        note = turn.t("handoff_hours_open", station=station, hours=hours)
    else:
        back = whistle.back_at(ctx, ticket.station_id, turn.now)
        when = ctx.local(back).strftime("%m-%d %H:%M") if back else "—"
        note = turn.t("handoff_after_hours", station=station, hours=hours, back=when)
    how = "handoff_how_to_leave" if turn.consented else "handoff_how_to_leave_without_consent"
    return f"{text}\n{note.strip()}\n{turn.t(how).strip()}"


def repos_position(turn: Turn, ticket: Ticket) -> int:
    return turn.repos.handoff.tickets.position(ticket)


def staff_name(ctx: HandoffContext, ticket: Ticket, lang: str) -> str:
    if ctx.config.show_staff_name and ticket.staff is not None:
        return ticket.staff.name
    return ctx.t("handoff_staff_anonymous", lang)


def intercept(turn: Turn, inbound: Inbound, form_in_progress: bool = False) -> Reply | None:
    """/cancel leaves a ticket. While staff have it the bot is silent and relays everything; while it waits, menus
    still work and what the resident writes or sends is passed on. A form in progress owns typed answers and its own
    /cancel. A comment after a rating is kept. None lets the assistant handle the inbound as usual."""
    ticket = turn.repos.handoff.tickets.active_for(turn.user.id)
    if ticket is None:
        return take_comment(turn, inbound)
    if form_in_progress:  # the form owns what the resident types, sends and presses, and its own /cancel
        return None
    if inbound.command in RIGHTS_COMMANDS or inbound.button_data.split(":", 1)[0] in RIGHTS_VERBS:
        return None  # privacy rights work at any time, even while staff have the conversation
    if inbound.kind is InboundKind.COMMAND and inbound.command == LEAVE_COMMAND:
        return leave(turn, ticket)
    relayable = inbound.kind in (InboundKind.TEXT, InboundKind.MEDIA)
    if ticket.status == CLAIMED and inbound.kind is InboundKind.BUTTON:
        return Reply(notice=turn.t("handoff_buttons_paused").strip())
    if ticket.status != CLAIMED and not relayable:
        return None
    if not turn.consented and inbound.kind is not InboundKind.COMMAND:
        # Passing words on means keeping them (held on the ticket, or in the outbox): without consent nothing is
        # kept, so nothing is passed on; an emergency still moves the ticket up the queue.
        urgent = mark_if_urgent(turn, ticket, inbound.text)
        current = turn.assistant.current_screen(turn)
        consent = [[turn.action_button(turn.t("consent_yes"), "consent", "yes")]]
        text = turn.t("handoff_not_passed_without_consent", id=ticket.id).strip()
        if urgent:
            text = f"{turn.t('handoff_emergency').strip()}\n\n{text}"
        return Reply([Outbound(text, consent + current.buttons)])
    if ticket.status == CLAIMED:
        if relay_from_resident(turn, ticket, inbound):
            return Reply()
        return Reply([Outbound(turn.t("handoff_not_passed_on", id=ticket.id).strip())])
    if ticket.group is None and not turn.repos.handoff.staff.of_station(desk_channel(turn.user.channel),
                                                                        ticket.station_id):
        # Nobody was told of the ticket: holding the message would promise a reader who does not exist.
        mark_if_urgent(turn, ticket, inbound.text)
        return Reply([Outbound(turn.t("handoff_not_passed_on", id=ticket.id).strip())])
    kept = hold_for_claimer(turn, ticket, inbound)
    return Reply([Outbound(turn.t("handoff_held" if kept else "handoff_not_held", id=ticket.id).strip())])


def mark_if_urgent(turn: Turn, ticket: Ticket, text: str) -> bool:
    """Whether the resident writes of a danger now; an open ticket then becomes urgent."""
    urgent = bool(text) and context(turn).is_urgent(text)
    if urgent and ticket.status == OPEN and ticket.priority != URGENT:
        ticket.priority = URGENT
        turn.repos.handoff.tickets.log(ticket.id, "resident", "became_urgent", turn.now)
    return urgent


def hold_for_claimer(turn: Turn, ticket: Ticket, inbound: Inbound) -> bool:
    """While the ticket waits nothing the resident sends is posted to the staff group: it is kept for the claimer."""
    said = inbound.text if inbound.kind is InboundKind.TEXT else ""
    mark_if_urgent(turn, ticket, said)
    kept = notices.hold(ticket, inbound.chat_id, inbound.message_id, said if turn.consented else None)
    turn.repos.handoff.tickets.log(ticket.id, "resident", "held" if kept else "not_held", turn.now,
                                   detail=inbound.kind.value)
    return kept


def relay_from_resident(turn: Turn, ticket: Ticket, inbound: Inbound) -> bool:
    """Pass what the resident sent to the claimer of the ticket (its topic or their private chat): text as text,
    anything else as a copy. False when there was nobody to pass it to."""
    ctx, repos = context(turn), turn.repos
    about = turn.user.id
    # A claimer whose role may not see personal data gets text masked and no files.
    full = ctx.permissions.allows(ticket.staff, VIEW_PERSONAL_DATA, ticket.station_id)
    if inbound.kind is InboundKind.TEXT or inbound.kind is InboundKind.COMMAND:
        said = inbound.text or f"/{inbound.command}"
        message = Outbound(ctx.t("desk_resident_says", id=ticket.id, text=said if full else mask_text(said)))
        passed = notices.to_handler(repos, ticket, message, turn.now, about=about)
    elif inbound.message_id is not None and not full:
        passed = notices.to_handler(repos, ticket, Outbound(ctx.t("desk_resident_sent_withheld", id=ticket.id)),
                                    turn.now, about=about)
    elif inbound.message_id is not None:
        passed = notices.to_handler(repos, ticket, Outbound(ctx.t("desk_resident_sent", id=ticket.id)), turn.now,
                                    about=about)
        notices.to_handler(repos, ticket, Outbound(""), turn.now, copy_from=(inbound.chat_id, inbound.message_id),
                           about=about)
    elif inbound.file is not None and inbound.file_content is not None:  # from the web: no message to copy
        attachment = Attachment(inbound.file.name or "file", inbound.file_content, inbound.file.mime_type)
        passed = notices.to_handler(repos, ticket, Outbound(ctx.t("desk_resident_sent", id=ticket.id),
                                                            attachment=attachment), turn.now, about=about)
    else:
        passed = False
    repos.handoff.tickets.log(ticket.id, "resident", "relayed" if passed else "not_relayed", turn.now,
                              detail=inbound.kind.value)
    return passed


def leave(turn: Turn, ticket: Ticket) -> Reply:
    """The resident ends the handoff: the ticket is cancelled and its handler told."""
    from bot.core import screens

    ctx, repos = context(turn), turn.repos
    ticket.status, ticket.closed_at = CANCELLED, turn.now
    repos.handoff.whistles.cancel(ticket.id)
    repos.handoff.tickets.log(ticket.id, "resident", "cancelled", turn.now)
    notices.to_handler(repos, ticket, Outbound(ctx.t("desk_resident_left", id=ticket.id)), turn.now)
    home = screens.show_node(turn, turn.assistant.content.menu.root)
    home.text = f"{turn.t('handoff_left', id=ticket.id).strip()}\n\n{home.text}"
    return Reply([home])


def rate(turn: Turn, arg: str) -> Outbound | None:
    """A 1-5 rating of a closed ticket of the resident's own, once; then an optional comment."""
    from bot.core import screens

    ticket_id, _, score = arg.partition(".")
    if not (ticket_id.isdigit() and score in ("1", "2", "3", "4", "5")):
        return None
    ticket = turn.repos.handoff.tickets.get(int(ticket_id))
    if ticket is None or ticket.user_id != turn.user.id or ticket.status != CLOSED:
        return None
    home = screens.show_node(turn, turn.assistant.content.menu.root)
    if ticket.rating is not None:
        home.text = f"{turn.t('handoff_already_rated').strip()}\n\n{home.text}"
        return home
    ticket.rating = int(score)
    turn.repos.handoff.tickets.log(ticket.id, "resident", "rated", turn.now, detail=score)
    turn.conversation.data = {**turn.conversation.data, COMMENT: ticket.id}
    home.text = f"{turn.t('handoff_rated').strip()}\n\n{home.text}"
    return home


def take_comment(turn: Turn, inbound: Inbound) -> Reply | None:
    """The first text after a rating is its comment; anything else just ends the chance to comment."""
    ticket_id = turn.conversation.data.get(COMMENT)
    if ticket_id is None:
        return None
    turn.conversation.data = {k: v for k, v in turn.conversation.data.items() if k != COMMENT}
    if inbound.kind is not InboundKind.TEXT or not inbound.text.strip():
        return None
    ticket = turn.repos.handoff.tickets.get(int(ticket_id))
    if ticket is None or ticket.user_id != turn.user.id:
        return None
    current = turn.assistant.current_screen(turn)
    if not turn.consented:  # a comment is free text: without consent it is read, thanked for, and not kept
        turn.repos.handoff.tickets.log(ticket.id, "resident", "comment_not_kept", turn.now)
        return Reply([Outbound(turn.t("handoff_comment_not_kept").strip(), current.buttons)])
    ticket.rating_comment = inbound.text.strip()[:1000]
    turn.repos.handoff.tickets.log(ticket.id, "resident", "commented", turn.now)
    return Reply([Outbound(turn.t("handoff_comment_saved").strip(), current.buttons)])
