"""The console's one door to staff permissions: every page and action asks here, and here alone.

The rules are the trust issue's table (knowledge/staff_permissions.yml, checked by bot/handoff/permissions.py), the
same that the Telegram desk obeys; the console's own actions (reports, lectures, content) are rows of that table too.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.db.models import StaffMember
from bot.handoff.permissions import (  # noqa: F401 - the console names its actions from here
    ACT_FOR_OTHERS, CLAIM, CLOSE, DECIDE_LEGAL_AID, MANAGE_CONTENT, MANAGE_LECTURES, NOTE, REPLY, TRANSFER,
    VIEW_PERSONAL_DATA, VIEW_QUEUE, VIEW_REPORTS, Permissions,
)


def station_ids(member: StaffMember) -> tuple[str, ...]:
    """The member's stations; empty for district-wide staff."""
    return member.station_ids


class Access:
    """May this member do this, for this station? Refusals and views of personal data are audited."""

    def __init__(self, permissions: Permissions):
        self.permissions = permissions

    @property
    def roles(self) -> list[str]:
        return list(self.permissions.table.roles)

    def allows(self, member: StaffMember | None, action: str, station_id: str | None) -> bool:
        return self.permissions.allows(member, action, station_id)

    def stations_for(self, member: StaffMember, action: str) -> tuple[str, ...] | None:
        """The stations the member may do `action` for: None for every station, () for none."""
        return self.permissions.stations_for(member, action)

    def check(self, session: Session, member: StaffMember, action: str, station_id: str | None, now: datetime,
              ticket_id: int | None = None, detail: str = "") -> bool:
        """`allows`, with a refusal written to the audit log."""
        return self.permissions.check(session, member, action, station_id, now, ticket_id,
                                      detail=f"console {detail}".strip())

    def unmask(self, session: Session, member: StaffMember, station_id: str | None, what: str, now: datetime,
               ticket_id: int | None = None) -> bool:
        """May this member see `what` unmasked? Every use and every refusal is audited."""
        return self.permissions.unmask(session, member, station_id, f"console {what}", now, ticket_id)

    def role_name(self, member: StaffMember, texts, lang: str) -> str:
        return self.permissions.table.role_name(member.role, lang)
