"""The mediation application on the form engine: forms/mediation.yml asks; these hooks file the case."""

from __future__ import annotations

from bot.core.messages import Outbound, Reply
from bot.core.turn import Turn
from bot.db.models import FormDraft
from bot.forms.engine import FormHooks, FormRunner

FORM = "mediation"  # forms/mediation.yml


def submit(turn: Turn, draft: FormDraft) -> Outbound | Reply:
    from bot.mediation import parties  # parties shows this form again when an answer is missing

    return parties.submit(turn, dict(draft.data))


def skip(turn: Turn, draft: FormDraft, data: dict) -> str:
    """The other party's phone is not known: the step is done without it."""
    return "done"


def share_notice(turn: Turn, draft: FormDraft, runner: FormRunner) -> list[str]:
    """Under the answers: what the other party and the mediator will see, which submitting agrees to."""
    return [turn.t("md_share_notice").strip()]


HOOKS = FormHooks(submit=submit, actions={"skip": skip}, review={"share": share_notice})
