"""The form engine's definitions: every form file loads and names only texts that exist; bad files are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.content import Content
from bot.forms.definition import FormError, load_form, texts_of
from bot.services import SERVICES, build_forms
from bot.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "f.yml"
    path.write_text("id: f\nverb: f\nreview: {heading: h, submit: s}\n" + body, encoding="utf-8")
    return path


@pytest.mark.parametrize("form_file", sorted((ROOT / "forms").glob("*.yml")))
def test_every_form_file_loads_and_its_texts_exist(form_file):
    form = load_form(form_file)
    texts = Content.load(ROOT / "menus").texts
    assert [key for key in texts_of(form) if key not in texts] == []
    assert form.verb and form.steps


def test_every_service_form_has_its_file_and_every_file_a_service():
    declared = {form_id for service in SERVICES for form_id in service.forms}
    assert declared == {path.stem for path in (ROOT / "forms").glob("*.yml")}
    settings = load_settings()
    runners = build_forms(settings, Content.load(settings.menus_dir))
    assert {runner.form.id for runner in runners} == declared
    for runner in runners:  # every hook a form names is given by its service
        hooks, steps = runner.hooks, runner.form.steps
        assert all(s.source in hooks.sources for s in steps if s.source)
        assert all(s.parse in hooks.parsers for s in steps if s.parse)
        assert all(s.render in hooks.renders for s in steps if s.render)
        assert all(s.note in hooks.notes for s in steps if s.note)
        assert all(a.name in hooks.actions for s in steps for a in s.actions)
        assert all(s.when["check"] in hooks.checks for s in steps if s.when and "check" in s.when)


@pytest.mark.parametrize("body, problem", [
    ("steps: [{id: a, type: colour, ask: q}]", "type 'colour'"),
    ("steps: [{id: a, type: choice, ask: q}]", "needs choices or a source"),
    ("steps: [{id: a, type: text, ask: q, when: {b: x}}]", "unknown field 'b'"),
    ("steps: [{id: a, type: text, ask: q}, {id: a, type: text, ask: q}]", "repeats a step id"),
    ("steps: [{id: a, type: station, ask: q}]", "names its error"),
    ("steps: [{id: a, type: files, ask: q}]", "names its limits"),
    ("steps: [{id: A-1, type: text, ask: q}]", "an id is lower case"),
    ("steps: [{id: a, type: text}]", "no question"),
    ("steps: [{id: a, type: text, ask: {zh: 问}}]", "a text is a catalogue key or a {zh, en} mapping"),
    ("steps: []", "has no steps"),
])
def test_a_broken_form_file_is_refused_with_the_reason(tmp_path, body, problem):
    with pytest.raises(FormError, match=problem.replace("{", r"\{").replace("}", r"\}").replace("(", r"\(")):
        load_form(write(tmp_path, body))


def test_a_form_naming_a_missing_text_stops_the_bot(tmp_path):
    settings = load_settings()
    content = Content.load(settings.menus_dir)
    forms = tmp_path / "forms"
    forms.mkdir()
    for path in (ROOT / "forms").glob("*.yml"):
        text = path.read_text(encoding="utf-8")
        if path.stem == "lecture_request":
            text = text.replace("lecreq_ask_dates", "lecreq_ask_when_exactly")
        (forms / path.name).write_text(text, encoding="utf-8")
    settings.forms_dir = forms
    with pytest.raises(ValueError, match="lecreq_ask_when_exactly"):
        build_forms(settings, content)
