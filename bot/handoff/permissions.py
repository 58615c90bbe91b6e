"""The one staff permission checker: which role may do what, and for which stations, read from a YAML table."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import yaml
from sqlalchemy.orm import Session

from bot.core import audit
from bot.db.models import StaffMember

log = logging.getLogger(__name__)

OWN, ALL = "own", "all"
SCOPES = (OWN, ALL)

CLAIM, REPLY, CLOSE, NOTE, TRANSFER = "claim", "reply", "close", "note", "transfer"
VIEW_QUEUE, ACT_FOR_OTHERS = "view_queue", "act_for_others"
VIEW_PERSONAL_DATA, DECIDE_LEGAL_AID = "view_personal_data", "decide_legal_aid"
# The staff console's own (bot/console): read the assessment reports, run lectures, edit content and staff tables.
VIEW_REPORTS, MANAGE_LECTURES, MANAGE_CONTENT = "view_reports", "manage_lectures", "manage_content"
# Online mediation's (bot/mediation): run a case as its mediator; record what happened outside the chat.
MEDIATE, RECORD_MEDIATION = "mediate", "record_mediation"
ACTIONS = (CLAIM, REPLY, CLOSE, NOTE, TRANSFER, VIEW_QUEUE, ACT_FOR_OTHERS, VIEW_PERSONAL_DATA, DECIDE_LEGAL_AID,
           VIEW_REPORTS, MANAGE_LECTURES, MANAGE_CONTENT, MEDIATE, RECORD_MEDIATION)


class PermissionTableError(ValueError):
    """The permission file names an unknown action or scope, or a role it does not define."""


@dataclass(frozen=True)
class PermissionTable:
    roles: dict[str, dict[str, str]]
    grants: dict[str, dict[str, str]]  # action → role → scope

    @classmethod
    def parse(cls, data: dict) -> PermissionTable:
        roles = {str(role): dict(names) for role, names in (data.get("roles") or {}).items()}
        grants: dict[str, dict[str, str]] = {action: {} for action in ACTIONS}
        for action, by_role in (data.get("actions") or {}).items():
            if action not in ACTIONS:
                raise PermissionTableError(f"unknown action {action!r}; known: {', '.join(ACTIONS)}")
            for role, scope in (by_role or {}).items():
                if role not in roles:
                    raise PermissionTableError(f"action {action!r} names undefined role {role!r}")
                if scope not in SCOPES:
                    raise PermissionTableError(f"action {action!r}, role {role!r}: scope must be own or all")
                grants[action][role] = scope
        return cls(roles, grants)

    def scope(self, role: str, action: str) -> str | None:
        return self.grants.get(action, {}).get(role)

    def role_name(self, role: str, lang: str = "zh") -> str:
        return self.roles.get(role, {}).get(lang, role)


@lru_cache(maxsize=4)
def load(path: Path) -> PermissionTable:
    """The permission table, read once per file."""
    return PermissionTable.parse(yaml.safe_load(path.read_text(encoding="utf-8")) or {})


def covers(member: StaffMember, scope: str | None, station_id: str | None) -> bool:
    """Whether a scope of this member reaches the station (None: a district ticket, anyone's)."""
    if scope is None or not member.active:
        return False
    if scope == ALL or station_id is None:
        return True
    stations = member.station_ids
    return not stations or station_id in stations


@dataclass(frozen=True)
class Permissions:
    table: PermissionTable

    def allows(self, member: StaffMember | None, action: str, station_id: str | None) -> bool:
        """May this member do `action` on something of this station?"""
        if member is None:
            return False
        return covers(member, self.table.scope(member.role, action), station_id)

    def stations_for(self, member: StaffMember, action: str) -> tuple[str, ...] | None:
        """The stations the member may do `action` for: None for every station, () for none."""
        scope = self.table.scope(member.role, action)
        if scope is None or not member.active:
            return ()
        if scope == ALL or not member.station_ids:
            return None
        return member.station_ids

    def check(self, session: Session, member: StaffMember, action: str, station_id: str | None, now: datetime,
              ticket_id: int | None = None, detail: str = "") -> bool:
        """`allows`, with a refusal written to the audit log."""
        if self.allows(member, action, station_id):
            return True
        audit.record(session, member.name, "refused", now, detail=f"{action} station={station_id} {detail}".strip(),
                     staff_id=member.id, ticket_id=ticket_id)
        log.info("refused %s by staff %s (%s) for station %s", action, member.id, member.role, station_id)
        return False

    def unmask(self, session: Session, member: StaffMember, station_id: str | None, what: str, now: datetime,
               ticket_id: int | None = None) -> bool:
        """May this member see `what` unmasked? Every use and every refusal is audited."""
        if not self.check(session, member, VIEW_PERSONAL_DATA, station_id, now, ticket_id, detail=what):
            return False
        audit.record(session, member.name, "unmasked", now, detail=what, staff_id=member.id, ticket_id=ticket_id)
        return True
