"""Mediation's hooks into today's staff desk and job queue, kept in one place so they move onto the plug-in
object of the service design as they are: desk verbs and their handler, the timer job."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Callable

from sqlalchemy.orm import Session, sessionmaker

from bot.core.callbacks import Action
from bot.db.models import StaffMember
from bot.db.repositories import Repositories
from bot.mediation import staff, timers
from bot.mediation.context import MediationContext, service_data

if TYPE_CHECKING:
    from bot.handoff.context import HandoffContext

VERBS = staff.VERBS
FIRE_TIMERS = "fire_mediation_timers"
CHECK_SECONDS = 30


def press(handoff_ctx: HandoffContext, repos: Repositories, member: StaffMember, action: Action,
          now: datetime) -> str | None:
    """A mediation button in a staff chat (✋ claim, 🔍 view): the notice, or None when the data does not resolve."""
    ctx = MediationContext(handoff_ctx.settings, handoff_ctx.texts, handoff_ctx.stations, service_data(),
                           handoff_ctx.home)
    return staff.press(ctx, repos, member, action, now)


def fire_timers(sessions: sessionmaker[Session], ctx: MediationContext, clock: Callable[[], datetime]) -> int:
    return timers.fire_due(sessions, ctx, clock)
