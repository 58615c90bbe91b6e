"""Staff's side of a case: the masked post in the station's desk, claiming, the full view (audited), and the
mediator's and the station's acts (scheduling, the outcome, the effective date, the filing and the ruling).

The desk buttons, `legalbot mediation …` and the console's pages (bot/console/mediation.py) call the same
functions, so permissions, masking and audit are one."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from bot.core.callbacks import Action
from bot.core.messages import Attachment, Button, Outbound
from bot.core.masking import mask_name
from bot.core.phones import mask as mask_phone
from bot.db.models import MediationCase, StaffMember
from bot.db.repositories import Repositories
from bot.mediation import documents
from bot.handoff.permissions import ACT_FOR_OTHERS, MEDIATE, RECORD_MEDIATION
from bot.mediation.cases import Outcome, Party, Status, Term, perform_by
from bot.mediation.context import STAFF_LANG, MediationContext

log = logging.getLogger(__name__)
CLAIM_VERB = "mdc"  # mdc:<case id>: ✋ take the case as its mediator
VIEW_VERB = "mdv"  # mdv:<case id>: 🔍 the full case, privately, audited
VERBS = (CLAIM_VERB, VIEW_VERB)
# Timers whose work is building documents for the parties (timers.deliver_documents).
AGREEMENT_DOCUMENTS, APPLICATION_DOCUMENTS = "agreement_docs", "application_docs"


class StaffError(Exception):
    """A staff act that is not allowed or does not fit the case; `key` names the text that explains it."""

    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key = key
        self.values = values

    def text(self, ctx: MediationContext) -> str:
        return ctx.t(self.key, **self.values)


def card(ctx: MediationContext, case: MediationCase, reveal: bool = False, lang: str = STAFF_LANG) -> str:
    """The case as staff see it: names and phones masked, the story held back, unless revealed to one member."""
    fields = case.fields
    phone = fields.get("phone") or ""
    other_phone = fields.get("other_phone") or ""
    hidden = ctx.t("md_staff_hidden", lang)
    return ctx.t(
        "md_staff_card", lang, number=case.number, status=ctx.t(f"md_status_{case.status}", lang),
        kind=ctx.data.option("kind", case.kind, lang), station=ctx.station_name(case.station_id, lang),
        applicant=(fields.get("name", "") if reveal else mask_name(fields.get("name", ""))) or "—",
        phone=(phone if reveal else mask_phone(phone)) if phone else "—",
        other=(fields.get("other_name", "") if reveal else mask_name(fields.get("other_name", ""))) or "—",
        relation=ctx.data.option("other_relation", fields.get("other_relation", ""), lang),
        other_phone=(other_phone if reveal else mask_phone(other_phone)) if other_phone else "—",
        way=ctx.data.option("way", fields.get("way", ""), lang),
        windows=ctx.t("md_list_joiner", lang).join(ctx.data.option("windows", w, lang) for w in fields.get("windows", [])),
        facts=fields.get("facts", "") if reveal else hidden, wishes=fields.get("wishes", "") if reveal else hidden,
        mediator=case.mediator.name if case.mediator else "—",
    )


def desk_buttons(ctx: MediationContext, case: MediationCase) -> list[list[Button]]:
    return [[Button(ctx.t("md_staff_claim_button"), Action(CLAIM_VERB, str(case.id)).encode()),
             Button(ctx.t("md_staff_view_button"), Action(VIEW_VERB, str(case.id)).encode())]]


def post_new(ctx: MediationContext, repos: Repositories, case: MediationCase, now: datetime) -> None:
    """Tell the station's staff group (else the district's, else the station's staff) of a new case, masked."""
    message = Outbound(ctx.t("md_staff_new") + "\n" + card(ctx, case), desk_buttons(ctx, case))
    repos.handoff.tell_station(repos.notifications, case.applicant.channel, case.station_id, message, now)


def tell_mediator(ctx: MediationContext, repos: Repositories, case: MediationCase, text: str, now: datetime) -> None:
    """News of a case for its mediator privately; before anyone claims it, for the station's group."""
    if case.mediator is not None:
        member = case.mediator
        repos.notifications.add(repos.handoff.recipient(member.channel, member.external_id).id, Outbound(text), now)
        return
    repos.handoff.tell_station(repos.notifications, case.applicant.channel, case.station_id, Outbound(text), now,
                               group_only=True)


