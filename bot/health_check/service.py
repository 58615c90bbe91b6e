"""The health check's report, follow-up and records: the questionnaire is forms/health_check.yml and the
scoring knowledge/health_check.yml; this file only shows what they say."""

from __future__ import annotations

import argparse
from zoneinfo import ZoneInfo

from bot.core.callbacks import Action
from bot.core.messages import Button, Outbound, Reply
from bot.core.turn import Turn
from bot.db.models import FormDraft, FormSubmission
from bot.forms.engine import FormHooks
from bot.health_check.scoring import LEVELS, Rules, assess, check_rules, load_rules
from bot.knowledge.laws import StatuteTable, statute_table
from bot.settings import Settings

FORM = "health_check"
NODE = "enterprise"  # where the report is shown: the enterprise services
FOLLOW_UP = "hcf"  # hcf:<submission id>: book a follow-up with the station
REPORT = "hcr"  # hcr:<submission id>: the report again, from 我的记录


def rules_of(settings: Settings) -> Rules:
    return load_rules(settings.knowledge_dir / "health_check.yml")


def statutes_of(settings: Settings) -> StatuteTable:
    return statute_table(settings.knowledge_dir / "laws")


def check(settings: Settings) -> None:
    """Refuse to start on a scoring file that names unknown questions or answers, or cites missing articles."""
    from bot.forms.definition import load_form

    form = load_form(settings.forms_dir / f"{FORM}.yml")
    answers = {step.id: {c.key for c in step.choices} for step in form.steps}
    problems = check_rules(rules_of(settings), answers, statutes_of(settings))
    if problems:
        raise ValueError("health-check rules have problems: " + "; ".join(problems))


def citation_text(statutes: StatuteTable, risk) -> str:
    """《劳动合同法》第十条、第八十二条: each law named once, its articles after it."""
    parts, previous = [], None
    for citation in risk.citations:
        article = statutes.article(citation.law, citation.article)
        if article is not None:
            parts.append(article.label if article.law_id == previous else article.heading())
            previous = article.law_id
    return "、".join(parts)


def counts(submission: FormSubmission) -> dict[str, int]:
    levels = list(submission.result.get("levels", {}).values())
    return {level: levels.count(level) for level in LEVELS}


def report_text(turn: Turn, submission: FormSubmission) -> str:
    """Per area: its level, each risk found with its legal basis and what to do."""
    settings, lang = turn.assistant.settings, turn.lang
    rules, statutes = rules_of(settings), statutes_of(settings)
    found = set(submission.result.get("risks", []))
    lines = [turn.t("hc_report_heading", company=submission.answers.get("company", ""),
                    reference=submission.reference).strip(),
             turn.t("hc_report_overall", **counts(submission)).strip()]
    for area in rules.areas:
        level = submission.result["levels"].get(area.id, "green")
        lines += ["", turn.t("hc_area_line", area=area.name[lang], level=turn.t(f"hc_level_{level}"))]
        for risk in (r for r in rules.risks if r.area == area.id and r.id in found):
            lines += [turn.t("hc_risk_finding", finding=risk.finding[lang]),
                      turn.t("hc_risk_basis", citations=citation_text(statutes, risk)),
                      turn.t("hc_risk_next", next_step=risk.next_step[lang])]
    lines += ["", turn.t("hc_report_footer").strip()]
    return "\n".join(lines)


def report_screen(turn: Turn, submission: FormSubmission, note: str = "") -> Outbound:
    """The report, on the enterprise services screen, with the follow-up button until one is booked."""
    node = turn.assistant.content.menu.nodes[NODE]
    turn.conversation.screen = NODE
    rows = [] if submission.follow_up_at else [
        [Button(turn.t("hc_follow_up_button"), Action(FOLLOW_UP, str(submission.id)).encode())]]
    text = report_text(turn, submission)
    return turn.screen(node, f"{note}\n\n{text}" if note else text, rows=rows)


def submit(turn: Turn, draft: FormDraft) -> Outbound:
    """Score the answers, keep them with a reference (QY-2026-000012), and show the report."""
    answers = {key: value for key, value in draft.data.items() if not key.startswith("_")}
    runner = turn.assistant.forms[FORM]
    submission = FormSubmission(form=FORM, draft_id=draft.id, user_id=turn.user.id, station_id=answers.get("station"),
                                answers=answers, result=assess(rules_of(turn.assistant.settings), answers),
                                created_at=turn.now)
    year = turn.now.astimezone(ZoneInfo(turn.assistant.settings.timezone)).year
    turn.repos.forms.add_submission(submission, runner.form.submitted_prefix, year)
    return report_screen(turn, submission)


