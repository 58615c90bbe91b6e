"""One engine for every guided form: ask the next step, read the answer, re-ask with a reason, review, submit once."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable
from zoneinfo import ZoneInfo

from bot.core import screens
from bot.core.callbacks import Action
from bot.core.content import MenuNode, pick
from bot.core.messages import Button, FileRef, Outbound, Reply
from bot.core.phones import normalise_phone
from bot.core.stations import Station
from bot.core.turn import Turn
from bot.db.models import FormDraft
from bot.forms.definition import REVIEW, Choice, Form, Step, Text
from bot.forms.parsing import parse_amount, parse_name, parse_period, parse_phone, yuan

PICKED = "_picked"  # draft data key: multi-choice selections not yet confirmed with their button
_NUMBER = re.compile(r"^\D{0,6}?(\d{1,9}(?:\.\d+)?)\D{0,6}$")  # 大约80人, 80 people


class FieldError(ValueError):
    """An answer that cannot be used: `code` names the reason's text; `back_to` a step to ask again from."""

    def __init__(self, code: str, back_to: str | None = None, **values: Any):
        super().__init__(code)
        self.code, self.back_to, self.values = code, back_to, values


Submit = Callable[[Turn, FormDraft], "Outbound | Reply"]


@dataclass
class FormHooks:
    """What only the form's service can say, by the names its YAML uses. Everything else is the form file."""

    submit: Submit
    sources: dict[str, Callable[[Turn], list[Choice]]] = field(default_factory=dict)
    checks: dict[str, Callable[[Turn, dict], bool]] = field(default_factory=dict)
    # A parser stores the answer to its step (turn, data, step id, text), or raises FieldError or an error with .code.
    parsers: dict[str, Callable[[Turn, dict, str, str], None]] = field(default_factory=dict)
    notes: dict[str, Callable[[Turn, FormDraft], str]] = field(default_factory=dict)
    renders: dict[str, Callable[[Turn, FormDraft, "FormRunner"], tuple[str, list[list[Button]]]]] = field(
        default_factory=dict)
    # A step's extra button: returns "done" to complete the step, "stay" to show it again, or a Reply to send.
    actions: dict[str, Callable[[Turn, FormDraft, dict], "str | Reply | None"]] = field(default_factory=dict)
    on_done: dict[str, Callable[[Turn, dict], None]] = field(default_factory=dict)
    review: dict[str, Callable[[Turn, FormDraft, "FormRunner"], Any]] = field(default_factory=dict)
    already: Callable[[Turn, int], "Outbound | Reply | None"] | None = None  # a second submit of a consumed draft
    values: Callable[[Turn], dict[str, Any]] | None = None  # placeholders every text of the form may use


