"""定制化: what only the lectures service can say about the custom-lecture request (forms/lecture_request.yml)."""

from __future__ import annotations

from bot.core.messages import Outbound
from bot.core.turn import Turn
from bot.db.models import FormDraft, LectureRequest
from bot.forms.definition import Choice
from bot.forms.engine import FormHooks
from bot.lectures.context import LectureContext

FORM = "lecture_request"
NODE = "lecture_request"


def topics(turn: Turn) -> list[Choice]:
    ctx = LectureContext.of(turn.assistant)
    return [Choice(topic, {lang: ctx.topic_name(topic, lang) for lang in ("zh", "en")}) for topic in ctx.topics]


def submit(turn: Turn, draft: FormDraft) -> Outbound:
    """File the request for staff, number it, and take the resident back to the lectures."""
    from bot.core import screens

    ctx, data = LectureContext.of(turn.assistant), draft.data
    request = LectureRequest(
        user_id=turn.user.id,
        organisation=data["organisation"],
        audience_size=int(data["audience"]),
        topics=data["topics"],
        preferred_dates=data["dates"],
        contact_phone=data["phone"],
        status="new",
        created_at=turn.now,
    )
    turn.repos.lectures.requests.add(request, ctx.config.request_prefix, ctx.local(turn.now).year)
    outbound = screens.show_node(turn, "lectures")
    outbound.text = f"{turn.t('lecreq_submitted', reference=request.reference).strip()}\n\n{outbound.text}"
    return outbound


HOOKS = FormHooks(submit=submit, sources={"lecture_topics": topics})
