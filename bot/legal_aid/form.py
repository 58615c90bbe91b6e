"""The guided legal-aid application in the chat: one step at a time, kept as a draft row that survives restarts."""

from __future__ import annotations

import unicodedata
from zoneinfo import ZoneInfo

from bot.core.content import MenuNode
from bot.core.messages import Button, FileRef, Outbound, Reply
from bot.core.stations import Station
from bot.core.turn import Turn
from bot.db.models import AidApplication, AidDraft
from bot.legal_aid import context as aid_context
from bot.legal_aid import wage_helper
from bot.legal_aid.eligibility import Decision, Facts, evaluate
from bot.legal_aid.parsing import InputError, parse_amount, parse_name, parse_phone
from bot.legal_aid.summary import yuan
from bot.legal_aid.tracking import Status

NODE = "aid"
VERB = "aid"  # aid:<arg>; see press() for the arguments
MAX_TEXT = 500
MAX_PARTY = 100
NO_AMOUNT = {"0", "无", "没有", "不涉及", "none", "no"}  # not every matter is about money

APPLICANT_STEPS = ("claim", "applicant")
FIELD_STEPS = ("name", "phone", "town", "matter", "party", "amount", "description", "evidence", "hardship")
STEPS = APPLICANT_STEPS + wage_helper.STEPS + FIELD_STEPS + ("review",)
EDITABLE = ("applicant", "name", "phone", "town", "matter", "party", "amount", "description", "evidence", "hardship")
TYPED = {"name", "phone", "party", "amount", "description", "hardship"} | set(wage_helper.TYPED)


def button(label: str, arg: str) -> Button:
    return Button(label, f"{VERB}:{arg}")


def local_today(turn: Turn):
    return turn.now.astimezone(ZoneInfo(turn.assistant.settings.timezone)).date()


# --- the draft ------------------------------------------------------------------------------------------------

def current_draft(turn: Turn) -> AidDraft | None:
    return turn.repos.aid.draft_for(turn.user.id)


def save(turn: Turn, draft: AidDraft, data: dict, step: str | None = None) -> None:
    """Store a new copy of the data: changing the JSON in place would go unnoticed and unsaved."""
    draft.data = dict(data)
    if step is not None:
        draft.step = step
    draft.updated_at = turn.now


def _filled(turn: Turn, data: dict, step: str) -> bool:
    if step in wage_helper.STEPS:
        return data.get("claim") != "wages"  # the helper is for wage claims, and asks every question
    if step == "hardship":
        return not decide(turn, data).needs_hardship_declaration or bool(data.get("hardship"))
    if step == "evidence":
        return bool(data.get("evidence_done"))
    return step in data


def next_step(turn: Turn, data: dict, after: str) -> str:
    """The first step after `after` still to answer; after an edit, straight back to the review."""
    if data.get("editing") and after not in wage_helper.STEPS:
        # a changed answer may now call for a hardship declaration that was not needed before
        return "review" if _filled(turn, data, "hardship") else "hardship"
    for step in STEPS[STEPS.index(after) + 1:]:
        if step == "review" or not _filled(turn, data, step):
            return step
    return "review"


def decide(turn: Turn, data: dict) -> Decision:
    facts = Facts(matter=data.get("matter"), claim=data.get("claim"), applicant=frozenset(data.get("applicant", [])))
    return evaluate(aid_context.book_of(turn.assistant), facts)


# --- rendering -------------------------------------------------------------------------------------------------

def limits_text(turn: Turn) -> str:
    config = turn.assistant.settings.legal_aid
    return turn.t("aid_file_limits", types=config.file_type_names, mb=f"{config.max_file_mb:g}", count=config.max_files)


def aid_screen(turn: Turn, node: MenuNode, arg: str) -> Outbound:
    """The application at its current step; it starts on first visit (after consent) and resumes afterwards."""
    if not turn.consented:
        text = f"{turn.t('aid_intro', limits=limits_text(turn)).strip()}\n\n{turn.t('aid_consent_needed').strip()}"
        return turn.screen(node, text, [button(turn.t("aid_consent_button"), "consent")])
    draft = current_draft(turn)
    if draft is None:
        data = {"town": turn.user.station_id} if turn.assistant.stations.get(turn.user.station_id) else {}
        draft = turn.repos.aid.start_draft(turn.user.id, STEPS[0], data, turn.now)
    if draft.step not in STEPS:
        save(turn, draft, draft.data, STEPS[0])
    return render_step(turn, node, draft)