def normalised(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


class FormRunner:
    """A form definition and its service's hooks, run against one turn at a time."""

    def __init__(self, form: Form, hooks: FormHooks):
        self.form = form
        self.hooks = hooks

    # --- texts and buttons ----------------------------------------------------------------------------------
    def say(self, turn: Turn, said: Text | None, **values: Any) -> str:
        """A text of the form in the user's language: a catalogue key, or a {zh, en} mapping from the form file."""
        if not said:
            return ""
        if self.hooks.values is not None:
            values = {**self.hooks.values(turn), **values}
        if isinstance(said, dict):
            value = pick(said, turn.lang)
            return value.format(**values) if values else value
        return turn.t(said, **values)

    def button(self, label: str, arg: str) -> Button:
        return Button(label, Action(self.form.verb, arg).encode())

    def local_year(self, turn: Turn) -> int:
        return turn.now.astimezone(ZoneInfo(turn.assistant.settings.timezone)).year

    # --- the draft ------------------------------------------------------------------------------------------
    def draft(self, turn: Turn) -> FormDraft | None:
        return turn.repos.forms.draft_for(turn.user.id, self.form.id)

    def save(self, turn: Turn, draft: FormDraft, data: dict, step: str | None = None) -> None:
        """Store a new copy of the data: changing the JSON in place would go unnoticed and unsaved."""
        draft.data = dict(data)
        if step is not None:
            draft.step = step
        draft.updated_at = turn.now

    def active(self, turn: Turn) -> FormDraft | None:
        """The draft, when the form may take an answer: it exists, and consent (if needed) is given."""
        draft = self.draft(turn)
        if draft is None or (self.form.consent is not None and not turn.consented):
            return None
        return draft if draft.step == REVIEW or draft.step in self.form.by_id else None

    # --- which step -----------------------------------------------------------------------------------------
    def applies(self, turn: Turn, step: Step, data: dict) -> bool:
        """A step's conditions: field: value (or a list of values; for a multi-choice, any chosen), check: hook."""
        for name, expected in (step.when or {}).items():
            if name == "check":
                if not self.hooks.checks[expected](turn, data):
                    return False
            elif name == "not":
                if self.applies(turn, Step(id=step.id, type=step.type, ask="", when=expected), data):
                    return False
            else:
                value = data.get(name)
                wanted = expected if isinstance(expected, list) else [expected]
                values = value if isinstance(value, list) else [value]
                if not any(str(v) in map(str, wanted) for v in values):
                    return False
        return True

    def answered(self, step: Step, data: dict) -> bool:
        return step.id in data

    def next_step(self, turn: Turn, data: dict) -> str:
        """The first step whose conditions hold and that has no answer yet; the review when there is none."""
        for step in self.form.steps:
            if self.applies(turn, step, data) and not self.answered(step, data):
                return step.id
        return REVIEW

    def advance(self, turn: Turn, draft: FormDraft, data: dict) -> None:
        self.save(turn, draft, data, self.next_step(turn, data))

    # --- drawing --------------------------------------------------------------------------------------------
    def screen(self, turn: Turn, node: MenuNode, arg: str) -> Outbound:
        """The form at its current step: it starts on first visit (after consent) and resumes afterwards."""
        consent = self.form.consent
        if consent is not None and not turn.consented:
            text = f"{self.say(turn, consent.intro).strip()}\n\n{self.say(turn, consent.needed).strip()}"
            return turn.screen(node, text, [self.button(self.say(turn, consent.button), "consent")])
        draft = self.draft(turn)
        if draft is None:
            draft = turn.repos.forms.start_draft(turn.user.id, self.form.id, self.form.steps[0].id, {}, turn.now)
            self.save(turn, draft, self.prefilled(turn, {}), None)
            draft.step = self.next_step(turn, draft.data)
        elif draft.step != REVIEW and draft.step not in self.form.by_id:
            self.save(turn, draft, draft.data, self.next_step(turn, draft.data))
        return self.render(turn, node, draft)

    def prefilled(self, turn: Turn, data: dict) -> dict:
        for step in self.form.steps:
            if step.type == "station" and step.from_profile and turn.assistant.stations.get(turn.user.station_id):
                data.setdefault(step.id, turn.user.station_id)
        return data

    def show(self, turn: Turn, problem: Text | None = None, **values: Any) -> Outbound:
        """Draw the form's node again (the current step), with a reason or a note above it."""
        outbound = screens.show_node(turn, self.form.node)
        if problem:
            outbound.text = f"{self.say(turn, problem, **values).strip()}\n\n{outbound.text}"
        return outbound

    def render(self, turn: Turn, node: MenuNode, draft: FormDraft) -> Outbound:
        if draft.step == REVIEW:
            return self.review_screen(turn, node, draft)
        step = self.form.by_id[draft.step]
        data = draft.data
        buttons: list[Button] = []
        rows: list[list[Button]] = []
        if step.type == "info":
            ask, rows = self.hooks.renders[step.render](turn, draft, self)
        else:
            ask = self.say(turn, step.ask).strip()
        if self.form.numbered:
            numbered = [s for s in self.form.steps if s.type != "info"]
            number = next((i for i, s in enumerate(numbered, 1) if s.id == step.id), len(numbered))
            ask = f"{self.say(turn, self.form.numbered, number=number, total=len(numbered))}\n{ask}"
        if step.help:
            ask = f"{ask}\n{self.say(turn, step.help).strip()}"
        if step.type in ("choice", "multi"):
            chosen = data.get(PICKED, {}).get(step.id, []) if step.type == "multi" else []
            choice_buttons = [self.button(("✅ " if c.key in chosen else "") + pick(c.label, turn.lang),
                                          f"v.{step.id}.{c.key}") for c in self.choices(turn, step)]
            if step.layout == "rows":
                rows = [[b] for b in choice_buttons]
            else:
                buttons = choice_buttons
            if step.type == "multi":
                rows.append([self.button(self.say(turn, step.done), f"d.{step.id}")])
        elif step.type == "station":
            rows = self.station_rows(turn, step)
        elif step.type == "files":
            count = len(turn.repos.forms.files_of(draft.id, step.id))
            ask = "\n".join([ask, self.limits_text(turn, step), self.say(turn, step.display, count=count)])
            rows = [[self.button(self.say(turn, step.done if count else step.skip), f"d.{step.id}")]]
        elif step.typed and step.id in data and self.form.current_value:
            ask = f"{ask}\n{self.say(turn, self.form.current_value, value=self.value_text(turn, draft, step))}"
        rows += [[self.button(self.say(turn, action.label), f"x.{action.name}")] for action in step.actions]
        parts = [self.say(turn, step.intro).strip() if step.intro else "",
                 self.hooks.notes[step.note](turn, draft).strip() if step.note else "", ask]
        text = "\n\n".join(part for part in parts if part)
        if self.form.footer:
            text = f"{text}\n\n{self.say(turn, self.form.footer).strip()}"
        return turn.screen(node, text, buttons, rows=rows)

    def station_rows(self, turn: Turn, step: Step) -> list[list[Button]]:
        return screens.station_rows(
            turn, lambda station: self.button(station.name(turn.lang), f"v.{step.id}.{station.id}"))

    def choices(self, turn: Turn, step: Step) -> list[Choice]:
        return self.hooks.sources[step.source](turn) if step.source else list(step.choices)

    def limits(self, turn: Turn, step: Step):
        return getattr(turn.assistant.settings, step.files or "")

    def limits_text(self, turn: Turn, step: Step) -> str:
        config = self.limits(turn, step)
        return self.say(turn, "aid_file_limits", types=config.file_type_names, mb=f"{config.max_file_mb:g}",
                        count=config.max_files)

    def value_text(self, turn: Turn, draft: FormDraft, step: Step) -> str:
        """An answer as the review shows it."""
        value = draft.data.get(step.id)
        unknown = self.say(turn, self.form.unknown) if self.form.unknown else ""
        if step.type == "files":
            return self.say(turn, step.display, count=len(turn.repos.forms.files_of(draft.id, step.id)))
        if step.type == "choice":
            label = next((c.label for c in self.choices(turn, step) if c.key == value), None)
            return pick(label, turn.lang) if label else unknown
        if step.type == "multi":
            labels = {c.key: pick(c.label, turn.lang) for c in self.choices(turn, step)}
            names = [labels[key] for key in value or [] if key in labels]
            return turn.t("hours_joiner").join(names) or (self.say(turn, step.empty) if step.empty else "")
        if step.type == "station":
            station = turn.assistant.stations.get(value)
            return station.name(turn.lang) if station else unknown
        if step.display:
            return self.say(turn, step.display, **{"value": value, step.id: value}) if value else unknown
        return str(value) if value not in (None, "") else unknown

    def review_screen(self, turn: Turn, node: MenuNode, draft: FormDraft) -> Outbound:
        """Everything given, with an edit button per field (when the form has them), then submit."""
        review, data, hooks = self.form.review, draft.data, self.hooks.review
        fields = [self.form.by_id[f] for f in review.fields
                  if self.answered(self.form.by_id[f], data) or not self.form.by_id[f].when]
        heading = self.say(turn, review.heading).strip()
        if review.summary:
            values = {step.id: self.value_text(turn, draft, step) for step in self.form.steps}
            text = f"{heading}\n{self.say(turn, review.summary, **values).strip()}"
        else:
            lines = [heading, *(hooks[review.before](turn, draft, self) if review.before else [])]
            lines += [f"{self.say(turn, step.label)}：{self.value_text(turn, draft, step)}" for step in fields]
            if review.after:
                lines += ["", *hooks[review.after](turn, draft, self)]
            text = "\n".join(lines)
        edit = [self.button(self.say(turn, review.edit, field=self.say(turn, step.label)), f"e.{step.id}")
                for step in fields] if review.edit else []
        rows = list(hooks[review.rows](turn, draft, self)) if review.rows else []
        submit = self.button(self.say(turn, review.submit), f"submit.{draft.id}")
        rows.append([submit, self.button(self.say(turn, review.restart), "restart")] if review.restart else [submit])
        return turn.screen(node, text, edit, rows=rows)

    # --- answers --------------------------------------------------------------------------------------------
    def take_text(self, turn: Turn, text: str) -> Reply | None:
        """A typed answer to the current step; None when the form is not in progress (the text is then a question)."""
        draft = self.active(turn)
        if draft is None:
            return None
        step = self.form.by_id.get(draft.step)
        value = normalised(text)
        if step is not None and step.type == "station":
            station = turn.assistant.stations.resolve(value)
            if station is None:
                return Reply([self.show(turn, step.error, text=value[:20])])
            return Reply([self.choose_station(turn, draft, step, station)])
        if step is not None and step.type == "files":
            return Reply([self.show(turn, step.error)])
        if step is None or not (step.typed or step.parse):
            return Reply([self.show(turn, self.form.use_buttons)])
        data = dict(draft.data)
        try:
            if step.parse:
                self.hooks.parsers[step.parse](turn, data, step.id, value)
            elif step.type == "text":
                # Stored as typed: NFKC would turn a story's Chinese punctuation (，：（）) into ASCII.
                data[step.id] = self.read(turn, step, text.strip())
            else:
                data[step.id] = self.read(turn, step, value)
        except FieldError as error:
            if error.back_to:  # a calculation failed: ask again from the step at fault
                self.clear_from(data, error.back_to, step.id)
                self.save(turn, draft, data, error.back_to)
            return Reply([self.show(turn, self.error_text(step, error.code), **error.values)])
        except ValueError as error:
            code = getattr(error, "code", None)
            if code is None:
                raise
            return Reply([self.show(turn, self.error_text(step, code))])
        if step.parse and step.id not in data:
            data[step.id] = value
        self.advance(turn, draft, data)
        return Reply([self.show(turn)])

    def error_text(self, step: Step, code: str) -> Text:
        if code == "invalid" and step.error:
            return step.error
        if code == "bad_text" and self.form.bad_text:
            return self.form.bad_text
        return f"{self.form.error_prefix}{code}"

    def clear_from(self, data: dict, first: str, last: str) -> None:
        ids = [step.id for step in self.form.steps]
        for step_id in ids[ids.index(first): ids.index(last) + 1]:
            data.pop(step_id, None)

    def read(self, turn: Turn, step: Step, value: str) -> Any:
        """An answer of one of the engine's own types, or FieldError("invalid") with the step's reason."""
        if value.lower() in step.none_words:
            return ""
        kind = step.type
        if kind == "text":
            if not step.min_length <= len(value) <= step.max_length:
                if step.error:
                    raise FieldError("invalid")
                raise FieldError("bad_text", limit=step.max_length)
            return value
        if kind == "name":
            return parse_name(value)
        if kind == "mobile":
            return parse_phone(value)
        if kind == "phone":
            phone = normalise_phone(value)
            if phone is None:
                raise FieldError("invalid")
            return phone
        if kind == "amount":
            amount = parse_amount(value)
            return yuan(amount.yuan) + ("+" if amount.approximate else "")
        if kind == "number":
            match = _NUMBER.match(value)
            number = Decimal(match[1]) if match else None
            low, high = step.minimum, step.maximum
            if number is None or (low is not None and number < low) or (high is not None and number > high):
                raise FieldError("invalid")
            return int(number) if number == int(number) else str(number)
        if kind == "period":
            if parse_period(value, turn.now.astimezone(ZoneInfo(turn.assistant.settings.timezone)).date()) is None:
                raise FieldError("invalid")
            return value
        raise FieldError("invalid")

    def choose_station(self, turn: Turn, draft: FormDraft, step: Step, station: Station, note: Text | None = None,
                       values: dict | None = None) -> Outbound:
        data = dict(draft.data)
        data[step.id] = station.id
        self.advance(turn, draft, data)
        return self.show(turn, note, **(values or {}))

    def take_location(self, turn: Turn, station: Station, km: float) -> Reply | None:
        """At a station step, a shared location chooses the nearest station; elsewhere it is not the form's."""
        draft = self.active(turn)
        step = self.form.by_id.get(draft.step) if draft is not None else None
        if step is None or step.type != "station":
            return None
        values = {"nearest": screens.nearest_note(turn, station, km), "station": station.name(turn.lang)}
        return Reply([self.choose_station(turn, draft, step, station, step.located, values)])

    # --- files ----------------------------------------------------------------------------------------------
    def files_step(self, turn: Turn) -> tuple[FormDraft | None, Step | None]:
        draft = self.active(turn)
        step = self.form.by_id.get(draft.step) if draft is not None else None
        return draft, step if step is not None and step.type == "files" else None

    def wants_file(self, turn: Turn, ref: FileRef | None) -> str | None:
        """Why a file cannot be taken (a text key), or None when the channel should download it."""
        draft, step = self.files_step(turn)
        if step is None:
            return "aid_file_not_now" if draft is not None else "text_expected"
        config = self.limits(turn, step)
        if ref is None or ref.mime_type not in config.file_types:  # voice, stickers and the like
            return "aid_file_bad_type"
        if ref.size <= 0 or ref.size > config.max_file_mb * 1024 * 1024:
            return "aid_file_too_large"
        if len(turn.repos.forms.files_of(draft.id, step.id)) >= config.max_files:
            return "aid_file_too_many"
        return None

    def take_file(self, turn: Turn, ref: FileRef | None, content: bytes | None) -> Reply:
        """Keep a file with the draft, or say why not and what to send instead."""
        problem = self.wants_file(turn, ref)
        if problem == "text_expected":
            current = turn.assistant.current_screen(turn)
            return Reply([Outbound(turn.t("text_expected").strip(), current.buttons)])
        draft, step = self.files_step(turn)
        if step is None:
            return Reply([self.show(turn, problem)])
        limit = self.limits(turn, step).max_file_mb * 1024 * 1024
        if problem is None and (content is None or len(content) > limit):
            problem = "aid_file_too_large" if content else "aid_file_failed"
        if problem is not None:
            return Reply([self.show(turn, problem, limits=self.limits_text(turn, step))])
        assert draft is not None and ref is not None and content is not None
        name = (ref.name or "file")[-100:]
        turn.repos.forms.add_file(draft, step.id, name, ref.mime_type, content, turn.now)
        self.save(turn, draft, draft.data)
        return Reply([self.show(turn, "aid_file_received", name=name)])

    # --- buttons --------------------------------------------------------------------------------------------
    def press(self, turn: Turn, arg: str) -> Outbound | Reply | None:
        """<verb>: consent, v.<step>.<value>, d.<step> (done), x.<action>, e.<step> (edit), restart, submit.<draft id>."""
        if arg == "consent" and self.form.consent is not None:
            turn.user.consent, turn.user.consent_at = "granted", turn.now
            return self.show(turn, "consent_granted")
        if arg.startswith("submit."):
            return self.submit(turn, arg.removeprefix("submit."))
        draft = self.active(turn)
        if draft is None:
            return None
        data = dict(draft.data)
        kind, _, rest = arg.partition(".")
        step_id, _, value = rest.partition(".")
        step = self.form.by_id.get(step_id if kind in ("v", "d", "e") else draft.step)
        if kind == "restart":
            turn.repos.forms.drop_draft(draft)
            return self.show(turn)
        if kind == "x":
            return self.act(turn, draft, data, step_id)
        if kind == "e" and draft.step == REVIEW and step is not None and step.id in self.form.review.fields:
            if step.type == "multi":
                data[PICKED] = {step.id: list(data.get(step.id, []))}
            self.save(turn, draft, data, step.id)
            return self.show(turn)
        if step is None or step.id != draft.step:
            return None
        if kind == "v":
            return self.choose(turn, draft, step, data, value)
        if kind == "d" and step.type == "multi":
            picked = data.get(PICKED, {}).get(step.id, [])
            if not picked and step.required:
                return self.show(turn, step.required)
            data[step.id] = list(picked)
            data.pop(PICKED, None)
        elif kind == "d" and step.type == "files":
            data[step.id] = len(turn.repos.forms.files_of(draft.id, step.id))
        elif kind == "d" and step.type == "info":
            data[step.id] = True
        else:
            return None
        if step.on_done:
            self.hooks.on_done[step.on_done](turn, data)
        self.advance(turn, draft, data)
        return self.show(turn)

    def act(self, turn: Turn, draft: FormDraft, data: dict, name: str) -> Outbound | Reply | None:
        """A hook's button: it says whether it completes the current step, shows it again, or answers itself."""
        if name not in self.hooks.actions:
            return None
        outcome = self.hooks.actions[name](turn, draft, data)
        step = self.form.by_id.get(draft.step)
        if outcome is None or isinstance(outcome, Reply) or step is None:
            return outcome if outcome is None or isinstance(outcome, Reply) else None
        if outcome == "stay":
            self.save(turn, draft, data)
            return self.show(turn)
        data.setdefault(step.id, "")
        if step.on_done:
            self.hooks.on_done[step.on_done](turn, data)
        self.advance(turn, draft, data)
        return self.show(turn)

    def choose(self, turn: Turn, draft: FormDraft, step: Step, data: dict, value: str) -> Outbound | None:
        if step.type == "station":
            station = turn.assistant.stations.get(value)
            return self.choose_station(turn, draft, step, station) if station is not None else None
        if value not in {c.key for c in self.choices(turn, step)}:
            return None
        if step.type == "multi":
            picked = dict(data.get(PICKED, {}))
            chosen = list(picked.get(step.id, []))
            picked[step.id] = [c for c in chosen if c != value] if value in chosen else chosen + [value]
            data[PICKED] = picked
            self.save(turn, draft, data)
            return self.show(turn)
        if step.type != "choice":
            return None
        data[step.id] = value
        if step.on_done:
            self.hooks.on_done[step.on_done](turn, data)
        self.advance(turn, draft, data)
        return self.show(turn)

    # --- submitting -----------------------------------------------------------------------------------------
    def submit(self, turn: Turn, draft_ref: str) -> Outbound | Reply | None:
        """Submit once: the draft is consumed under the user's row lock, so a second press finds it gone."""
        if not draft_ref.isdigit():
            return None
        draft = self.active(turn)
        if draft is None or draft.id != int(draft_ref):
            return self.hooks.already(turn, int(draft_ref)) if self.hooks.already else None
        if draft.step != REVIEW:
            return None
        answer = self.hooks.submit(turn, draft)
        turn.repos.forms.drop_draft(draft)
        return answer

    def cancel(self, turn: Turn) -> None:
        """/cancel: the draft and its files are deleted."""
        draft = self.draft(turn)
        if draft is not None:
            turn.repos.forms.drop_draft(draft)
