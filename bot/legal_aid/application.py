"""What only legal aid can say about its application form (forms/legal_aid.yml): the eligibility rules, the
submission with its tracking number, and 我的记录."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.core import screens
from bot.core.messages import Button, Outbound, Reply
from bot.core.turn import Turn
from bot.db.models import AidApplication, AidEvidence, FormDraft
from bot.forms.definition import Choice
from bot.forms.engine import FormHooks, FormRunner
from bot.handoff.context import HandoffContext
from bot.legal_aid import context as aid_context
from bot.legal_aid import staff_notices, wage_helper
from bot.legal_aid.eligibility import Decision, Facts, evaluate
from bot.legal_aid.tracking import Status

FORM = "legal_aid"
FIELDS = ("name", "phone", "party", "amount", "description", "hardship", "applicant")


def decide(turn: Turn, data: dict) -> Decision:
    facts = Facts(matter=data.get("matter"), claim=data.get("claim"), applicant=frozenset(data.get("applicant", [])))
    return evaluate(aid_context.book_of(turn.assistant), facts)


def needs_hardship(turn: Turn, data: dict) -> bool:
    return decide(turn, data).needs_hardship_declaration


def eligibility_text(turn: Turn, decision: Decision) -> str:
    outcome = "aid_eligibility_fast_track" if decision.fast_track else "aid_eligibility_hardship"
    explanation = decision.explanation.get(turn.lang) or decision.explanation.get("zh", "")
    citations = aid_context.citation_text(turn.assistant, decision)
    return "\n".join([turn.t(outcome).strip(), explanation.strip(), turn.t("aid_eligibility_basis", citations=citations)])


def limits_text(turn: Turn) -> str:
    config = turn.assistant.settings.legal_aid
    return turn.t("aid_file_limits", types=config.file_type_names, mb=f"{config.max_file_mb:g}", count=config.max_files)


# --- choices ------------------------------------------------------------------------------------------------

def claims(turn: Turn) -> list[Choice]:
    return [Choice(key, names) for key, names in aid_context.book_of(turn.assistant).claims.items()]


def applicant_categories(turn: Turn) -> list[Choice]:
    return [Choice(key, names) for key, names in aid_context.book_of(turn.assistant).applicant_categories.items()]


def topics(turn: Turn) -> list[Choice]:
    return [Choice(topic, names) for topic, names in aid_context.topic_names(turn.assistant.settings.knowledge_dir).items()]


# --- the review -----------------------------------------------------------------------------------------------

def wage_line(turn: Turn, draft: FormDraft, runner: FormRunner) -> list[str]:
    data = draft.data
    if data.get("claim") == "wages" and data.get("wage"):
        return [turn.t("aid_review_wage", owed=data["wage"].get("owed", ""))]
    return []


def eligibility_lines(turn: Turn, draft: FormDraft, runner: FormRunner) -> list[str]:
    return [eligibility_note(turn, draft)]


def eligibility_note(turn: Turn, draft: FormDraft) -> str:
    """The outcome of the rules, with its citation: before the hardship question and on the review."""
    return eligibility_text(turn, decide(turn, draft.data))


def wage_summary(turn: Turn, draft: FormDraft, runner: FormRunner) -> list[list[Button]]:
    """The one-page summary again, now with the name and phone in it."""
    data = draft.data
    if data.get("claim") == "wages" and data.get("wage", {}).get("owed"):
        return [[runner.button(turn.t("aid_summary_button"), "x.summary")]]
    return []


# --- submitting ---------------------------------------------------------------------------------------------

def submit(turn: Turn, draft: FormDraft) -> Outbound:
    """File the application, move the evidence to it, tell the station's staff group, and give the number."""
    data = draft.data
    decision = decide(turn, data)
    application = AidApplication(
        user_id=turn.user.id, station_id=data.get("town"), matter=data.get("matter", "other"),
        claim=data.get("claim", "other"), fields={key: data.get(key) for key in FIELDS}, wage_data=data.get("wage"),
        decision={"rule": decision.rule_id, "fast_track": decision.fast_track}, status=Status.SUBMITTED.value,
        submitted_at=turn.now, updated_at=turn.now,
    )
    year = turn.now.astimezone(ZoneInfo(turn.assistant.settings.timezone)).year
    evidence = [AidEvidence(file_name=f.file_name, mime_type=f.mime_type, size=f.size, content=f.content,
                            created_at=f.created_at) for f in turn.repos.forms.files_of(draft.id, "evidence")]
    turn.repos.aid.submit(draft.id, application, year, evidence)
    staff_notices.post_new(HandoffContext.of(turn.assistant), turn.repos, application, turn.now)
    station = turn.assistant.stations.get(application.station_id)
    home = screens.show_node(turn, turn.assistant.content.menu.root)
    done = turn.t("aid_submitted", number=application.tracking_number,
                  station=station.name(turn.lang) if station else turn.t("aid_summary_unknown"))
    home.text = f"{done.strip()}\n\n{home.text}"
    return home


def already(turn: Turn, draft_id: int) -> Reply | None:
    """A second press of submit: the number already given, or nothing for a draft that is not the user's."""
    earlier = turn.repos.aid.by_draft(draft_id)
    if earlier is None or earlier.user_id != turn.user.id:
        return None
    return Reply([Outbound(turn.t("aid_already_submitted", number=earlier.tracking_number).strip())])


def records_section(turn: Turn) -> tuple[str, list]:
    """Lines for 我的记录: each application's tracking number and status."""
    applications = turn.repos.aid.for_user(turn.user.id)
    if not applications:
        return "", []
    lines = [turn.t("aid_records_heading").strip()]
    lines += [turn.t("aid_records_line", number=a.tracking_number, status=turn.t(f"aid_status_{a.status}"))
              for a in applications]
    return "\n".join(lines), []


HOOKS = FormHooks(
    submit=submit,
    already=already,
    sources={"claims": claims, "applicant_categories": applicant_categories, "topics": topics},
    checks={"needs_hardship": needs_hardship},
    parsers={"wage": wage_helper.parse},
    notes={"eligibility": eligibility_note},
    renders={"wage_result": wage_helper.result},
    actions={"nodays": wage_helper.no_days, "summary": wage_helper.summary_file},
    on_done={"wage_prefill": wage_helper.prefill},
    review={"wage_line": wage_line, "eligibility": eligibility_lines, "wage_summary": wage_summary},
    values=lambda turn: {"limits": limits_text(turn)},
)