def tell_parties(repos: Repositories, case: MediationCase, make, now: datetime) -> None:
    """One message per party who is in the chat, in their own language: `make(lang, party)` builds it."""
    for party, user in ((Party.APPLICANT, case.applicant), (Party.RESPONDENT, case.respondent)):
        if user is not None:
            for outbound in make(user.language, party):
                repos.notifications.add(user.id, outbound, now)


def check(ctx: MediationContext, repos: Repositories, staff: StaffMember, action: str, case: MediationCase,
          now: datetime) -> None:
    """Refuse an act the permission table (knowledge/staff_permissions.yml) does not allow this member on this case;
    the refusal is audited. Running a case (`mediate`) is for the mediator who took it, or one who may act for others."""
    permissions = ctx.permissions
    if action == MEDIATE and case.mediator_id is not None and case.mediator_id != staff.id:
        action = ACT_FOR_OTHERS
    if not permissions.check(repos.session, staff, action, case.station_id, now, detail=case.number):
        raise StaffError("md_staff_not_allowed", number=case.number)


# --- desk buttons ---------------------------------------------------------------------------------------------

def press(ctx: MediationContext, repos: Repositories, staff: StaffMember, action: Action, now: datetime) -> str | None:
    """A desk button on a case; returns the notice, or None when the data does not resolve."""
    if action.verb not in VERBS or not action.arg.isdigit():
        return None
    case = repos.mediation.get(int(action.arg))
    if case is None:
        return None
    try:
        if action.verb == CLAIM_VERB:
            return claim(ctx, repos, staff, case, now)
        return view(ctx, repos, staff, case, now)
    except StaffError as error:
        return error.text(ctx)


def claim(ctx: MediationContext, repos: Repositories, staff: StaffMember, case: MediationCase, now: datetime) -> str:
    if case.mediator_id is None:
        check(ctx, repos, staff, MEDIATE, case, now)
    if not repos.mediation.claim(case.id, staff.id, now):
        case = repos.mediation.get(case.id)
        repos.mediation.log(case, "claim_refused", staff.name, now, shown=False)
        if case.mediator is not None:
            raise StaffError("md_staff_taken_by", number=case.number, staff=case.mediator.name)
        raise StaffError("md_staff_not_open", number=case.number)
    case = repos.mediation.get(case.id)
    repos.mediation.log(case, "claimed", staff.name, now)
    recipient = repos.handoff.recipient(staff.channel, staff.external_id)
    reveal = ctx.permissions.unmask(repos.session, staff, case.station_id, f"mediation={case.number}", now)
    repos.notifications.add(recipient.id, Outbound(card(ctx, case, reveal=reveal) + "\n\n" + ctx.t("md_staff_claim_hint",
                                                                                                  number=case.number)), now)
    repos.handoff.tickets.log(None, staff.name, "med_claimed", now, detail=case.number, staff_id=staff.id)
    tell_parties(repos, case, lambda lang, party: [Outbound(ctx.t("md_told_mediator", lang, number=case.number,
                                                                  staff=staff.name))], now)
    return ctx.t("md_staff_claimed", number=case.number, staff=staff.name)


def view(ctx: MediationContext, repos: Repositories, staff: StaffMember, case: MediationCase, now: datetime) -> str:
    """The full case, privately to the member, and the viewing in the audit log."""
    if not ctx.permissions.unmask(repos.session, staff, case.station_id, f"mediation={case.number}", now):
        raise StaffError("md_staff_not_allowed", number=case.number)
    recipient = repos.handoff.recipient(staff.channel, staff.external_id)
    repos.notifications.add(recipient.id, Outbound(card(ctx, case, reveal=True), desk_buttons(ctx, case)), now)
    return ctx.t("md_staff_view_sent")


# --- acts, from the command line or the desk -----------------------------------------------------------------

