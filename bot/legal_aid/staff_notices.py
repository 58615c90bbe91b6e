"""Legal aid for staff: the new application in the station's group (name and phone masked), the full view (a
permission, audited), and status changes (a permission), each told to the applicant through the notifications outbox."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from bot.core.callbacks import Action
from bot.core.content import Texts
from bot.core.masking import mask_name
from bot.core.messages import Attachment, Button, Outbound
from bot.db.models import AidApplication, StaffMember
from bot.db.repositories import Repositories
from bot.handoff.permissions import DECIDE_LEGAL_AID
from bot.legal_aid.context import book_for
from bot.forms.parsing import mask_phone
from bot.legal_aid.tracking import Status, TransitionError, check_transition, next_statuses, reason_required

if TYPE_CHECKING:
    from bot.handoff.context import HandoffContext

VIEW_VERB = "aidv"  # aidv:<application id>: the full application, sent privately to the member of staff
STATUS_VERB = "aids"  # aids:<application id>.<status>: a status change that needs no reason
VERBS = (VIEW_VERB, STATUS_VERB)
STAFF_LANG = "zh"


def card(ctx: HandoffContext, application: AidApplication, reveal: bool = False, lang: str = STAFF_LANG) -> str:
    """The application as staff see it; name and phone are masked unless revealed to one member of staff."""
    texts, fields = ctx.texts, application.fields
    phone = fields.get("phone") or ""
    text = texts.get(
        "aid_staff_card", lang,
        number=application.tracking_number,
        status=texts.get(f"aid_status_{application.status}", lang),
        station=ctx.station_name(application.station_id, lang),
        name=(fields.get("name") if reveal else mask_name(fields.get("name") or "")) or "-",
        phone=phone if reveal else mask_phone(phone),
        claim=book_for(ctx.settings).claims.get(application.claim, {}).get(lang, application.claim),
        matter=ctx.topic_name(application.matter, lang),
        party=fields.get("party") or "-",
        amount=fields.get("amount") or "-",
        description=(fields.get("description") or "-") if reveal else "…",
        track=texts.get("aid_staff_fast_track" if application.decision.get("fast_track") else "aid_staff_hardship", lang),
    ).strip()
    if reveal and fields.get("hardship"):
        text += "\n" + texts.get("aid_staff_hardship_text", lang, text=fields["hardship"]).strip()
    if reveal and application.wage_data:
        wage = application.wage_data
        text += "\n" + texts.get("aid_staff_wage", lang, site=wage.get("site", "-"), period=wage.get("period", "-"),
                                 owed=wage.get("owed", "-")).strip()
    return text


def staff_buttons(texts: Texts, application: AidApplication, lang: str = STAFF_LANG) -> list[list[Button]]:
    """查看, and the next statuses that need no reason (the others are set with `legalbot aid set-status --reason`)."""
    rows = [[Button(texts.get("aid_staff_view_button", lang), Action(VIEW_VERB, str(application.id)).encode())]]
    moves = [s for s in next_statuses(application.status) if not reason_required(Status(application.status), s)]
    if moves:
        rows.append([Button(texts.get(f"aid_status_{s}", lang), Action(STATUS_VERB, f"{application.id}.{s}").encode())
                     for s in moves])
    return rows


def post_new(ctx: HandoffContext, repos: Repositories, application: AidApplication, now: datetime) -> None:
    """Tell the station's staff group (else the district's, else the station's staff) of a new application."""
    texts = ctx.texts
    message = Outbound(texts.get("aid_staff_new", STAFF_LANG).strip() + "\n" + card(ctx, application),
                       staff_buttons(texts, application))
    repos.handoff.tell_station(repos.notifications, application.user.channel, application.station_id, message, now)


