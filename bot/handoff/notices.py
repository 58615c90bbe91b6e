"""Messages about a ticket to people other than the one acting, written to the notifications outbox."""

from __future__ import annotations

from datetime import datetime

from bot.core.callbacks import Action
from bot.core.messages import Button, Outbound
from bot.db.models import Ticket
from bot.db.repositories import Repositories
from bot.handoff.context import HandoffContext
from bot.core.masking import mask_text
from bot.handoff.permissions import VIEW_PERSONAL_DATA
from bot.handoff.repository import CLAIMED, URGENT, desk_channel
from bot.handoff.summary import phone_for

CLAIM_VERB = "tk"
RATE_VERB = "rate"
HELD = "held"  # ticket.summary key: what the resident sent while the ticket waited, for its claimer alone
HELD_LIMIT = 30


def age_minutes(ticket: Ticket, now: datetime) -> int:
    return int((now - ticket.opened_at).total_seconds() // 60)


def urgent_mark(ctx: HandoffContext, ticket: Ticket) -> str:
    return " " + ctx.t("desk_urgent_mark") if ticket.priority == URGENT else ""


def card(ctx: HandoffContext, ticket: Ticket, now: datetime, reveal: bool = False) -> str:
    """The ticket as staff see it. Phone numbers stay masked except in the claimer's own copy (`reveal`)."""
    summary = ticket.summary or {}
    claimed = reveal and ticket.status == CLAIMED
    said = "\n".join(f"· {line if claimed else mask_text(line)}" for line in summary.get("messages") or [])
    said = said or ctx.t("desk_no_messages")
    context = "\n".join(f"· {line if claimed else mask_text(line)}" for line in summary.get("context") or []) or "—"
    return ctx.t(
        "desk_ticket_card",
        id=ticket.id,
        urgent=urgent_mark(ctx, ticket),
        station=ctx.station_name(ticket.station_id),
        topic=ctx.topic_name(summary.get("topic")),
        phone=phone_for(summary, claimed=claimed),
        reason=ctx.t(f"desk_reason_{ticket.reason}"),
        age=age_minutes(ticket, now),
        messages=said,
        context=context,
    )


def claim_button(ctx: HandoffContext, ticket: Ticket) -> list[list[Button]]:
    return [[Button(ctx.t("desk_claim_button"), Action(CLAIM_VERB, str(ticket.id)).encode())]]


def rating_buttons(ticket: Ticket) -> list[list[Button]]:
    return [[Button("⭐" * score, Action(RATE_VERB, f"{ticket.id}.{score}").encode()) for score in range(1, 6)]]


def _channel(ticket: Ticket) -> str:
    return desk_channel(ticket.user.channel)


def post_new(ctx: HandoffContext, repos: Repositories, ticket: Ticket, now: datetime, text: str | None = None) -> bool:
    """Post an open ticket with its claim button: to its staff group, else to each member of its station's staff.
    False when there was nobody to post it to."""
    message = Outbound(text or card(ctx, ticket, now), claim_button(ctx, ticket))
    about = ticket.user_id
    if ticket.group is not None:
        repos.notifications.add(ticket.group.recipient_id, message, now, about=about)
        return True
    members = repos.handoff.staff.of_station(_channel(ticket), ticket.station_id)
    for member in members:
        repos.notifications.add(repos.handoff.recipient(member.channel, member.external_id).id, message, now,
                                about=about)
    return bool(members)


def to_duty(ctx: HandoffContext, repos: Repositories, ticket: Ticket, now: datetime, text: str) -> bool:
    """Tell the district duty desk; False when none is configured."""
    chat = ctx.config.duty_chat_id
    if not chat:
        return False
    recipient = repos.handoff.recipient(_channel(ticket), chat)
    repos.notifications.add(recipient.id, Outbound(text, claim_button(ctx, ticket)), now)
    return True


def to_supervisors(ctx: HandoffContext, repos: Repositories, ticket: Ticket, now: datetime, text: str) -> bool:
    supervisors = repos.handoff.staff.supervisors(_channel(ticket), ticket.station_id)
    for member in supervisors:
        recipient = repos.handoff.recipient(member.channel, member.external_id)
        repos.notifications.add(recipient.id, Outbound(text, claim_button(ctx, ticket)), now)
    return bool(supervisors)


def to_handler(repos: Repositories, ticket: Ticket, message: Outbound, now: datetime,
               copy_from: tuple[str, int] | None = None, about: int | None = None) -> bool:
    """Where the staff side of a conversation goes: the ticket's forum topic, else its claimer's private chat, else
    its group. False when there is nobody to tell. `about` names the resident whose words the message carries."""
    if ticket.group is not None and ticket.thread_id is not None:
        repos.notifications.add(ticket.group.recipient_id, message, now, thread_id=ticket.thread_id, copy_from=copy_from,
                                about=about)
    elif ticket.staff is not None:
        recipient = repos.handoff.recipient(ticket.staff.channel, ticket.staff.external_id)
        repos.notifications.add(recipient.id, message, now, copy_from=copy_from, about=about)
    elif ticket.group is not None:
        repos.notifications.add(ticket.group.recipient_id, message, now, copy_from=copy_from, about=about)
    else:
        return False
    return True


def to_resident(repos: Repositories, ticket: Ticket, message: Outbound, now: datetime,
                copy_from: tuple[str, int] | None = None) -> None:
    repos.notifications.add(ticket.user_id, message, now, copy_from=copy_from)


def hold(ticket: Ticket, chat_id: str, message_id: int | None, text: str | None) -> bool:
    """Keep what the resident sent while the ticket waits, for its claimer only: the message's id (the channel keeps
    its content), else its text when the resident consented (`text` is None otherwise). False when nothing was kept."""
    summary = dict(ticket.summary or {})
    held = list(summary.get(HELD) or [])
    if len(held) >= HELD_LIMIT:
        return False
    if message_id is not None:
        held.append({"chat": chat_id, "message": message_id})
    elif text:
        held.append({"text": text[:1000]})
    else:
        return False
    summary[HELD] = held
    ticket.summary = summary
    return True


def deliver_held(ctx: HandoffContext, repos: Repositories, ticket: Ticket, now: datetime) -> int:
    """Pass the messages held while the ticket waited to whoever now handles it (its topic or its claimer)."""
    summary = dict(ticket.summary or {})
    held = summary.pop(HELD, None) or []
    if not held:
        return 0
    # A claimer whose role may not see personal data gets text masked and no files.
    full = ctx.permissions.allows(ticket.staff, VIEW_PERSONAL_DATA, ticket.station_id)
    to_handler(repos, ticket, Outbound(ctx.t("desk_held_messages", id=ticket.id, count=len(held))), now, about=ticket.user_id)
    for item in held:
        if "message" in item and full:
            to_handler(repos, ticket, Outbound(""), now, copy_from=(str(item["chat"]), int(item["message"])), about=ticket.user_id)
        elif "message" in item:
            to_handler(repos, ticket, Outbound(ctx.t("desk_resident_sent_withheld", id=ticket.id)), now,
                       about=ticket.user_id)
        else:
            text = item["text"] if full else mask_text(item["text"])
            to_handler(repos, ticket, Outbound(ctx.t("desk_resident_says", id=ticket.id, text=text)), now,
                       about=ticket.user_id)
    ticket.summary = summary
    return len(held)