def reached(ctx: MediationContext, repos: Repositories, staff: StaffMember, case: MediationCase, accepted: bool,
            now: datetime) -> str:
    """Staff reached the other party by phone: their answer counts as if given through the link."""
    check(ctx, repos, staff, RECORD_MEDIATION, case, now)
    if case.status != Status.INVITED:
        raise StaffError("md_staff_wrong_status", number=case.number, status=ctx.t(f"md_status_{case.status}"))
    case.respondent_by, case.updated_at = "phone", now
    if accepted:
        case.status, case.accepted_at = Status.ACCEPTED.value, now
        repos.mediation.log(case, "accepted_by_phone", staff.name, now)
        tell_parties(repos, case, lambda lang, party: [Outbound(ctx.t("md_told_accepted", lang, number=case.number))],
                     now)
    else:
        from bot.mediation.parties import tell_declined

        case.status = Status.DECLINED.value
        repos.mediation.log(case, "declined_by_phone", staff.name, now)
        tell_declined(ctx, repos, case, now)
    return ctx.t("md_staff_done", number=case.number, status=ctx.t(f"md_status_{case.status}"))


def slot_text(ctx: MediationContext, iso: str, lang: str) -> str:
    return ctx.when(datetime.fromisoformat(iso), lang)


def place_text(ctx: MediationContext, case: MediationCase, lang: str) -> str:
    way = case.fields.get("way")
    if case.session_place:
        return case.session_place
    if way == "phone":
        return ctx.t("md_place_phone", lang)
    return ctx.station_address(case.station_id, lang)


def schedule(ctx: MediationContext, repos: Repositories, staff: StaffMember, case: MediationCase,
             times: list[datetime], place: str | None, now: datetime) -> str:
    """Propose one to three session times; each party in the chat picks one."""
    check(ctx, repos, staff, MEDIATE, case, now)
    if case.mediator_id is None:
        raise StaffError("md_staff_claim_first", number=case.number)
    if case.status not in (Status.ACCEPTED, Status.SCHEDULING, Status.SCHEDULED):
        raise StaffError("md_staff_wrong_status", number=case.number, status=ctx.t(f"md_status_{case.status}"))
    if not 1 <= len(times) <= 3 or any(moment <= now for moment in times):
        raise StaffError("md_staff_bad_times")
    case.slots = {"times": [moment.isoformat() for moment in sorted(times)]}
    case.session_place = place or None
    case.session_at = None
    case.status, case.updated_at = Status.SCHEDULING.value, now
    repos.mediation.log(case, "times_proposed", staff.name, now, ", ".join(case.slots["times"]))

    def offer(lang: str, party: Party) -> list[Outbound]:
        rows = [[Button(slot_text(ctx, iso, lang), Action("mdp", f"{case.id}.t{i}").encode())]
                for i, iso in enumerate(case.slots["times"])]
        return [Outbound(ctx.t("md_pick_time", lang, number=case.number, place=place_text(ctx, case, lang)), rows)]

    tell_parties(repos, case, offer, now)
    return ctx.t("md_staff_times_sent", number=case.number, count=len(times))


def settle_session(ctx: MediationContext, repos: Repositories, case: MediationCase, now: datetime,
                   lang: str) -> Outbound:
    """Both parties picked: the same time fixes the session and its reminders; different times go back to the
    mediator. Returns what the party who picked last is shown."""
    times = case.slots["times"]
    picks = {case.slots.get(p.value) for p in (Party.APPLICANT, Party.RESPONDENT) if p.value in case.slots}
    if len(picks) != 1:
        case.slots = {"times": []}
        case.status, case.updated_at = Status.ACCEPTED.value, now
        repos.mediation.log(case, "no_common_time", "bot", now)
        tell_mediator(ctx, repos, case, ctx.t("md_staff_no_common_time", number=case.number), now)
        tell_parties(repos, case, lambda lg, p: [Outbound(ctx.t("md_no_common_time", lg, number=case.number))], now)
        return Outbound(ctx.t("md_time_noted_wait", lang))
    session_at = datetime.fromisoformat(times[picks.pop()])
    case.session_at, case.status, case.updated_at = session_at, Status.SCHEDULED.value, now
    repos.mediation.log(case, "session_fixed", "bot", now, session_at.isoformat())
    for hours in ctx.config["session_reminder_hours"]:
        due = session_at - timedelta(hours=int(hours))
        if due > now:
            repos.mediation.set_timer(case.id, f"session_{int(hours)}h", due)

    def fixed(lg: str, party: Party) -> list[Outbound]:
        return [Outbound(ctx.t("md_session_fixed", lg, number=case.number, when=ctx.when(session_at, lg),
                               place=place_text(ctx, case, lg)))]

    tell_parties(repos, case, fixed, now)
    tell_mediator(ctx, repos, case, ctx.t("md_staff_session_fixed", number=case.number,
                                          when=ctx.when(session_at, STAFF_LANG)), now)
    return Outbound(ctx.t("md_time_fixed_short", lang, when=ctx.when(session_at, lang)))


