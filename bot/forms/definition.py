"""A guided form as data: its steps, field types, conditions and texts, read from a YAML file in forms/."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

# A text is either a key of the text catalogue (menus/texts*.yml) or a {zh, en} mapping written in the form file.
Text = str | dict[str, str]

FIELD_TYPES = ("text", "name", "mobile", "phone", "amount", "number", "period", "choice", "multi", "files",
               "station", "info")
TYPED = ("text", "name", "mobile", "phone", "amount", "number", "period")
REVIEW = "review"  # the step after the last question
_ID = re.compile(r"^[a-z][a-z0-9_]{0,23}$")


class FormError(ValueError):
    """A form file is inconsistent."""


@dataclass(frozen=True)
class Choice:
    key: str
    label: dict[str, str]


@dataclass(frozen=True)
class StepAction:
    """An extra button on a step, handled by a named hook of the form's service (such as 'paid by the month')."""

    name: str
    label: Text


@dataclass(frozen=True)
class Step:
    id: str
    type: str
    ask: Text
    label: Text | None = None  # the field's name on the review screen and its edit button
    intro: Text | None = None  # said before the question, the first time it is asked
    help: Text | None = None  # said after the question: an example, or what counts
    when: dict[str, Any] | None = None  # conditions on earlier answers; see Form.applies
    choices: tuple[Choice, ...] = ()
    source: str | None = None  # choices from a named source of the form's service
    layout: str = "grid"  # choice buttons in a grid, or one a row
    min_length: int = 1
    max_length: int = 100
    minimum: float | None = None
    maximum: float | None = None
    none_words: tuple[str, ...] = ()  # answers that mean "none" (无) and store an empty value
    parse: str | None = None  # a named parser of the form's service instead of the type's own
    note: str | None = None  # a named hook whose text comes before the question
    render: str | None = None  # info steps: a named hook that draws the step
    on_done: str | None = None  # a named hook run when the step is completed with its button
    done: Text | None = None  # the button that completes a multi-choice, files or info step
    skip: Text | None = None  # files: the button when no file was sent
    actions: tuple[StepAction, ...] = ()
    error: Text | None = None  # the reason given when an answer cannot be used
    required: Text | None = None  # multi: the reason given when nothing was chosen
    display: Text | None = None  # how the value is shown: a text with {value} (amounts) or {count} (files)
    empty: Text | None = None  # multi: what is shown when nothing was chosen
    files: str | None = None  # files: the settings section with file_types, max_file_mb, max_files
    from_profile: bool = False  # station: start with the user's own station, so the step is skipped
    located: Text | None = None  # station: the note when a shared location chose it ({nearest}, {station})
    in_review: bool = True

    @property
    def typed(self) -> bool:
        return self.type in TYPED


@dataclass(frozen=True)
class Review:
    heading: Text
    submit: Text
    fields: tuple[str, ...] = ()  # shown as "label：value" lines, in this order
    summary: Text | None = None  # instead of the lines: one text with a {placeholder} per field
    edit: Text | None = None  # an edit button per field ({field} is its label); none without it
    restart: Text | None = None  # a button that starts the form again
    before: str | None = None  # named hooks: lines before and after the fields
    after: str | None = None
    rows: str | None = None  # a named hook: extra button rows above submit


@dataclass(frozen=True)
class Consent:
    intro: Text
    needed: Text
    button: Text


@dataclass(frozen=True)
class Form:
    id: str
    screen: str  # the menu nodes whose `screen` is this show the form
    node: str  # the menu node the form lives on
    verb: str  # its buttons' callback verb
    steps: tuple[Step, ...]
    review: Review
    consent: Consent | None = None
    numbered: Text | None = None  # a heading with {number} and {total} before each question
    footer: Text | None = None  # said under every step
    current_value: Text | None = None  # shown under a typed question that already has an answer ({value})
    use_buttons: Text | None = None  # the reason given for typing where buttons are expected
    bad_text: Text | None = None  # the reason for a text of the wrong length ({limit})
    unknown: Text | None = None  # what the review shows for no answer
    error_prefix: str = ""  # a parser's error code becomes the text key <error_prefix><code>
    submitted_prefix: str = ""  # generic submissions: the reference's prefix (QY → QY-2026-000012)
    data: dict[str, Any] = field(default_factory=dict)  # anything else the service reads from the file

    @property
    def by_id(self) -> dict[str, Step]:
        return {step.id: step for step in self.steps}

    def step(self, step_id: str) -> Step | None:
        return next((step for step in self.steps if step.id == step_id), None)


def _text(value: Any, where: str) -> Text | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and set(value) >= {"zh", "en"}:
        return {"zh": str(value["zh"]), "en": str(value["en"])}
    raise FormError(f"{where}: a text is a catalogue key or a {{zh, en}} mapping")


