"""Sign-in without passwords: the bot sends a one-time link to the member's own chat; the link opens a session.

Only hashes of tokens are stored, so a copy of the database signs nobody in. A link works once and for minutes; a
session ends at sign-out, after a working day, or after an idle hour (ConsoleConfig).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.core.content import Texts
from bot.core.messages import Outbound
from bot.db.models import ConsoleLink, ConsoleSession, StaffMember
from bot.db.repositories import Repositories
from bot.settings import ConsoleConfig

STAFF_LANG = "zh"
SEEN_EVERY = timedelta(minutes=1)  # how often a request moves the session's last-seen time


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/staff/signin/{token}"


def issue_link(session: Session, texts: Texts, config: ConsoleConfig, member: StaffMember, now: datetime) -> str:
    """A fresh one-time link for the member, as the message that carries it."""
    token = secrets.token_urlsafe(32)
    session.add(ConsoleLink(token_hash=digest(token), staff_id=member.id, created_at=now,
                            expires_at=now + timedelta(minutes=config.link_minutes)))
    Repositories(session).handoff.tickets.log(None, member.name, "console_link", now, staff_id=member.id)
    return texts.get("console_link_message", STAFF_LANG, url=link_url(config.base_url, token),
                     minutes=config.link_minutes).strip()


def send_link(session: Session, texts: Texts, config: ConsoleConfig, member: StaffMember, now: datetime) -> None:
    """Write a fresh link to the member's private chat through the outbox."""
    repos = Repositories(session)
    chat = repos.handoff.recipient(member.channel, member.external_id)
    repos.notifications.add(chat.id, Outbound(issue_link(session, texts, config, member, now)), now)


def link_screen(turn, node, arg: str) -> Outbound:
    """/console in a staff member's own chat: the link, there and then; anyone else is told it is for staff."""
    member = find_member(turn.repos.session, turn.user.channel, turn.user.external_id)
    settings = turn.assistant.settings
    if member is None:
        return turn.screen(node, turn.t("console_staff_only"))
    return turn.screen(node, issue_link(turn.repos.session, turn.assistant.content.texts, settings.console, member,
                                        turn.now))


@dataclass(frozen=True)
class SignedIn:
    token: str  # for the cookie, never stored
    csrf: str
    staff_id: int


def redeem(session: Session, token: str, config: ConsoleConfig, now: datetime) -> SignedIn | None:
    """Use a link once, in one conditional statement: of two uses at once exactly one gets a session."""
    statement = (
        update(ConsoleLink)
        .where(ConsoleLink.token_hash == digest(token), ConsoleLink.used_at.is_(None), ConsoleLink.expires_at > now)
        .values(used_at=now)
        .returning(ConsoleLink.staff_id)
    )
    staff_id = session.execute(statement).scalar()
    if staff_id is None:
        return None
    member = session.get(StaffMember, staff_id)
    if member is None or not member.active:
        return None
    signed_in = SignedIn(secrets.token_urlsafe(32), secrets.token_urlsafe(24), member.id)
    session.add(ConsoleSession(token_hash=digest(signed_in.token), staff_id=member.id, csrf=signed_in.csrf,
                               created_at=now, seen_at=now,
                               expires_at=now + timedelta(hours=config.session_hours)))
    Repositories(session).handoff.tickets.log(None, member.name, "console_signin", now, staff_id=member.id)
    return signed_in


def current(session: Session, token: str, config: ConsoleConfig, now: datetime) -> ConsoleSession | None:
    """The live session of this cookie, its staff member still active; moves its last-seen time."""
    row = session.scalar(select(ConsoleSession).where(ConsoleSession.token_hash == digest(token)))
    if row is None or row.ended_at is not None or row.expires_at <= now:
        return None
    if row.seen_at + timedelta(minutes=config.idle_minutes) <= now or not row.staff.active:
        row.ended_at = now
        return None
    if now - row.seen_at >= SEEN_EVERY:
        row.seen_at = now
    return row


def sign_out(session: Session, token: str, now: datetime) -> None:
    row = session.scalar(select(ConsoleSession).where(ConsoleSession.token_hash == digest(token)))
    if row is not None and row.ended_at is None:
        row.ended_at = now
        Repositories(session).handoff.tickets.log(None, row.staff.name, "console_signout", now, staff_id=row.staff_id)


def find_member(session: Session, channel: str, external_id: str) -> StaffMember | None:
    """An active registered member, by their id on the chat channel."""
    member = Repositories(session).handoff.staff.find(channel, external_id)
    return member if member is not None and member.active else None
