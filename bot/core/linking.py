"""One person, one record: a one-time code shown on Telegram links a web visitor to that resident's record."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, aliased, sessionmaker

from bot.core.content import MenuNode
from bot.core.messages import Outbound
from bot.core.turn import Turn
from bot.db.models import AccountLink, LinkCode, User
from bot.db.repositories import Repositories

NODE = "link"
# Channels where a code is typed in rather than shown: a visitor there has no account of their own to offer.
REDEEMING_CHANNELS = ("web",)
CODE_DIGITS = 8  # 10^8 codes, each valid minutes, against rate-limited guessing


@dataclass(frozen=True)
class Identity:
    """Whom a channel's turns are for: a channel, the user's id there and their chat."""

    channel: str
    user_id: str
    chat_id: str


def digest(code: str) -> str:
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def link_screen(turn: Turn, node: MenuNode, arg: str) -> Outbound:
    """On Telegram: a fresh code to type into the web chat. On the web: how to get one."""
    if turn.user.channel in REDEEMING_CHANNELS:
        return turn.screen(node, turn.t("link_how_on_web"))
    if not turn.consented:
        return turn.screen(node, turn.t("link_needs_consent"))
    minutes = turn.assistant.settings.web.link_code_minutes
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    session = turn.repos.session
    session.execute(delete(LinkCode).where(LinkCode.user_id == turn.user.id))  # only the newest code works
    session.add(LinkCode(code_hash=digest(code), user_id=turn.user.id, created_at=turn.now,
                         expires_at=turn.now + timedelta(minutes=minutes)))
    return turn.screen(node, turn.t("link_code", code=code, minutes=minutes))


def redeem(sessions: sessionmaker[Session], channel: str, visitor: str, code: str, now: datetime) -> Identity | None:
    """Use a code once: the visitor is linked to the code's owner, whose identity is returned; None if it is no code."""
    code = code.strip()
    if not (code.isdigit() and len(code) == CODE_DIGITS):
        return None
    with sessions() as session, session.begin():
        row = session.get(LinkCode, digest(code), with_for_update=True)
        if row is None:
            return None
        session.delete(row)
        if row.expires_at < now:
            return None
        owner = session.get(User, row.user_id)
        web_user = Repositories(session).users.find_or_create(channel, visitor, visitor, owner.language)
        session.merge(AccountLink(web_user_id=web_user.id, user_id=owner.id, linked_at=now))
        return _identity_of(owner)


def linked(sessions: sessionmaker[Session], channel: str, visitor: str) -> Identity | None:
    """The record a visitor was linked to, if any."""
    web_user = aliased(User)
    with sessions() as session:
        owner = session.scalar(
            select(User).join(AccountLink, AccountLink.user_id == User.id)
            .join(web_user, AccountLink.web_user_id == web_user.id)
            .where(web_user.channel == channel, web_user.external_id == visitor)
        )
        return _identity_of(owner) if owner else None


def _identity_of(user: User) -> Identity:
    chat = user.conversation.chat_id if user.conversation else user.external_id
    return Identity(user.channel, user.external_id, chat)
