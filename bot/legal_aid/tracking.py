"""Tracking numbers (FY-2026-000123) and the status lifecycle of a legal-aid application."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

PREFIX = "FY"  # 法援
MAX_SEQUENCE = 999_999
MAX_REASON_LENGTH = 500
_TRACKING = re.compile(r"FY-?(\d{4})-?(\d{1,6})")


def tracking_number(year: int, sequence: int) -> str:
    """FY-<year>-<sequence, six digits>; the sequence restarts at 1 each year."""
    if not 2000 <= year <= 9999 or not 1 <= sequence <= MAX_SEQUENCE:
        raise ValueError(f"no tracking number for year {year}, sequence {sequence}")
    return f"{PREFIX}-{year:04d}-{sequence:06d}"


def parse_tracking_number(text: str) -> tuple[int, int] | None:
    """(year, sequence) from FY-2026-000123, fy-2026-123 or ＦＹ２０２６０００１２３; None if it is not one."""
    compact = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).upper()
    match = _TRACKING.fullmatch(compact)
    if not match or int(match.group(2)) == 0:
        return None
    return int(match.group(1)), int(match.group(2))


class Status(StrEnum):
    SUBMITTED = "submitted"  # the applicant sent it
    ACCEPTED = "accepted"  # the station took it in for review (受理)
    APPROVED = "approved"  # legal aid granted
    REJECTED = "rejected"  # legal aid refused, with the reason given to the applicant
    LAWYER_ASSIGNED = "lawyer_assigned"
    CLOSED = "closed"  # nothing more will happen; no way out


# Staff may close an open application at any step (withdrawn, duplicate, aid ended); see reason_required.
# A rejection may be reversed after the applicant asks the justice bureau to review it.
TRANSITIONS: dict[Status, tuple[Status, ...]] = {
    Status.SUBMITTED: (Status.ACCEPTED, Status.CLOSED),
    Status.ACCEPTED: (Status.APPROVED, Status.REJECTED, Status.CLOSED),
    Status.APPROVED: (Status.LAWYER_ASSIGNED, Status.CLOSED),
    Status.REJECTED: (Status.APPROVED, Status.CLOSED),
    Status.LAWYER_ASSIGNED: (Status.CLOSED,),
    Status.CLOSED: (),
}

# Each code has a staff-facing text, aid_transition_<code>, in menus/texts.yml.
ERROR_CODES = ("unknown_status", "unchanged", "finished", "not_allowed", "reason_required", "reason_too_long")


class TransitionError(ValueError):
    """A status change that is not allowed; `code` (one of ERROR_CODES) says why."""

    def __init__(self, code: str, current: str, target: str):
        super().__init__(f"{code}: cannot move an application from {current} to {target}")
        self.code, self.current, self.target = code, current, target


@dataclass(frozen=True)
class Transition:
    current: Status
    target: Status
    reason: str | None


def next_statuses(current: Status | str) -> tuple[Status, ...]:
    """Where an application may go from here, in the order staff buttons show them."""
    return TRANSITIONS[Status(current)]


def reason_required(current: Status, target: Status) -> bool:
    """The applicant is owed a reason when refused, when a refusal is reversed, and when closed before a lawyer acts."""
    if target is Status.REJECTED:
        return True
    if current is Status.REJECTED and target is Status.APPROVED:
        return True
    return target is Status.CLOSED and current not in (Status.LAWYER_ASSIGNED, Status.REJECTED)


def check_transition(current: Status | str, target: Status | str, reason: str | None = None) -> Transition:
    """The transition if it is allowed, or TransitionError saying why not."""
    try:
        before, after = Status(current), Status(target)
    except ValueError:
        raise TransitionError("unknown_status", str(current), str(target)) from None
    reason = (reason or "").strip() or None
    if before is after:
        raise TransitionError("unchanged", before, after)
    if not TRANSITIONS[before]:
        raise TransitionError("finished", before, after)
    if after not in TRANSITIONS[before]:
        raise TransitionError("not_allowed", before, after)
    if reason is None and reason_required(before, after):
        raise TransitionError("reason_required", before, after)
    if reason is not None and len(reason) > MAX_REASON_LENGTH:
        raise TransitionError("reason_too_long", before, after)
    return Transition(before, after, reason)