def record(ctx: MediationContext, repos: Repositories, staff: StaffMember, case: MediationCase, outcome: Outcome,
           now: datetime, *, reason: str = "", facts: str = "", matters: str = "", terms: list[Term] = ()) -> str:
    """The session's outcome. An agreement's terms are structured; both parties get the 调解协议书 to confirm."""
    check(ctx, repos, staff, MEDIATE, case, now)
    if case.mediator_id is None:
        raise StaffError("md_staff_claim_first", number=case.number)
    if case.status not in (Status.SCHEDULED, Status.ACCEPTED, Status.SCHEDULING):
        raise StaffError("md_staff_wrong_status", number=case.number, status=ctx.t(f"md_status_{case.status}"))
    if outcome is Outcome.FAILURE:
        if not reason.strip():
            raise StaffError("md_staff_reason_needed")
        case.outcome, case.outcome_reason = outcome.value, reason.strip()
        case.status, case.updated_at = Status.FAILED.value, now
        repos.mediation.log(case, "failed", staff.name, now, reason.strip(), shown=True)
        from bot.mediation.parties import next_steps

        def failed(lang: str, party: Party) -> list[Outbound]:
            return [Outbound(ctx.t("md_told_failed", lang, number=case.number, reason=reason.strip()) + "\n\n"
                             + next_steps(ctx, case, lang))]

        tell_parties(repos, case, failed, now)
        return ctx.t("md_staff_done", number=case.number, status=ctx.t(f"md_status_{case.status}"))
    if not terms or not facts.strip() or not matters.strip():
        raise StaffError("md_staff_terms_needed")
    if outcome is Outcome.PARTIAL and not reason.strip():
        raise StaffError("md_staff_reason_needed")
    case.outcome, case.outcome_reason = outcome.value, reason.strip() or None
    case.agreement = {"facts": facts.strip(), "matters": matters.strip(), "terms": [t.as_dict() for t in terms],
                      "recorded_at": now.isoformat(), "mediator": staff.name}
    case.perform_by = perform_by(list(terms))
    case.status, case.updated_at = Status.AGREED.value, now
    repos.mediation.log(case, "agreed" if outcome is Outcome.AGREEMENT else "agreed_partly", staff.name, now)
    # Building the Word and PDF files takes seconds: the documents job does it with no lock held (timers.py).
    repos.mediation.set_timer(case.id, AGREEMENT_DOCUMENTS, now)
    return ctx.t("md_staff_agreement_sent", number=case.number)


def send_agreement(ctx: MediationContext, repos: Repositories, case: MediationCase, files: list[Attachment],
                   now: datetime) -> None:
    """Each party gets the 调解协议书 as Word and PDF, then a message to confirm that it is what they agreed."""

    def agreement(lang: str, party: Party) -> list[Outbound]:
        rows = [[Button(ctx.t("md_confirm_ok", lang), Action("mdp", f"{case.id}.ok").encode())],
                [Button(ctx.t("md_confirm_no", lang), Action("mdp", f"{case.id}.no").encode())]]
        sent = [Outbound(ctx.t("md_agreement_file", lang, number=case.number), attachment=f) for f in files]
        return sent + [Outbound(ctx.t("md_agreement_ready", lang, number=case.number,
                                      terms=documents.terms_text(ctx, case, lang)), rows)]

    tell_parties(repos, case, agreement, now)