def own_submission(turn: Turn, arg: str) -> FormSubmission | None:
    submission = turn.repos.forms.submission(int(arg)) if arg.isdigit() else None
    if submission is None or submission.form != FORM or submission.user_id != turn.user.id:
        return None
    return submission


def already(turn: Turn, draft_id: int) -> Outbound | None:
    """A second press of submit shows the report of the first."""
    submission = turn.repos.forms.submission_of_draft(FORM, draft_id)
    return report_screen(turn, submission) if submission and submission.user_id == turn.user.id else None


def follow_up(turn: Turn, arg: str) -> Outbound | Reply | None:
    """Book a follow-up: a request for the station's staff, with the report's findings, once per report."""
    submission = own_submission(turn, arg)
    if submission is None:
        return None
    if submission.follow_up_at is not None:
        return Reply(notice=turn.t("hc_follow_up_already").strip())
    company, reference = submission.answers.get("company", ""), submission.reference
    levels = submission.result.get("levels", {})
    risks = "、".join(f"{area}={level}" for area, level in levels.items() if level != "green") or "green"
    request = turn.t("hc_follow_up_request", company=company, reference=reference, risks=risks).strip()
    if turn.user.station_id is None and submission.station_id:
        turn.user.station_id = submission.station_id  # the enterprise's station takes the request
    ticket = turn.assistant.request_staff(turn, "health_check", request)
    if ticket is None:
        return Reply(notice=turn.t("hc_follow_up_unavailable", phone=turn.assistant.stations.district_phone).strip())
    submission.follow_up_at = turn.now
    ticket.text = f"{turn.t('hc_follow_up_booked', company=company, reference=reference).strip()}\n\n{ticket.text}"
    return ticket


def show_report(turn: Turn, arg: str) -> Outbound | None:
    submission = own_submission(turn, arg)
    return report_screen(turn, submission) if submission else None


def records_section(turn: Turn) -> tuple[str, list[list[Button]]]:
    """For 我的记录: each report's reference and levels, with a button to read it again."""
    submissions = turn.repos.forms.submissions_for(turn.user.id, FORM)
    if not submissions:
        return "", []
    lines, rows = [turn.t("hc_records_heading").strip()], []
    for submission in submissions:
        booked = turn.t("hc_records_follow_up") if submission.follow_up_at else ""
        lines.append(turn.t("hc_records_line", reference=submission.reference, follow_up=booked,
                            company=submission.answers.get("company", ""), **counts(submission)))
        rows.append([Button(turn.t("hc_view_report_button", reference=submission.reference),
                            Action(REPORT, str(submission.id)).encode())])
    return "\n".join(lines), rows


def staff_context(turn: Turn) -> tuple[list[str], str | None]:
    """For staff on a ticket: the latest health check, its levels, and its contact phone."""
    submissions = turn.repos.forms.submissions_for(turn.user.id, FORM)
    if not submissions:
        return [], None
    latest = submissions[-1]
    levels = ", ".join(f"{area}={level}" for area, level in latest.result.get("levels", {}).items())
    return [f"health_check {latest.reference}: {latest.answers.get('company', '')} ({levels})"], \
        latest.answers.get("phone")


def add_parser(commands) -> None:
    group = commands.add_parser("health-check", help="企业法律体检: reports and follow-up requests")
    sub = group.add_subparsers(dest="health_check_command", required=True)
    listing = sub.add_parser("list", help="reports, oldest first (phones masked)")
    listing.add_argument("--follow-up", action="store_true", help="only those that booked a follow-up")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """`legalbot health-check list`: reference, station, enterprise, levels, follow-up."""
    from bot.core.phones import mask
    from bot.db.engine import command_session
    from bot.forms.repository import FormRepository

    with command_session(settings.database_url, transaction=False) as session:
        for s in FormRepository(session).listing(FORM, follow_up_only=args.follow_up):
            c = counts(s)
            booked = s.follow_up_at.isoformat(timespec="minutes") if s.follow_up_at else "-"
            print(f"{s.reference}  {s.station_id or '-':<12} {s.answers.get('company', '')}  "
                  f"red={c['red']} amber={c['amber']} green={c['green']}  "
                  f"phone={mask(s.answers.get('phone') or '') if s.answers.get('phone') else '-'}  follow-up={booked}")
    return 0




HOOKS = FormHooks(submit=submit, already=already)
