"""The mediation application in the chat: the steps of intake.yml, a review with ✏️ per field, then the case.

The draft is kept in the conversation (`data["md"]`), so a restart loses nothing and /cancel drops it."""

from __future__ import annotations

import unicodedata

from bot.core.content import MenuNode, pick
from bot.core.messages import Button, Outbound, Reply
from bot.core.phones import normalise_phone
from bot.core.stations import Station
from bot.core.turn import Turn
from bot.mediation.context import MediationContext, Step

NODE = "mediation"
VERB = "md"  # md:<what>: a press on the application form
DRAFT = "md"


def _ctx(turn: Turn) -> MediationContext:
    return MediationContext.of(turn.assistant)


def _draft(turn: Turn) -> dict | None:
    draft = turn.conversation.data.get(DRAFT)
    return dict(draft) if isinstance(draft, dict) else None


def _save(turn: Turn, draft: dict | None) -> None:
    data = {key: value for key, value in turn.conversation.data.items() if key != DRAFT}
    if draft is not None:
        data[DRAFT] = draft
    turn.conversation.data = data


def intake_screen(turn: Turn, node: MenuNode, arg: str) -> Outbound:
    """🤝 在线调解: consent first, then the current step of the application (or its review)."""
    if not turn.consented:
        text = turn.t("md_intro") + "\n\n" + turn.t("md_consent_needed")
        return turn.screen(node, text, [turn.action_button(turn.t("md_consent_button"), VERB, "consent")])
    draft = _draft(turn)
    if draft is None:
        draft = {"i": 0, "a": {}, "edit": False}
        _save(turn, draft)
        return _render(turn, node, draft, intro=True)
    return _render(turn, node, draft)


def _node(turn: Turn) -> MenuNode:
    return turn.assistant.content.menu.nodes[NODE]


def show(turn: Turn, draft: dict, problem: str = "") -> Outbound:
    """Save the draft and show where it stands, with a problem to fix above the question."""
    turn.conversation.screen = NODE
    _save(turn, draft)
    return _render(turn, _node(turn), draft, problem=problem)


def _render(turn: Turn, node: MenuNode, draft: dict, problem: str = "", intro: bool = False) -> Outbound:
    steps = _ctx(turn).data.steps
    if draft["i"] >= len(steps):
        return _review(turn, node, draft, problem)
    step = steps[draft["i"]]
    parts = [turn.t("md_intro")] if intro else []
    if problem:
        parts.append(problem)
    parts.append(turn.t("md_progress", step=draft["i"] + 1, steps=len(steps)) + pick(step.ask, turn.lang))
    return turn.screen(node, "\n\n".join(parts), rows=_step_rows(turn, step, draft))


def _step_rows(turn: Turn, step: Step, draft: dict) -> list[list[Button]]:
    lang = turn.lang
    if step.type == "choice":
        return turn.grid([turn.action_button(pick(label, lang), VERB, f"c.{value}") for value, label in step.options.items()])
    if step.type == "multi":
        chosen = draft["a"].get(step.field) or []
        buttons = [turn.action_button(("✅ " if value in chosen else "") + pick(label, lang), VERB, f"m.{value}")
                   for value, label in step.options.items()]
        return turn.grid(buttons) + [[turn.action_button(turn.t("md_done"), VERB, "done")]]
    if step.type == "consent":
        return [[turn.action_button(turn.t("md_share_yes"), VERB, "y"), turn.action_button(turn.t("md_share_no"), VERB, "n")]]
    if step.type == "phone" and step.optional:
        return [[turn.action_button(turn.t("md_skip"), VERB, "skip")]]
    if step.type == "station":
        rows = []
        own = turn.assistant.stations.get(turn.user.station_id)
        if own is not None:
            rows.append([turn.action_button(turn.t("md_my_station", station=own.name(lang)), VERB, f"s.{own.id}")])
        from bot.core.screens import station_rows  # screens lists this form's screen: imported when used

        return rows + station_rows(turn, lambda s: turn.action_button(s.name(lang), VERB, f"s.{s.id}"))
    return []


def shown_value(ctx: MediationContext, step: Step, value, lang: str) -> str:
    """An answer as people read it: option labels, the station's name, — for a skipped one."""
    if value in (None, "", []):
        return "—"
    if step.type == "choice":
        return ctx.data.option(step.field, value, lang)
    if step.type == "multi":
        return ctx.texts.get("md_list_joiner", lang).join(ctx.data.option(step.field, v, lang) for v in value)
    if step.type == "station":
        return ctx.station_name(value, lang)
    if step.type == "consent":
        return ctx.texts.get("md_share_given", lang)
    return str(value)