def render_step(turn: Turn, node: MenuNode, draft: AidDraft) -> Outbound:
    step, data = draft.step, draft.data
    buttons: list[Button] = []
    rows: list[list[Button]] = []
    if step == "review":
        return review_screen(turn, node, draft)
    if step in wage_helper.STEPS:
        text, buttons, rows = wage_helper.render(turn, draft, button)
    elif step == "claim":
        book = aid_context.book_of(turn.assistant)
        text = f"{turn.t('aid_intro', limits=limits_text(turn)).strip()}\n\n{turn.t('aid_ask_claim').strip()}"
        buttons = [button(names[turn.lang], f"c.{claim}") for claim, names in book.claims.items()]
    elif step == "applicant":
        book = aid_context.book_of(turn.assistant)
        chosen = data.get("applicant", [])
        text = turn.t("aid_ask_applicant")
        rows = [[button(("✅ " if key in chosen else "") + names[turn.lang], f"a.{key}")]
                for key, names in book.applicant_categories.items()]
        rows.append([button(turn.t("aid_done_button"), "a.done")])
    elif step == "town":
        from bot.core import screens

        text = turn.t("aid_ask_town")
        rows = screens.station_rows(turn, lambda station: button(station.name(turn.lang), f"town.{station.id}"))
    elif step == "matter":
        text = turn.t("aid_ask_matter")
        topics = aid_context.topic_names(turn.assistant.settings.knowledge_dir)
        buttons = [button(names["en" if turn.lang == "en" else "zh"], f"m.{topic}") for topic, names in topics.items()]
    elif step == "evidence":
        count = len(turn.repos.aid.evidence_of_draft(draft.id))
        text = f"{turn.t('aid_ask_evidence').strip()}\n{limits_text(turn)}\n{turn.t('aid_evidence_count', count=count)}"
        rows = [[button(turn.t("aid_evidence_done_button" if count else "aid_evidence_skip_button"), "next")]]
    elif step == "hardship":
        decision = decide(turn, data)
        text = "\n\n".join([eligibility_text(turn, decision), turn.t("aid_ask_hardship").strip()])
    else:
        text = turn.t(f"aid_ask_{step}")
        if step in data:
            text = f"{text.strip()}\n{turn.t('aid_current_value', value=field_value(turn, draft, step))}"
    return turn.screen(node, f"{text.strip()}\n\n{turn.t('aid_cancel_hint').strip()}", buttons, rows=rows)


def eligibility_text(turn: Turn, decision: Decision) -> str:
    outcome = "aid_eligibility_fast_track" if decision.fast_track else "aid_eligibility_hardship"
    explanation = decision.explanation.get(turn.lang) or decision.explanation.get("zh", "")
    citations = aid_context.citation_text(turn.assistant, decision)
    return "\n".join([turn.t(outcome).strip(), explanation.strip(), turn.t("aid_eligibility_basis", citations=citations)])


def field_value(turn: Turn, draft: AidDraft, field: str) -> str:
    data = draft.data
    unknown = turn.t("aid_summary_unknown")
    if field == "applicant":
        book = aid_context.book_of(turn.assistant)
        names = [book.applicant_categories[key][turn.lang] for key in data.get("applicant", [])
                 if key in book.applicant_categories]
        return turn.t("hours_joiner").join(names) or turn.t("aid_applicant_none")
    if field == "town":
        station = turn.assistant.stations.get(data.get("town"))
        return station.name(turn.lang) if station else unknown
    if field == "matter":
        topics = aid_context.topic_names(turn.assistant.settings.knowledge_dir)
        names = topics.get(data.get("matter", ""))
        return names["en" if turn.lang == "en" else "zh"] if names else unknown
    if field == "amount":
        return turn.t("aid_amount_value", amount=data["amount"]) if data.get("amount") else unknown
    if field == "evidence":
        return turn.t("aid_evidence_count", count=len(turn.repos.aid.evidence_of_draft(draft.id)))
    return str(data.get(field) or unknown)


def review_screen(turn: Turn, node: MenuNode, draft: AidDraft) -> Outbound:
    """Everything the applicant gave, the eligibility outcome with its citation, an edit button per field, submit."""
    data = draft.data
    fields = [f for f in EDITABLE if f != "hardship" or data.get("hardship")]
    lines = [turn.t("aid_review_heading").strip()]
    if data.get("claim") == "wages" and data.get("wage"):
        lines.append(turn.t("aid_review_wage", owed=data["wage"].get("owed", "")))
    lines += [f"{turn.t(f'aid_field_{f}')}：{field_value(turn, draft, f)}" for f in fields]
    lines += ["", eligibility_text(turn, decide(turn, data))]
    edit = [button(turn.t("aid_edit_button", field=turn.t(f"aid_field_{f}")), f"e.{f}") for f in fields]
    rows = [[button(turn.t("aid_submit_button"), f"submit.{draft.id}")]]
    if data.get("claim") == "wages" and data.get("wage", {}).get("owed"):
        rows.insert(0, [button(turn.t("aid_summary_button"), "summary")])  # now with the name and phone in it
    return turn.screen(node, "\n".join(lines), edit, rows=rows)