def _step(spec: dict[str, Any], form_id: str) -> Step:
    where = f"form {form_id!r} step {spec.get('id')!r}"
    step_id, kind = spec.get("id", ""), spec.get("type", "")
    if not _ID.match(step_id) or step_id == REVIEW:
        raise FormError(f"{where}: an id is lower case letters, digits and _, up to 24")
    if kind not in FIELD_TYPES:
        raise FormError(f"{where}: type {kind!r} is not one of {', '.join(FIELD_TYPES)}")
    choices = tuple(Choice(str(c["key"]), {"zh": c["zh"], "en": c["en"]}) for c in spec.get("choices", ()))
    if kind in ("choice", "multi") and not choices and not spec.get("source"):
        raise FormError(f"{where}: a choice needs choices or a source")
    if kind == "files" and not spec.get("files"):
        raise FormError(f"{where}: a files field names its limits (files: <settings section>)")
    if kind == "station" and not (spec.get("error") and spec.get("located")):
        raise FormError(f"{where}: a station step names its error ({{text}}) and located ({{nearest}}, {{station}}) texts")
    if kind == "info" and not spec.get("render"):
        raise FormError(f"{where}: an info step needs a render hook")
    texts = {key: _text(spec.get(key), where) for key in
             ("ask", "label", "intro", "help", "done", "skip", "error", "required", "display", "empty", "located")}
    if texts["ask"] is None and kind != "info":
        raise FormError(f"{where}: no question (ask)")
    actions = tuple(StepAction(a["name"], _text(a["label"], where)) for a in spec.get("actions", ()))
    return Step(
        id=step_id, type=kind, ask=texts["ask"] or "", label=texts["label"], intro=texts["intro"], help=texts["help"],
        when=spec.get("when"), choices=choices, source=spec.get("source"), layout=spec.get("layout", "grid"),
        min_length=int(spec.get("min_length", 1)), max_length=int(spec.get("max_length", 100)),
        minimum=spec.get("minimum"), maximum=spec.get("maximum"),
        none_words=tuple(str(w) for w in spec.get("none_words", ())), parse=spec.get("parse"),
        note=spec.get("note"), render=spec.get("render"), on_done=spec.get("on_done"), done=texts["done"],
        skip=texts["skip"], actions=actions, error=texts["error"], required=texts["required"],
        display=texts["display"], empty=texts["empty"], files=spec.get("files"),
        from_profile=bool(spec.get("from_profile", False)), located=texts["located"], in_review=bool(spec.get("in_review", True)),
    )


def load_form(path: Path) -> Form:
    """Read one form file and check what can be checked without the rest of the bot."""
    spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    form_id = spec.get("id", path.stem)
    steps = tuple(_step(step, form_id) for step in spec.get("steps", ()))
    if not steps:
        raise FormError(f"form {form_id!r} has no steps")
    ids = [step.id for step in steps]
    if len(set(ids)) != len(ids):
        raise FormError(f"form {form_id!r} repeats a step id")
    review_spec = spec.get("review") or {}
    where = f"form {form_id!r} review"
    review = Review(
        heading=_text(review_spec.get("heading"), where) or "", submit=_text(review_spec.get("submit"), where) or "",
        fields=tuple(review_spec.get("fields", [s.id for s in steps if s.in_review and s.type != "info"])),
        summary=_text(review_spec.get("summary"), where), edit=_text(review_spec.get("edit"), where),
        restart=_text(review_spec.get("restart"), where), before=review_spec.get("before"),
        after=review_spec.get("after"), rows=review_spec.get("rows"),
    )
    unknown_fields = [f for f in review.fields if f not in ids]
    if unknown_fields:
        raise FormError(f"{where} lists unknown fields {unknown_fields}")
    for step in steps:
        for name in (step.when or {}):
            if name not in ids and name not in ("check", "not"):
                raise FormError(f"form {form_id!r} step {step.id!r}: condition on unknown field {name!r}")
    consent_spec = spec.get("consent")
    consent = Consent(*(_text(consent_spec[k], f"form {form_id!r} consent") for k in ("intro", "needed", "button"))) \
        if consent_spec else None
    known = {"id", "screen", "node", "verb", "steps", "review", "consent", "numbered", "footer", "current_value",
             "use_buttons", "bad_text", "unknown", "error_prefix", "submitted_prefix"}
    return Form(
        id=form_id, screen=spec.get("screen", form_id), node=spec.get("node", form_id), verb=spec["verb"],
        steps=steps, review=review, consent=consent, numbered=_text(spec.get("numbered"), form_id),
        footer=_text(spec.get("footer"), form_id), current_value=_text(spec.get("current_value"), form_id),
        use_buttons=_text(spec.get("use_buttons"), form_id), bad_text=_text(spec.get("bad_text"), form_id),
        unknown=_text(spec.get("unknown"), form_id), error_prefix=spec.get("error_prefix", ""),
        submitted_prefix=spec.get("submitted_prefix", ""),
        data={key: value for key, value in spec.items() if key not in known},
    )


def texts_of(form: Form) -> set[str]:
    """Every catalogue key the form names, so a missing text is found at start-up, not by a resident."""
    keys: set[str] = set()

    def add(text: Text | None) -> None:
        if isinstance(text, str) and text:
            keys.add(text)

    for step in form.steps:
        for text in (step.ask, step.label, step.intro, step.help, step.done, step.skip, step.error, step.required,
                     step.display, step.empty, step.located, *(a.label for a in step.actions)):
            add(text)
    review = form.review
    for text in (review.heading, review.submit, review.summary, review.edit, review.restart, form.numbered,
                 form.footer, form.current_value, form.use_buttons, form.bad_text, form.unknown):
        add(text)
    if form.consent:
        for text in (form.consent.intro, form.consent.needed, form.consent.button):
            add(text)
    return keys
