"""/mydata: everything the bot holds about one resident, as plain data for a JSON file and a readable document."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.db.models import (
    AidApplication,
    AidEvidence,
    AidStatusChange,
    FormSubmission,
    LectureBooking,
    LectureRequest,
    MediationCase,
    MediationEvent,
    MessageRecord,
    Notification,
    Ticket,
    TicketEvent,
    User,
)
from bot.db.repositories import Repositories


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def _files(rows: list) -> list[dict[str, Any]]:
    return [{"name": e.file_name, "type": e.mime_type, "bytes": e.size, "received": _when(e.created_at)} for e in rows]


def collect(repos: Repositories, user: User) -> dict[str, Any]:
    """Every row that names the resident, section by section (files are listed; their bytes stay on the server)."""
    session = repos.session
    conversation = user.conversation
    data = conversation.data if conversation else {}
    held: dict[str, Any] = {
        "profile": {"channel": user.channel, "account": user.external_id, "language": user.language,
                    "station": user.station_id, "consent": user.consent, "consent_at": _when(user.consent_at),
                    "first_contact": _when(user.created_at)},
        "conversation": {"screen": conversation.screen if conversation else None, "state": data},
        "messages": [{"at": _when(m.created_at), "direction": m.direction, "kind": m.kind, "text": m.text}
                     for m in repos.messages.for_user(user.id)],
        "tickets": [],
        "notifications_to_you": [{"at": _when(n.created_at), "text": n.text, "sent": _when(n.sent_at)}
                                 for n in session.scalars(select(Notification).where(Notification.user_id == user.id)
                                                          .order_by(Notification.id))],
        "messages_passed_to_staff": int(session.scalar(select(func.count()).select_from(Notification)
                                                       .where(Notification.about_user_id == user.id)) or 0),
        "lecture_bookings": [{"lecture": b.lecture_id, "seats": b.seats, "status": b.status,
                              "requested": _when(b.requested_at)}
                             for b in session.scalars(select(LectureBooking).where(LectureBooking.user_id == user.id))],
        "lecture_requests": [{"reference": r.reference, "organisation": r.organisation, "audience": r.audience_size,
                              "topics": r.topics, "dates": r.preferred_dates, "phone": r.contact_phone,
                              "status": r.status, "created": _when(r.created_at)}
                             for r in session.scalars(select(LectureRequest).where(LectureRequest.user_id == user.id))],
        "aid_draft": None,
        "form_drafts": [],
        "aid_applications": [],
        "form_submissions": [{"form": f.form, "reference": f.reference, "answers": f.answers, "result": f.result,
                              "follow_up": _when(f.follow_up_at), "submitted": _when(f.created_at)}
                             for f in session.scalars(select(FormSubmission).where(FormSubmission.user_id == user.id)
                                                      .order_by(FormSubmission.id))],
    }
    for ticket in session.scalars(select(Ticket).where(Ticket.user_id == user.id).order_by(Ticket.id)):
        events = session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id))
        held["tickets"].append({
            "id": ticket.id, "station": ticket.station_id, "status": ticket.status, "reason": ticket.reason,
            "opened": _when(ticket.opened_at), "closed": _when(ticket.closed_at), "summary": ticket.summary,
            "rating": ticket.rating, "rating_comment": ticket.rating_comment,
            "events": [{"at": _when(e.at), "kind": e.kind, "detail": e.detail} for e in events],
        })
    for draft in repos.forms.drafts_of(user.id):  # forms in progress, the legal-aid application under its own heading
        held_draft = {"step": draft.step, "answers": {k: v for k, v in draft.data.items() if not k.startswith("_")},
                      "started": _when(draft.created_at), "files": _files(repos.forms.files_of(draft.id))}
        if draft.form == "legal_aid":
            held["aid_draft"] = held_draft
        else:
            held["form_drafts"].append({"form": draft.form, **held_draft})
    for application in session.scalars(select(AidApplication).where(AidApplication.user_id == user.id)):
        history = session.scalars(select(AidStatusChange).where(AidStatusChange.application_id == application.id)
                                  .order_by(AidStatusChange.id))
        held["aid_applications"].append({
            "tracking_number": application.tracking_number, "station": application.station_id,
            "matter": application.matter, "claim": application.claim, "answers": application.fields,
            "wage_claim": application.wage_data, "decision": application.decision, "status": application.status,
            "submitted": _when(application.submitted_at), "evidence": _files(repos.aid.evidence_of(application.id)),
            "history": [{"at": _when(h.at), "from": h.from_status, "to": h.to_status, "reason": h.reason}
                        for h in history],
        })
    held["mediation_cases"] = mediation_export(session, user)
    return held


def mediation_export(session: Session, user: User) -> list[dict[str, Any]]:
    """Mediation cases: an applicant's own answers; for the other party, what was said about them is the
    applicant's, so only the case and its timeline."""
    cases = []
    for case in session.scalars(select(MediationCase).where(
            or_(MediationCase.applicant_id == user.id, MediationCase.respondent_id == user.id))
            .order_by(MediationCase.id)):
        own = case.applicant_id == user.id
        timeline = session.scalars(select(MediationEvent).where(MediationEvent.case_id == case.id,
                                                                MediationEvent.shown.is_(True))
                                   .order_by(MediationEvent.id))
        cases.append({
            "number": case.number, "role": "applicant" if own else "respondent", "kind": case.kind,
            "station": case.station_id, "status": case.status, "answers": case.fields if own else None,
            "agreement": case.agreement or None, "created": _when(case.created_at),
            "timeline": [{"at": _when(event.at), "kind": event.kind} for event in timeline],
        })
    return cases


def as_json(held: dict[str, Any]) -> bytes:
    return json.dumps(held, ensure_ascii=False, indent=2, default=str).encode("utf-8")


def as_document(held: dict[str, Any], headings: dict[str, str], title: str) -> bytes:
    """The same data as a text document a person can read: one heading per section, one line per item."""
    lines = [title, "=" * len(title), ""]
    for section, value in held.items():
        lines.append(f"## {headings.get(section, section)}")
        lines += _lines(value, "")
        lines.append("")
    return "\n".join(lines).encode("utf-8")


def _lines(value: Any, indent: str) -> list[str]:
    if isinstance(value, dict):
        out = []
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                out += [f"{indent}{key}:"] + _lines(item, indent + "  ")
            else:
                out.append(f"{indent}{key}: {'—' if item in (None, '', [], {}) else item}")
        return out
    if isinstance(value, list):
        if not value:
            return [f"{indent}—"]
        out = []
        for number, item in enumerate(value, 1):
            if isinstance(item, dict):
                out += [f"{indent}{number}."] + _lines(item, indent + "  ")
            else:
                out.append(f"{indent}- {item}")
        return out
    return [f"{indent}{'—' if value in (None, '') else value}"]
