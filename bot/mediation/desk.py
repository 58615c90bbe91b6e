"""Mediation in the staff desk (its buttons' handler) and the timer job's name and period, as plugin.py declares them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.core.callbacks import Action
from bot.core.messages import Outbound
from bot.core.service import DeskAnswer
from bot.db.models import StaffMember
from bot.db.repositories import Repositories
from bot.mediation import staff
from bot.mediation.context import MediationContext, service_data

if TYPE_CHECKING:
    from bot.handoff.context import HandoffContext

VERBS = staff.VERBS
FIRE_TIMERS = "fire_mediation_timers"
DELIVER_DOCUMENTS = "deliver_mediation_documents"  # agreements and applications, built in a thread of their own
DOCUMENT_CHECK_SECONDS = 5
CHECK_SECONDS = 30


def press(handoff_ctx: HandoffContext, repos: Repositories, member: StaffMember, action: Action,
          now: datetime) -> DeskAnswer | None:
    """A mediation button in a staff chat (✋ claim, 🔍 view); None when the data does not resolve."""
    ctx = MediationContext(handoff_ctx.settings, handoff_ctx.texts, handoff_ctx.stations,
                           service_data(handoff_ctx.settings.forms_dir),
                           handoff_ctx.home)
    notice = staff.press(ctx, repos, member, action, now)
    if notice is None:
        return None
    case = repos.mediation.get(int(action.arg))
    if action.verb == staff.CLAIM_VERB and case.mediator_id == member.id:
        # The group's post loses its buttons and says who has the case; the story stays out of the group.
        return DeskAnswer(notice, Outbound(ctx.t("md_staff_new") + "\n" + staff.card(ctx, case)))
    return DeskAnswer(notice)
