"""The console's one door to staff permissions: every page and action asks here, and here alone.

Interim: until the trust issue's permission table (knowledge/staff_permissions.yml, bot/handoff/permissions.py) is
on main, the rules below mirror it for the console's needs. When it lands this module delegates to it, and nothing
else in the console changes.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.db.models import StaffMember
from bot.db.repositories import Repositories

OWN, ALL = "own", "all"

# Desk actions, named as in the trust issue's table.
CLAIM, REPLY, CLOSE, NOTE, TRANSFER = "claim", "reply", "close", "note", "transfer"
VIEW_QUEUE, ACT_FOR_OTHERS = "view_queue", "act_for_others"
VIEW_PERSONAL_DATA, DECIDE_LEGAL_AID = "view_personal_data", "decide_legal_aid"
# The console's own: read the assessment reports, run lectures, edit content and the staff tables.
VIEW_REPORTS, MANAGE_LECTURES, MANAGE_CONTENT = "view_reports", "manage_lectures", "manage_content"

ROLES = ("station_staff", "mediator", "lawyer", "volunteer", "supervisor")
_EVERYONE = ROLES
_INTERIM = {
    CLAIM: {role: OWN for role in _EVERYONE},
    REPLY: {role: OWN for role in _EVERYONE},
    CLOSE: {role: OWN for role in _EVERYONE},
    NOTE: {role: OWN for role in _EVERYONE},
    TRANSFER: {"station_staff": OWN, "mediator": OWN, "lawyer": OWN, "supervisor": ALL},
    VIEW_QUEUE: {"station_staff": OWN, "mediator": OWN, "lawyer": OWN, "volunteer": OWN, "supervisor": ALL},
    ACT_FOR_OTHERS: {"supervisor": OWN},
    VIEW_PERSONAL_DATA: {"station_staff": OWN, "mediator": OWN, "lawyer": OWN, "supervisor": OWN},
    DECIDE_LEGAL_AID: {"station_staff": OWN, "supervisor": OWN},
    VIEW_REPORTS: {"station_staff": OWN, "supervisor": OWN},
    MANAGE_LECTURES: {"station_staff": OWN, "supervisor": OWN},
    MANAGE_CONTENT: {"supervisor": ALL},
}
_OLD_ROLES = {"officer": "station_staff"}  # main's name for the role before the trust issue's table


def _role(member: StaffMember) -> str:
    return _OLD_ROLES.get(member.role, member.role)


def station_ids(member: StaffMember) -> tuple[str, ...]:
    """The member's stations; empty for district-wide staff."""
    return (member.station_id,) if member.station_id else ()


class Access:
    """May this member do this, for this station? Refusals and views of personal data are audited."""

    def _scope(self, member: StaffMember, action: str) -> str | None:
        return _INTERIM.get(action, {}).get(_role(member))

    def allows(self, member: StaffMember | None, action: str, station_id: str | None) -> bool:
        if member is None or not member.active:
            return False
        scope = self._scope(member, action)
        if scope is None:
            return False
        stations = station_ids(member)
        return scope == ALL or station_id is None or not stations or station_id in stations

    def stations_for(self, member: StaffMember, action: str) -> tuple[str, ...] | None:
        """The stations the member may do `action` for: None for every station, () for none."""
        scope = self._scope(member, action)
        if scope is None or not member.active:
            return ()
        if scope == ALL or not station_ids(member):
            return None
        return station_ids(member)

    def check(self, session: Session, member: StaffMember, action: str, station_id: str | None, now: datetime,
              ticket_id: int | None = None, detail: str = "") -> bool:
        """`allows`, with a refusal written to the audit log."""
        if self.allows(member, action, station_id):
            return True
        Repositories(session).handoff.tickets.log(ticket_id, member.name, "refused", now, staff_id=member.id,
                                                  detail=f"console {action} station={station_id} {detail}".strip())
        return False

    def unmask(self, session: Session, member: StaffMember, station_id: str | None, what: str, now: datetime,
               ticket_id: int | None = None) -> bool:
        """May this member see `what` unmasked? Every use and every refusal is audited."""
        if not self.check(session, member, VIEW_PERSONAL_DATA, station_id, now, ticket_id, detail=what):
            return False
        Repositories(session).handoff.tickets.log(ticket_id, member.name, "unmasked", now, staff_id=member.id,
                                                  detail=f"console {what}")
        return True

    def role_name(self, member: StaffMember, texts, lang: str) -> str:
        key = f"console_role_{_role(member)}"
        return texts.get(key, lang) if key in texts else member.role
