"""定制化: a community or company asks for a lecture made for them, through a short form kept in conversation.data."""

from __future__ import annotations

import re
import unicodedata

from bot.core.content import MenuNode
from bot.core.messages import Button, Outbound, Reply
from bot.core.turn import Turn
from bot.db.models import LectureRequest
from bot.lectures import verbs
from bot.lectures.context import LectureContext
from bot.core.phones import normalise_phone

NODE = "lecture_request"
DRAFT = "lecture_request"  # conversation.data key; /cancel clears it with the rest
STEPS = ("organisation", "audience", "topics", "dates", "phone", "confirm")
MAX_AUDIENCE = 100_000
_AUDIENCE = re.compile(r"^\D{0,6}(\d{1,6})\D{0,6}$")


def _draft(turn: Turn) -> dict | None:
    """A copy of the form so far: changing the stored dict in place would go unnoticed and unsaved."""
    draft = turn.conversation.data.get(DRAFT)
    return dict(draft) if isinstance(draft, dict) else None


def _save(turn: Turn, draft: dict | None) -> None:
    data = {key: value for key, value in turn.conversation.data.items() if key != DRAFT}
    turn.conversation.data = {**data, DRAFT: draft} if draft is not None else data


def request_screen(turn: Turn, node: MenuNode, arg: str) -> Outbound:
    """The form at its current step; it starts when first shown and survives restarts."""
    ctx = LectureContext.of(turn.assistant)
    if not turn.consented:
        text = f"{turn.t('lecreq_intro').strip()}\n\n{turn.t('lecreq_consent_needed').strip()}"
        return turn.screen(node, text, [Button(turn.t("lec_consent_button"), verbs.consent("req"))])
    draft = _draft(turn)
    if draft is None or draft.get("step") not in STEPS:
        draft = {"step": STEPS[0]}
        _save(turn, draft)
    step = draft["step"]
    heading = turn.t("lecreq_step", number=STEPS.index(step) + 1, total=len(STEPS) - 1)
    buttons: list[Button] = []
    rows: list[list[Button]] = []
    if step == "confirm":
        text = f"{turn.t('lecreq_confirm_heading')}\n{summary(turn, ctx, draft)}"
        rows = [[Button(turn.t("lecreq_submit"), verbs.request("submit")),
                 Button(turn.t("lecreq_restart"), verbs.request("restart"))]]
    else:
        text = f"{heading}\n{turn.t(f'lecreq_ask_{step}').strip()}"
        if step == STEPS[0]:
            text = f"{turn.t('lecreq_intro').strip()}\n\n{text}"
        if step == "topics":
            chosen = draft.get("topics", [])
            buttons = [Button(("✅ " if topic in chosen else "") + ctx.topic_name(topic, turn.lang),
                              verbs.request(f"t.{topic}")) for topic in ctx.topics]
            rows = [[Button(turn.t("lecreq_topics_done"), verbs.request("next"))]]
    return turn.screen(node, text, buttons, rows=rows)


def summary(turn: Turn, ctx: LectureContext, draft: dict) -> str:
    topics = turn.t("hours_joiner").join(ctx.topic_name(topic, turn.lang) for topic in draft.get("topics", []))
    return turn.t("lecreq_summary", organisation=draft.get("organisation", ""), audience=draft.get("audience", ""),
                  topics=topics, dates=draft.get("dates", ""), phone=draft.get("phone", "")).strip()


def _advance(draft: dict) -> None:
    draft["step"] = STEPS[STEPS.index(draft["step"]) + 1]


def _show(turn: Turn, problem: str | None = None) -> Outbound:
    from bot.core import screens

    outbound = screens.show_node(turn, NODE)
    if problem:
        outbound.text = f"{turn.t(problem).strip()}\n\n{outbound.text}"
    return outbound


def take_text(turn: Turn, text: str) -> Reply | None:
    """A typed answer to the current step; None when no form is in progress (the text is then a question)."""
    draft = _draft(turn)
    if draft is None or draft.get("step") not in STEPS or not turn.consented:
        return None
    value = unicodedata.normalize("NFKC", text).strip()
    step, problem = draft["step"], None
    if step == "organisation":
        problem = None if 1 <= len(value) <= 100 else "lecreq_bad_organisation"
        draft["organisation"] = value
    elif step == "audience":
        match = _AUDIENCE.match(value)
        size = int(match[1]) if match else 0
        problem = None if 1 <= size <= MAX_AUDIENCE else "lecreq_bad_audience"
        draft["audience"] = size
    elif step == "dates":
        problem = None if 1 <= len(value) <= 200 else "lecreq_bad_dates"
        draft["dates"] = value
    elif step == "phone":
        phone = normalise_phone(value)
        problem = None if phone else "lecreq_bad_phone"
        draft["phone"] = phone
    else:
        problem = "lecreq_use_buttons"
    if problem is None:
        _advance(draft)
    _save(turn, draft)
    return Reply([_show(turn, problem)])


def press(turn: Turn, arg: str) -> Outbound | None:
    """lrq: buttons: toggle a topic, go on from topics, submit, or start again."""
    draft = _draft(turn)
    if draft is None or not turn.consented:
        return None
    step = draft.get("step")
    if arg.startswith("t.") and step == "topics":
        topic = arg[2:]
        if topic not in LectureContext.of(turn.assistant).topics:
            return None
        chosen = list(draft.get("topics", []))
        draft["topics"] = [t for t in chosen if t != topic] if topic in chosen else chosen + [topic]
        _save(turn, draft)
        return _show(turn)
    if arg == "next" and step == "topics":
        if not draft.get("topics"):
            return _show(turn, "lecreq_choose_a_topic")
        _advance(draft)
        _save(turn, draft)
        return _show(turn)
    if arg == "restart":
        _save(turn, {"step": STEPS[0]})
        return _show(turn)
    if arg == "submit" and step == "confirm":
        return submit(turn, draft)
    return None


def submit(turn: Turn, draft: dict) -> Outbound:
    """File the request for staff, number it, and take the resident back to the lectures."""
    from bot.core import screens

    ctx = LectureContext.of(turn.assistant)
    request = LectureRequest(
        user_id=turn.user.id,
        organisation=draft["organisation"],
        audience_size=draft["audience"],
        topics=draft["topics"],
        preferred_dates=draft["dates"],
        contact_phone=draft["phone"],
        status="new",
        created_at=turn.now,
    )
    turn.repos.lectures.requests.add(request, ctx.config.request_prefix, ctx.local(turn.now).year)
    _save(turn, None)
    outbound = screens.show_node(turn, "lectures")
    outbound.text = f"{turn.t('lecreq_submitted', reference=request.reference).strip()}\n\n{outbound.text}"
    return outbound