def show(turn: Turn, problem: str | None = None, **values) -> Outbound:
    from bot.core import screens

    outbound = screens.show_node(turn, NODE)
    if problem:
        outbound.text = f"{turn.t(problem, **values).strip()}\n\n{outbound.text}"
    return outbound


# --- answers -----------------------------------------------------------------------------------------------

def take_text(turn: Turn, text: str) -> Reply | None:
    """A typed answer to the current step; None when no application is in progress."""
    draft = current_draft(turn)
    if draft is None or not turn.consented or draft.step not in STEPS:
        return None
    step, data = draft.step, dict(draft.data)
    value = unicodedata.normalize("NFKC", text).strip()
    if step == "evidence":
        return Reply([show(turn, "aid_file_expected")])
    if step == "town":  # a typed name does as well as a button: 潞源, 台湖镇
        station = turn.assistant.stations.resolve(value)
        if station is None:
            return Reply([show(turn, "aid_unknown_town", text=value[:20])])
        return Reply([choose_town(turn, draft, station)])
    if step not in TYPED:
        return Reply([show(turn, "aid_use_buttons")])
    try:
        if step in wage_helper.STEPS:
            redirect = wage_helper.take(turn, data, step, value)
            if redirect is not None:  # the calculation failed: back to the step at fault
                back_to, code = redirect
                save(turn, draft, data, back_to)
                return Reply([show(turn, f"aid_error_{code}")])
        elif step == "name":
            data["name"] = parse_name(value)
        elif step == "phone":
            data["phone"] = parse_phone(value)
        elif step == "amount" and value.lower() in NO_AMOUNT:
            data["amount"] = ""
        elif step == "amount":
            amount = parse_amount(value)
            data["amount"] = yuan(amount.yuan) + ("+" if amount.approximate else "")
        elif step in ("party", "description", "hardship"):
            limit = MAX_PARTY if step == "party" else MAX_TEXT
            if not 2 <= len(value) <= limit:
                return Reply([show(turn, "aid_bad_text", limit=limit)])
            data[step] = value
    except InputError as error:
        return Reply([show(turn, f"aid_error_{error.code}")])
    save(turn, draft, data, next_step(turn, data, step))
    return Reply([show(turn)])


def choose_town(turn: Turn, draft: AidDraft, station: Station, note: str | None = None,
                values: dict | None = None) -> Outbound:
    """The station that will handle the application; then on to the next step, with an optional note."""
    data = dict(draft.data)
    data["town"] = station.id
    save(turn, draft, data, next_step(turn, data, "town"))
    return show(turn, note, **(values or {}))


def take_location(turn: Turn, station: Station, km: float) -> Reply | None:
    """At the town step, a shared location chooses the nearest station; elsewhere it is not the form's."""
    draft = current_draft(turn)
    if draft is None or draft.step != "town" or not turn.consented:
        return None
    from bot.core import screens

    values = {"nearest": screens.nearest_note(turn, station, km), "station": station.name(turn.lang)}
    return Reply([choose_town(turn, draft, station, "aid_town_from_location", values)])


def wants_file(turn: Turn, ref: FileRef | None) -> str | None:
    """Why a file cannot be taken (a text key), or None when the channel should download it."""
    draft = current_draft(turn)
    if draft is None or draft.step != "evidence" or not turn.consented:
        return "aid_file_not_now" if draft is not None else "text_expected"
    config = turn.assistant.settings.legal_aid
    if ref is None or ref.mime_type not in config.file_types:  # voice, stickers and the like
        return "aid_file_bad_type"
    if ref.size <= 0 or ref.size > config.max_file_mb * 1024 * 1024:
        return "aid_file_too_large"
    if len(turn.repos.aid.evidence_of_draft(draft.id)) >= config.max_files:
        return "aid_file_too_many"
    return None


def take_file(turn: Turn, ref: FileRef | None, content: bytes | None) -> Reply:
    """Keep an evidence file with the draft, or say why not and what to send instead."""
    problem = wants_file(turn, ref)
    if problem == "text_expected":
        current = turn.assistant.current_screen(turn)
        return Reply([Outbound(turn.t("text_expected").strip(), current.buttons)])
    limit = turn.assistant.settings.legal_aid.max_file_mb * 1024 * 1024
    if problem is None and (content is None or len(content) > limit):
        problem = "aid_file_too_large" if content else "aid_file_failed"
    if problem is not None:
        return Reply([show(turn, problem, limits=limits_text(turn))])
    draft = current_draft(turn)
    assert draft is not None and ref is not None and content is not None
    name = (ref.name or "file")[-100:]
    turn.repos.aid.add_evidence(draft, name, ref.mime_type, content, turn.now)
    save(turn, draft, draft.data)
    return Reply([show(turn, "aid_file_received", name=name)])


