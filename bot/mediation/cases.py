"""Plain rules of a mediation case: its number, its statuses, invitation tokens, agreed terms and permissions."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

PREFIX = "TJ"  # 调解
MAX_SEQUENCE = 999_999
_NUMBER = re.compile(r"TJ-?(\d{4})-?(\d{1,6})")
INVITE_PREFIX = "m_"  # the /start payload of an invitation: m_<token>
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,60}$")


def case_number(year: int, sequence: int) -> str:
    """TJ-<year>-<sequence, six digits>; the sequence restarts at 1 each year."""
    if not 2000 <= year <= 9999 or not 1 <= sequence <= MAX_SEQUENCE:
        raise ValueError(f"no case number for year {year}, sequence {sequence}")
    return f"{PREFIX}-{year:04d}-{sequence:06d}"


def normalise_number(text: str) -> str | None:
    """TJ-2026-000001 from tj-2026-1 or ＴＪ２０２６０００００１; None when it is not a case number."""
    compact = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or "")).upper()
    match = _NUMBER.fullmatch(compact)
    if not match or int(match.group(2)) == 0:
        return None
    return case_number(int(match.group(1)), int(match.group(2)))


class Status(StrEnum):
    INVITED = "invited"  # applied; waiting for the other party
    DECLINED = "declined"  # the other party refused (第十七条): the case ends
    ACCEPTED = "accepted"  # both parties in; no session yet
    SCHEDULING = "scheduling"  # times proposed, waiting for the parties' picks
    SCHEDULED = "scheduled"  # the session is fixed
    AGREED = "agreed"  # an agreement (or a partial one) recorded; waiting for signatures at the station
    FAILED = "failed"  # no agreement
    EFFECTIVE = "effective"  # the agreement took effect; the 30 days for judicial confirmation run
    CONFIRMED = "confirmed"  # the court ruled on the application
    CLOSED = "closed"  # performance followed up; nothing more will happen


ENDED = (Status.DECLINED, Status.FAILED, Status.CLOSED)


class Outcome(StrEnum):
    AGREEMENT = "agreement"
    PARTIAL = "partial"
    FAILURE = "failure"


class Party(StrEnum):
    APPLICANT = "applicant"
    RESPONDENT = "respondent"


def new_token() -> str:
    """An unguessable invitation token (144 random bits), safe in a Telegram /start payload."""
    return secrets.token_urlsafe(18)


def token_hash(token: str) -> str:
    """Only the hash is stored: the database never holds a working link."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_of(payload: str) -> str | None:
    """The token in a /start payload m_<token>, or None when the payload is no invitation."""
    if not payload.startswith(INVITE_PREFIX):
        return None
    token = payload[len(INVITE_PREFIX):]
    return token if _TOKEN.match(token) else None


class TermError(ValueError):
    """A term of an agreement is malformed; `code` names the problem for the message."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class Term:
    """One agreed obligation: who pays or does what, how much, by when, and how."""

    party: Party
    does: str
    by: date
    how: str
    amount: float | None = None

    def as_dict(self) -> dict:
        return {"party": self.party.value, "does": self.does, "amount": self.amount, "by": self.by.isoformat(),
                "how": self.how}

    @classmethod
    def from_dict(cls, data: dict) -> Term:
        return cls(Party(data["party"]), data["does"], date.fromisoformat(data["by"]), data["how"], data.get("amount"))


_TERM_KEYS = {"party", "does", "amount", "by", "how"}


def parse_term(text: str) -> Term:
    """A term from `party=respondent;does=支付拖欠工资;amount=3000;by=2026-12-20;how=银行转账`."""
    fields: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in re.split(r"[;；]", text))):
        key, sep, value = part.partition("=")
        key = key.strip().lower()
        if not sep or key not in _TERM_KEYS:
            raise TermError("term_field", part)
        fields[key] = value.strip()
    missing = [key for key in ("party", "does", "by", "how") if not fields.get(key)]
    if missing:
        raise TermError("term_missing", ", ".join(missing))
    try:
        party = Party(fields["party"])
    except ValueError:
        raise TermError("term_party", fields["party"]) from None
    try:
        by = date.fromisoformat(fields["by"])
    except ValueError:
        raise TermError("term_date", fields["by"]) from None
    amount = None
    if fields.get("amount"):
        try:
            amount = float(fields["amount"].replace(",", ""))
        except ValueError:
            raise TermError("term_amount", fields["amount"]) from None
        if amount <= 0:
            raise TermError("term_amount", fields["amount"])
    return Term(party, fields["does"], by, fields["how"], amount)


def perform_by(terms: list[Term]) -> date | None:
    """The agreement's last deadline: the day performance is followed up."""
    return max((term.by for term in terms), default=None)