def view(ctx: HandoffContext, repos: Repositories, staff: StaffMember, application_id: int, now: datetime) -> str:
    """Send the full application privately to a member of staff whose role may see personal data at the application's
    station, and audit the unmasking; returns the notice."""
    texts = ctx.texts
    application = repos.aid.get(application_id)
    if application is None:
        return texts.get("desk_button_expired", STAFF_LANG)
    if not ctx.permissions.unmask(repos.session, staff, application.station_id, f"aid={application.tracking_number}",
                                  now):
        return texts.get("desk_not_permitted", STAFF_LANG).strip()
    repos.handoff.tickets.log(None, staff.name, "aid_viewed", now, detail=application.tracking_number, staff_id=staff.id)
    evidence = repos.aid.evidence_of(application.id)
    text = card(ctx, application, reveal=True)
    text += "\n" + texts.get("aid_staff_evidence", STAFF_LANG, count=len(evidence),
                             names="、".join(e.file_name for e in evidence) or "-").strip()
    recipient = repos.handoff.recipient(staff.channel, staff.external_id)
    repos.notifications.add(recipient.id, Outbound(text, staff_buttons(texts, application)), now)
    for item in evidence:  # the files themselves, in private to the same member of staff
        caption = f"{application.tracking_number} · {item.file_name}"
        repos.notifications.add(recipient.id, Outbound(caption, attachment=Attachment(item.file_name, item.content,
                                                                                      item.mime_type)), now)
    return texts.get("aid_staff_view_sent", STAFF_LANG)


def change_status(ctx: HandoffContext, repos: Repositories, application: AidApplication, target: str,
                  reason: str | None, actor: str, now: datetime) -> None:
    """Move the application through the state machine, keep the history and tell the applicant; TransitionError if not."""
    transition = check_transition(application.status, target, reason)
    old = application.status
    application.status, application.status_reason, application.updated_at = transition.target.value, transition.reason, now
    repos.aid.record_status(application, old, application.status, transition.reason, actor, now)
    user = application.user
    texts = ctx.texts
    text = texts.get("aid_status_changed", user.language, number=application.tracking_number,
                     status=texts.get(f"aid_status_{application.status}", user.language)).strip()
    if transition.reason:
        text += "\n" + texts.get("aid_status_reason", user.language, reason=transition.reason).strip()
    repos.notifications.add(user.id, Outbound(text), now)


def transition_error_text(texts: Texts, error: TransitionError, lang: str = STAFF_LANG) -> str:
    def label(status: str) -> str:
        key = f"aid_status_{status}"
        return texts.get(key, lang) if key in texts else status

    current, target = label(error.current), label(error.target)
    return texts.get(f"aid_transition_{error.code}", lang, status=current, current=current, target=target)


def press(ctx: HandoffContext, repos: Repositories, staff: StaffMember, action: Action, now: datetime) -> str | None:
    """A staff button on an application; returns the notice, or None when the data does not resolve."""
    if action.verb == VIEW_VERB and action.arg.isdigit():
        return view(ctx, repos, staff, int(action.arg), now)
    number, _, target = action.arg.partition(".")
    if action.verb != STATUS_VERB or not number.isdigit():
        return None
    application = repos.aid.lock(int(number))
    if application is None:
        return None
    if not ctx.permissions.check(repos.session, staff, DECIDE_LEGAL_AID, application.station_id, now,
                                 detail=application.tracking_number):
        return ctx.texts.get("desk_not_permitted", STAFF_LANG).strip()
    try:
        change_status(ctx, repos, application, target, None, staff.name, now)
    except TransitionError as error:
        repos.handoff.tickets.log(None, staff.name, "aid_status_refused", now, staff_id=staff.id,
                                  detail=f"{application.tracking_number} {error.code}")
        return transition_error_text(ctx.texts, error)
    repos.handoff.tickets.log(None, staff.name, "aid_status", now, staff_id=staff.id,
                              detail=f"{application.tracking_number} {target}")
    return ctx.texts.get("aid_staff_status_set", STAFF_LANG, number=application.tracking_number,
                                       status=ctx.texts.get(f"aid_status_{target}", STAFF_LANG))