def _review(turn: Turn, node: MenuNode, draft: dict, problem: str = "") -> Outbound:
    ctx = _ctx(turn)
    lines = [turn.t("md_review_line", label=pick(step.label, turn.lang),
                    value=shown_value(ctx, step, draft["a"].get(step.field), turn.lang)) for step in ctx.data.steps]
    text = "\n\n".join(filter(None, [problem, turn.t("md_review"), "\n".join(lines)]))
    edits = [turn.action_button("✏️ " + pick(step.label, turn.lang), VERB, f"e.{step.field}") for step in ctx.data.steps
             if step.type != "consent"]
    rows = turn.grid(edits) + [[turn.action_button(turn.t("md_submit"), VERB, "submit")]]
    return turn.screen(node, text, rows=rows)


def _answer(turn: Turn, draft: dict, value) -> Outbound:
    steps = _ctx(turn).data.steps
    step = steps[draft["i"]]
    draft["a"] = {**draft["a"], step.field: value}
    if draft.get("edit"):
        draft["i"], draft["edit"] = len(steps), False
    else:
        draft["i"] += 1
    return show(turn, draft)


def _current(turn: Turn, draft: dict) -> Step | None:
    steps = _ctx(turn).data.steps
    return steps[draft["i"]] if draft["i"] < len(steps) else None


def press(turn: Turn, arg: str) -> Outbound | Reply | None:
    """A button of the application; None when it does not fit where the draft stands (an old button)."""
    if arg == "consent":
        turn.user.consent, turn.user.consent_at = "granted", turn.now
        return show(turn, _draft(turn) or {"i": 0, "a": {}, "edit": False})
    draft = _draft(turn)
    if draft is None:
        return None
    step = _current(turn, draft)
    what, _, value = arg.partition(".")
    if step is None:
        if what == "e":
            fields = [s.field for s in _ctx(turn).data.steps]
            if value not in fields:
                return None
            draft["i"], draft["edit"] = fields.index(value), True
            return show(turn, draft)
        if what == "submit":
            from bot.mediation import parties

            return parties.submit(turn, draft["a"])
        return None
    if what == "c" and step.type == "choice" and value in step.options:
        return _answer(turn, draft, value)
    if what == "m" and step.type == "multi" and value in step.options:
        chosen = list(draft["a"].get(step.field) or [])
        chosen = [v for v in chosen if v != value] if value in chosen else chosen + [value]
        draft["a"] = {**draft["a"], step.field: [v for v in step.options if v in chosen]}
        return show(turn, draft)
    if what == "done" and step.type == "multi":
        if not draft["a"].get(step.field):
            return show(turn, draft, turn.t("md_error_choose_one"))
        return _answer(turn, draft, draft["a"][step.field])
    if what == "skip" and step.type == "phone" and step.optional:
        return _answer(turn, draft, "")
    if what == "s" and step.type == "station" and turn.assistant.stations.get(value) is not None:
        return _answer(turn, draft, value)
    if what in ("y", "n") and step.type == "consent":
        if what == "n":
            return show(turn, draft, turn.t("md_share_needed"))
        return _answer(turn, draft, True)
    return None


_SKIP_WORDS = {"无", "没有", "不知道", "跳过", "skip", "none", "-"}


def take_text(turn: Turn, text: str) -> Reply | None:
    """A typed answer to the current step; None when no application is in progress (the text is a question)."""
    draft = _draft(turn)
    step = _current(turn, draft) if draft is not None else None
    if draft is None or step is None:
        return None
    clean = text.strip()  # Chinese punctuation stays as typed; phones and station names normalise themselves
    if step.type == "text":
        if len(clean) < step.min:
            return Reply([show(turn, draft, turn.t("md_error_short", min=step.min))])
        if len(clean) > step.max:
            return Reply([show(turn, draft, turn.t("md_error_long", max=step.max))])
        return Reply([_answer(turn, draft, clean)])
    if step.type == "phone":
        if step.optional and clean.casefold() in _SKIP_WORDS:
            return Reply([_answer(turn, draft, "")])
        phone = normalise_phone(clean)
        if phone is None:
            return Reply([show(turn, draft, turn.t("md_error_phone"))])
        return Reply([_answer(turn, draft, phone)])
    if step.type == "station":
        station = turn.assistant.stations.resolve(clean)
        if station is None:
            return Reply([show(turn, draft, turn.t("md_error_station"))])
        return Reply([_answer(turn, draft, station.id)])
    if step.type == "choice":
        for value, label in step.options.items():
            if unicodedata.normalize("NFKC", clean) in label.values():
                return Reply([_answer(turn, draft, value)])
    return Reply([show(turn, draft, turn.t("md_error_use_buttons"))])


def take_location(turn: Turn, station: Station, km: float) -> Reply | None:
    """A shared location answers the station step with the nearest station."""
    draft = _draft(turn)
    step = _current(turn, draft) if draft is not None else None
    if draft is None or step is None or step.type != "station":
        return None
    return Reply([_answer(turn, draft, station.id)])


def drop(turn: Turn) -> None:
    """/cancel: the application in progress is abandoned."""
    _save(turn, None)