def effective(ctx: MediationContext, repos: Repositories, staff: StaffMember, case: MediationCase, on: date,
              now: datetime) -> str:
    """The agreement was signed and sealed at the station: the 30 days for judicial confirmation start."""
    check(ctx, repos, staff, RECORD_MEDIATION, case, now)
    if case.status != Status.AGREED:
        raise StaffError("md_staff_wrong_status", number=case.number, status=ctx.t(f"md_status_{case.status}"))
    if on > ctx.local(now).date():
        raise StaffError("md_staff_future_date")
    recorded = case.agreement.get("recorded_at")
    if recorded and on < ctx.local(datetime.fromisoformat(recorded)).date():
        raise StaffError("md_staff_before_agreement")
    case.effective_on, case.status, case.updated_at = on, Status.EFFECTIVE.value, now
    repos.mediation.log(case, "effective", staff.name, now, on.isoformat())
    judicial = ctx.config["judicial_confirmation"]
    for day in judicial["reminder_days"]:
        repos.mediation.set_timer(case.id, f"confirm_day{int(day)}", ctx.at_reminder_hour(on + timedelta(days=int(day))))
    if case.perform_by is not None:
        repos.mediation.set_timer(case.id, "follow_up", ctx.at_reminder_hour(max(case.perform_by, on)))
    deadline = on + timedelta(days=int(judicial["window_days"]))
    tell_parties(repos, case, lambda lang, party: [Outbound(judicial_notice(ctx, case, lang, deadline))], now)
    repos.mediation.set_timer(case.id, APPLICATION_DOCUMENTS, now)  # the filled-in application follows (timers.py)
    return ctx.t("md_staff_done", number=case.number, status=ctx.t(f"md_status_{case.status}"))


def send_application(ctx: MediationContext, repos: Repositories, case: MediationCase, files: list[Attachment],
                     now: datetime) -> None:
    """Each party gets the joint 司法确认申请书 to fill in, as Word and PDF."""
    tell_parties(repos, case, lambda lang, party: [
        Outbound(ctx.t("md_application_file", lang, number=case.number), attachment=f) for f in files], now)


def judicial_notice(ctx: MediationContext, case: MediationCase, lang: str, deadline: date) -> str:
    """人民调解法 第三十三条 and 民事诉讼法 第二百零五条, the court, the documents, and what confirmation gives."""
    documents_list = "\n".join(f"· {item['en' if lang == 'en' else 'zh']}"
                               for item in ctx.config["judicial_confirmation"]["documents"])
    return ctx.t("md_judicial_notice", lang, number=case.number, effective=case.effective_on.isoformat(),
                 deadline=deadline.isoformat(), court=ctx.court(lang),
                 mediation_article=ctx.article("confirmation").heading(),
                 procedure_article=ctx.article("confirmation_procedure").heading(),
                 enforcement_article=ctx.article("enforcement").heading(), documents=documents_list)


def filed(ctx: MediationContext, repos: Repositories, staff: StaffMember, case: MediationCase, on: date,
          now: datetime) -> str:
    """The parties filed for judicial confirmation: no more reminders."""
    check(ctx, repos, staff, RECORD_MEDIATION, case, now)
    if case.status != Status.EFFECTIVE:
        raise StaffError("md_staff_wrong_status", number=case.number, status=ctx.t(f"md_status_{case.status}"))
    case.filed_on, case.updated_at = on, now
    repos.mediation.log(case, "filed", staff.name, now, on.isoformat())
    return ctx.t("md_staff_done", number=case.number, status=ctx.t("md_event_filed"))


def ruling(ctx: MediationContext, repos: Repositories, staff: StaffMember, case: MediationCase, result: str,
           on: date, now: datetime) -> str:
    """The court's ruling on the application: confirmed (enforceable) or rejected."""
    check(ctx, repos, staff, RECORD_MEDIATION, case, now)
    if case.status != Status.EFFECTIVE or result not in ("confirmed", "rejected"):
        raise StaffError("md_staff_wrong_status", number=case.number, status=ctx.t(f"md_status_{case.status}"))
    case.ruling, case.ruling_on = result, on
    case.filed_on = case.filed_on or on
    case.status, case.updated_at = Status.CONFIRMED.value, now
    repos.mediation.log(case, f"ruling_{result}", staff.name, now, on.isoformat())

    def told(lang: str, party: Party) -> list[Outbound]:
        return [Outbound(ctx.t(f"md_told_ruling_{result}", lang, number=case.number, court=ctx.court(lang),
                               date=on.isoformat(), article=ctx.article("enforcement").heading()))]

    tell_parties(repos, case, told, now)
    return ctx.t("md_staff_done", number=case.number, status=ctx.t(f"md_status_{case.status}"))

