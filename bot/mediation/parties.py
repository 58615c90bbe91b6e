"""The parties' side of a case: submitting the application, the invitation link, accepting or declining,
picking a session time, confirming the agreement, answering the follow-up, and 我的记录."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.core.callbacks import go
from bot.core.content import pick
from bot.core.messages import Button, Outbound, Reply
from bot.core.turn import Turn
from bot.db.models import MediationCase, User
from bot.db.repositories import Repositories
from bot.mediation import staff
from bot.mediation.cases import ENDED, INVITE_PREFIX, Party, Status, new_token, token_hash, token_of
from bot.mediation.context import MediationContext

log = logging.getLogger(__name__)
VERB = "mdp"  # mdp:<case id>.<action>: a party's press on their case
INVITE_KEY = "md_invite"  # the case whose invitation this user opened, so only they can answer it


def _ctx(turn: Turn) -> MediationContext:
    return MediationContext.of(turn.assistant)


def button(turn: Turn, label_key: str, case: MediationCase, action: str, **values) -> Button:
    return turn.action_button(turn.t(label_key, **values), VERB, f"{case.id}.{action}")


def invite_link(turn: Turn, token: str) -> str:
    """The link(s) that open the invitation, for whatever the other party has; the terminal chat's command if none.

    The other party is most likely a neighbour or an employer in the district, without Telegram: the web chat's link
    (it opens in any browser, WeChat's included) comes first when the web chat has a public address, the Telegram
    link second when the bot runs there. Both carry the one token: whichever is answered first binds the respondent.
    """
    payload = f"{INVITE_PREFIX}{token}"
    found = turn.assistant.open_links(payload)
    if not found:
        return f"/start {payload}"
    if len(found) == 1:
        return next(iter(found.values()))
    return "".join("\n" + turn.t(f"md_link_{channel}", link=link) for channel, link in found.items())


def role_of(case: MediationCase, user: User) -> Party | None:
    if case.applicant_id == user.id:
        return Party.APPLICANT
    if case.respondent_id is not None and case.respondent_id == user.id:
        return Party.RESPONDENT
    return None


# --- the application ------------------------------------------------------------------------------------------

def submit(turn: Turn, answers: dict) -> Reply | Outbound:
    """File the case (the form engine has checked every answer): its number, the station, the post to staff, and the invitation to forward."""
    ctx, repos, now = _ctx(turn), turn.repos, turn.now
    token = new_token()
    # Pressing the review's submit button is the consent to share the neutral summary (forms/mediation.yml).
    fields = {key: value for key, value in answers.items() if key not in ("kind", "station")} | {"share": True}
    case = repos.mediation.add(MediationCase(
        number=repos.mediation.next_number(ctx.local(now).year), applicant_id=turn.user.id,
        station_id=answers["station"], kind=answers["kind"], fields=fields, status=Status.INVITED.value,
        invite_hash=token_hash(token), invite_expires_at=now + timedelta(days=int(ctx.config["invitation_days"])),
        slots={}, agreement={}, created_at=now, updated_at=now))
    repos.mediation.log(case, "applied", "applicant", now)
    staff.post_new(ctx, repos, case, now)
    turn.conversation.screen = turn.assistant.content.menu.root
    lang = turn.lang
    done = Outbound(turn.t("md_submitted", number=case.number, station=ctx.committee(case.station_id, lang),
                           days=ctx.config["invitation_days"]),
                    [[turn.node_button("records"), turn.node_button(turn.assistant.content.menu.root)]])
    log.info("mediation case %s filed for station %s", case.id, case.station_id)
    return Reply([done, invitation(turn, case, token)])


def invitation(turn: Turn, case: MediationCase, token: str) -> Outbound:
    """The short text the applicant forwards to the other party, with the link."""
    ctx = _ctx(turn)
    assert case.invite_expires_at is not None
    return Outbound(turn.t("md_invitation", name=case.fields.get("other_name", ""),
                           applicant=case.fields.get("name", ""), kind=ctx.data.option("kind", case.kind, turn.lang),
                           committee=ctx.committee(case.station_id, turn.lang), link=invite_link(turn, token),
                           expires=ctx.local(case.invite_expires_at).date().isoformat()))


# --- the invitation -------------------------------------------------------------------------------------------

def open_invitation(turn: Turn, payload: str) -> Reply | None:
    """/start m_<token>: the neutral summary, the rules and rights, accept or decline; None when it is no invitation."""
    if not payload.startswith("m_"):
        return None
    ctx, repos, now = _ctx(turn), turn.repos, turn.now
    token = token_of(payload)
    case = repos.mediation.by_invite(token_hash(token)) if token else None
    home = [[turn.node_button(turn.assistant.content.menu.root)]]
    if case is None:
        log.info("an invitation that does not resolve was opened by user %s", turn.user.id)
        return Reply([Outbound(turn.t("md_invite_invalid"), home)])
    if case.applicant_id == turn.user.id:
        return Reply([Outbound(turn.t("md_invite_own", number=case.number), home)])
    if case.respondent_id == turn.user.id:
        return Reply([case_view(turn, case)])
    if case.invite_used_at is not None or case.respondent_id is not None or case.status in ENDED:
        repos.mediation.log(case, "invite_refused", f"user:{turn.user.id}", now, "used", shown=False)
        return Reply([Outbound(turn.t("md_invite_used"), home)])
    assert case.invite_expires_at is not None
    if now > case.invite_expires_at:
        return Reply([Outbound(turn.t("md_invite_expired", number=case.number), home)])
    turn.conversation.data = {**turn.conversation.data, INVITE_KEY: case.id}
    repos.mediation.log(case, "invite_opened", f"user:{turn.user.id}", now, shown=False)
    rows = [[button(turn, "md_accept", case, "acc"), button(turn, "md_decline", case, "dec")]]
    return Reply([Outbound(neutral_summary(ctx, case, turn.lang) + "\n\n" + rules_and_rights(ctx, turn.lang), rows)])


def neutral_summary(ctx: MediationContext, case: MediationCase, lang: str) -> str:
    """What the other party is shown: no phone number, the applicant's words marked as theirs."""
    fields = case.fields
    return ctx.t("md_summary", lang, number=case.number, applicant=fields.get("name", ""),
                 kind=ctx.data.option("kind", case.kind, lang), committee=ctx.committee(case.station_id, lang),
                 way=ctx.data.option("way", fields.get("way", ""), lang), facts=fields.get("facts", ""),
                 wishes=fields.get("wishes", ""))


def rules_and_rights(ctx: MediationContext, lang: str) -> str:
    """人民调解法 第十七条 (voluntary) and 第二十三条 (the parties' rights), quoted from the statute table."""
    voluntary = ctx.article("voluntary")
    rights = ctx.article("rights")
    return ctx.t("md_rules", lang, voluntary=voluntary.heading(), rights_heading=rights.heading(),
                 rights=rights.text)


def answer_invitation(turn: Turn, case: MediationCase, accept: bool) -> Reply | Outbound | None:
    ctx, repos, now = _ctx(turn), turn.repos, turn.now
    if turn.conversation.data.get(INVITE_KEY) != case.id:
        return None  # only whoever opened the link may answer it
    turn.conversation.data = {k: v for k, v in turn.conversation.data.items() if k != INVITE_KEY}
    if not repos.mediation.answer_invitation(case.id, turn.user.id, accept, now):
        return Outbound(turn.t("md_invite_used"), [[turn.node_button(turn.assistant.content.menu.root)]])
    case = repos.mediation.get(case.id)
    applicant = case.applicant
    if accept:
        turn.user.consent, turn.user.consent_at = "granted", turn.user.consent_at or now
        repos.mediation.log(case, "accepted", "respondent", now)
        told = Outbound(ctx.t("md_told_accepted", applicant.language, number=case.number))
        repos.notifications.add(applicant.id, told, now)
        staff.tell_mediator(ctx, repos, case, ctx.t("md_staff_accepted", number=case.number), now)
        return Outbound(turn.t("md_accepted_you", number=case.number),
                        [[turn.node_button("records"), turn.node_button(turn.assistant.content.menu.root)]])
    repos.mediation.log(case, "declined", "respondent", now)
    tell_declined(ctx, repos, case, now)
    staff.tell_mediator(ctx, repos, case, ctx.t("md_staff_declined", number=case.number), now)
    return Outbound(turn.t("md_declined_you", article=ctx.article("voluntary").heading()),
                    [[turn.node_button(turn.assistant.content.menu.root)]])


def tell_declined(ctx: MediationContext, repos: Repositories, case: MediationCase, now) -> None:
    """The applicant hears the refusal politely, with the other paths open to them."""
    applicant = case.applicant
    lang = applicant.language
    text = ctx.t("md_told_declined", lang, number=case.number, article=ctx.article("voluntary").heading())
    rows = [[Button(ctx.t("md_path_aid", lang), go("aid")), Button(ctx.t("md_path_staff", lang), go("human"))]]
    repos.notifications.add(applicant.id, Outbound(text, rows), now)


# --- a party's presses ----------------------------------------------------------------------------------------

def press(turn: Turn, arg: str) -> Reply | Outbound | None:
    """mdp:<case>.<action>: checked against the presser's part in the case; None when it does not resolve."""
    number, _, action = arg.partition(".")
    if not number.isdigit():
        return None
    repos = turn.repos
    case = repos.mediation.get(int(number), lock=True)
    if case is None:
        return None
    if action in ("acc", "dec"):
        return answer_invitation(turn, case, action == "acc")
    party = role_of(case, turn.user)
    if party is None:
        log.info("user %s pressed %s on a case that is not theirs", turn.user.id, action)
        return None
    if action == "tl":
        return case_view(turn, case)
    if action.startswith("t") and action[1:].isdigit():
        return pick_time(turn, case, party, int(action[1:]))
    if action in ("ok", "no"):
        return confirm_agreement(turn, case, party, action == "ok")
    if action in ("py", "pn"):
        return answer_follow_up(turn, case, party, action == "py")
    if action == "inv" and party is Party.APPLICANT:
        return reissue_invitation(turn, case)
    return None


def pick_time(turn: Turn, case: MediationCase, party: Party, index: int) -> Outbound | None:
    ctx, repos, now = _ctx(turn), turn.repos, turn.now
    times = (case.slots or {}).get("times") or []
    if case.status != Status.SCHEDULING or not 0 <= index < len(times):
        return Outbound(turn.t("md_time_closed"))
    case.slots = {**case.slots, party.value: index}
    repos.mediation.log(case, "picked", party.value, now, str(index + 1), shown=False)
    waiting_for = [p for p in (Party.APPLICANT, Party.RESPONDENT)
                   if (p is Party.APPLICANT or case.respondent_id is not None) and p.value not in case.slots]
    if waiting_for:
        return Outbound(turn.t("md_time_noted", when=staff.slot_text(ctx, times[index], turn.lang)))
    return staff.settle_session(ctx, repos, case, now, turn.lang)


def confirm_agreement(turn: Turn, case: MediationCase, party: Party, agrees: bool) -> Outbound:
    ctx, repos, now = _ctx(turn), turn.repos, turn.now
    if case.status not in (Status.AGREED, Status.EFFECTIVE, Status.CONFIRMED):
        return Outbound(turn.t("md_nothing_to_confirm"))
    column = f"{party.value}_confirmed_at"
    if not agrees:
        repos.mediation.log(case, "disputed_text", party.value, now)
        staff.tell_mediator(ctx, repos, case, ctx.t("md_staff_disputed", number=case.number,
                                                    party=ctx.t(f"md_party_{party.value}")), now)
        return Outbound(turn.t("md_disputed_you"))
    if getattr(case, column) is None:
        setattr(case, column, now)
        case.updated_at = now
        repos.mediation.log(case, "confirmed_text", party.value, now)
        others_done = case.respondent_id is None or (case.applicant_confirmed_at and case.respondent_confirmed_at)
        if others_done:
            staff.tell_mediator(ctx, repos, case, ctx.t("md_staff_both_confirmed", number=case.number), now)
    confirmed_at = getattr(case, column)
    return Outbound(turn.t("md_confirmed_you", number=case.number, when=ctx.when(confirmed_at, turn.lang),
                           station=ctx.station_address(case.station_id, turn.lang)))


def answer_follow_up(turn: Turn, case: MediationCase, party: Party, performed: bool) -> Outbound:
    ctx, repos, now = _ctx(turn), turn.repos, turn.now
    if case.perform_by is None or case.effective_on is None:
        return Outbound(turn.t("md_nothing_to_confirm"))
    setattr(case, f"{party.value}_performed", "yes" if performed else "no")
    repos.mediation.log(case, "performed" if performed else "not_performed", party.value, now)
    answered = [case.applicant_performed] + ([case.respondent_performed] if case.respondent_id else [])
    if all(answered) and case.status in (Status.EFFECTIVE, Status.CONFIRMED):
        case.status = Status.CLOSED.value
    case.updated_at = now
    if performed:
        return Outbound(turn.t("md_performed_thanks"))
    staff.tell_mediator(ctx, repos, case, ctx.t("md_staff_not_performed", number=case.number,
                                                party=ctx.t(f"md_party_{party.value}")), now)
    return Outbound(next_steps(ctx, case, turn.lang),
                    [[Button(turn.t("md_path_aid"), go("aid")), Button(turn.t("md_path_staff"), go("human"))]])


def next_steps(ctx: MediationContext, case: MediationCase, lang: str) -> str:
    """Not performed: with a court's confirmation, enforcement; without, a suit on the agreement or legal aid."""
    if case.ruling == "confirmed":
        return ctx.t("md_next_enforce", lang, court=ctx.court(lang),
                     article=ctx.article("enforcement").heading(),
                     mediation_article=ctx.article("confirmation").heading())
    return ctx.t("md_next_sue", lang, article=ctx.article("sue_on_agreement").heading(), court=ctx.court(lang))


def reissue_invitation(turn: Turn, case: MediationCase) -> Reply | Outbound:
    """A fresh link for a case still waiting for the other party; the old one stops working."""
    ctx, now = _ctx(turn), turn.now
    if case.status != Status.INVITED or case.respondent_id is not None or case.invite_used_at is not None:
        return Outbound(turn.t("md_invite_not_needed"))
    token = new_token()
    case.invite_hash = token_hash(token)
    case.invite_expires_at = now + timedelta(days=int(ctx.config["invitation_days"]))
    case.updated_at = now
    turn.repos.mediation.log(case, "invite_reissued", "applicant", now, shown=False)
    return Reply([invitation(turn, case, token)])


# --- 我的记录 -------------------------------------------------------------------------------------------------

def records_section(turn: Turn) -> tuple[str, list[list[Button]]]:
    """The user's cases, as applicant or respondent, each with a button to its timeline."""
    ctx = _ctx(turn)
    cases = turn.repos.mediation.of_user(turn.user.id)
    if not cases:
        return "", []
    lines, rows = [], []
    for case in cases:
        party = role_of(case, turn.user)
        lines.append(turn.t("md_record_line", number=case.number, kind=ctx.data.option("kind", case.kind, turn.lang),
                            status=turn.t(f"md_status_{case.status}"), party=turn.t(f"md_party_{party.value}")))
        rows.append([button(turn, "md_open_case", case, "tl", number=case.number)])
    return turn.t("md_records_heading") + "\n" + "\n".join(lines), rows


def case_view(turn: Turn, case: MediationCase) -> Outbound:
    """One case for a party: where it stands, what comes next, and its timeline."""
    ctx, lang = _ctx(turn), turn.lang
    party = role_of(case, turn.user)
    lines = [turn.t("md_case_heading", number=case.number, kind=ctx.data.option("kind", case.kind, lang),
                    status=turn.t(f"md_status_{case.status}"), committee=ctx.committee(case.station_id, lang))]
    if case.session_at is not None:
        lines.append(turn.t("md_case_session", when=ctx.when(case.session_at, lang), place=case.session_place or "—"))
    if case.effective_on is not None:
        deadline = case.effective_on + timedelta(days=int(ctx.config["judicial_confirmation"]["window_days"]))
        lines.append(turn.t("md_case_effective", date=case.effective_on.isoformat(), deadline=deadline.isoformat()))
    events = turn.repos.mediation.events(case.id, shown_only=True)
    timeline = [turn.t("md_timeline_line", when=ctx.when(e.at, lang), what=turn.t(f"md_event_{e.kind}"))
                for e in events]
    lines.append(turn.t("md_timeline") + "\n" + "\n".join(timeline))
    rows = []
    if party is Party.APPLICANT and case.status == Status.INVITED and case.respondent_id is None:
        rows.append([button(turn, "md_reissue", case, "inv")])
    rows.append([turn.node_button("records"), turn.node_button(turn.assistant.content.menu.root)])
    return Outbound("\n\n".join(lines), rows)