def press(turn: Turn, arg: str) -> Outbound | Reply | None:
    """aid: buttons: consent, c.<claim>, a.<category>|a.done, town.<station>, m.<topic>, next, summary,
    w.<choice> (wage helper), e.<field> (edit from the review), submit.<draft id>."""
    if arg == "consent":
        turn.user.consent, turn.user.consent_at = "granted", turn.now
        return show(turn, "consent_granted")
    if arg.startswith("submit."):
        return submit(turn, arg.removeprefix("submit."))
    draft = current_draft(turn)
    if draft is None or not turn.consented:
        return None
    step, data = draft.step, dict(draft.data)
    kind, _, value = arg.partition(".")
    book = aid_context.book_of(turn.assistant)
    if kind == "c" and step == "claim" and value in book.claims:
        data["claim"] = value
    elif kind == "a" and step == "applicant" and value in book.applicant_categories:
        chosen = list(data.get("applicant", []))
        data["applicant"] = [c for c in chosen if c != value] if value in chosen else chosen + [value]
        save(turn, draft, data)
        return show(turn)
    elif kind == "a" and step == "applicant" and value == "done":
        data.setdefault("applicant", [])
    elif kind == "town" and step == "town" and turn.assistant.stations.get(value):
        data["town"] = value
    elif kind == "m" and step == "matter" and value in aid_context.topic_names(turn.assistant.settings.knowledge_dir):
        data["matter"] = value
    elif kind == "next" and step == "evidence":
        data["evidence_done"] = True
    elif (kind in ("w", "summary", "next") and step in wage_helper.STEPS) or (kind == "summary" and step == "review"):
        outcome = wage_helper.press(turn, draft, data, kind, value)
        if outcome is None or isinstance(outcome, Reply):
            return outcome
        save(turn, draft, data, next_step(turn, data, step) if outcome == "next" else outcome)
        return show(turn)
    elif kind == "e" and step == "review" and value in EDITABLE:
        data["editing"] = True
        save(turn, draft, data, value)
        return show(turn)
    else:
        return None
    save(turn, draft, data, next_step(turn, data, step))
    return show(turn)


# --- submitting ------------------------------------------------------------------------------------------------

def submit(turn: Turn, draft_ref: str) -> Outbound | Reply | None:
    """File the application once: the draft is consumed under the user's row lock, so a second press finds it gone."""
    from bot.handoff.context import HandoffContext
    from bot.legal_aid import staff_notices

    if not draft_ref.isdigit():
        return None
    draft = current_draft(turn)
    if draft is None or draft.id != int(draft_ref):
        earlier = turn.repos.aid.by_draft(int(draft_ref))
        if earlier is None or earlier.user_id != turn.user.id:
            return None
        return Reply([Outbound(turn.t("aid_already_submitted", number=earlier.tracking_number).strip())])
    if draft.step != "review":
        return None
    data = draft.data
    decision = decide(turn, data)
    fields = {key: data.get(key) for key in ("name", "phone", "party", "amount", "description", "hardship", "applicant")}
    application = AidApplication(
        user_id=turn.user.id, station_id=data.get("town"), matter=data.get("matter", "other"),
        claim=data.get("claim", "other"), fields=fields, wage_data=data.get("wage"),
        decision={"rule": decision.rule_id, "fast_track": decision.fast_track}, status=Status.SUBMITTED.value,
        submitted_at=turn.now, updated_at=turn.now,
    )
    year = turn.now.astimezone(ZoneInfo(turn.assistant.settings.timezone)).year
    turn.repos.aid.submit(draft, application, year)
    staff_notices.post_new(HandoffContext.of(turn.assistant), turn.repos, application, turn.now)
    station = turn.assistant.stations.get(application.station_id)
    from bot.core import screens

    home = screens.show_node(turn, turn.assistant.content.menu.root)
    done = turn.t("aid_submitted", number=application.tracking_number,
                  station=station.name(turn.lang) if station else turn.t("aid_summary_unknown"))
    home.text = f"{done.strip()}\n\n{home.text}"
    return home


def records_section(turn: Turn) -> str:
    """Lines for 我的记录: each application's tracking number and status."""
    applications = turn.repos.aid.for_user(turn.user.id)
    if not applications:
        return ""
    lines = [turn.t("aid_records_heading").strip()]
    lines += [turn.t("aid_records_line", number=a.tracking_number, status=turn.t(f"aid_status_{a.status}"))
              for a in applications]
    return "\n".join(lines)

