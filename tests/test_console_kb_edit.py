"""Editing a knowledge-base entry in the console: checked like `kb check` before it is saved, so an answer citing an
article that does not resolve is never written; a good edit rewrites only that entry's block."""

from __future__ import annotations

import shutil

import pytest

from bot.knowledge.entries import load_entries
from tests.console_helpers import console_client, csrf_of, sign_in
from tests.handoff_helpers import OFFICE_HOURS, staff_cli

ENTRY = "consumer.online-7day-return"


@pytest.fixture
def knowledge_copy(settings, tmp_path):
    folder = tmp_path / "knowledge"
    shutil.copytree(settings.knowledge_dir, folder)
    settings.knowledge_dir = folder
    return folder


@pytest.fixture
def client(settings, assistant, clock, knowledge_copy):
    clock.now = OFFICE_HOURS
    staff_cli(settings, clock, "add", "509", "--name", "赵所长", "--role", "supervisor")
    staff_cli(settings, clock, "add", "501", "--name", "王律师", "--role", "lawyer", "--station", "luyuan")
    with console_client(settings, assistant) as client:
        yield client


def edit(client, **fields):
    page = client.get(f"/staff/knowledge/entries/{ENTRY}")
    return client.post(f"/staff/knowledge/entries/{ENTRY}", data={"csrf": csrf_of(page.text), **fields})


def test_an_unresolvable_citation_cannot_be_saved(client, assistant, knowledge_copy):
    before = (knowledge_copy / "entries" / "consumer.yml").read_text(encoding="utf-8")
    sign_in(client, assistant, "509")
    refused = edit(client, answer_zh="七天无理由退货。", answer_en="Seven-day returns.",
                   citations="consumer_rights_protection_law 25\ncivil_code 99999")
    assert refused.status_code == 422 and "does not resolve" in refused.text
    written_in_answer = edit(client, answer_zh="依照第二十五条可以退货。", answer_en="Returns.",
                             citations="consumer_rights_protection_law 25")
    assert written_in_answer.status_code == 422 and "cite it instead" in written_in_answer.text
    assert (knowledge_copy / "entries" / "consumer.yml").read_text(encoding="utf-8") == before


def test_a_sound_edit_rewrites_only_its_entry(client, assistant, knowledge_copy, clock):
    others = {e.id: e for e in load_entries(knowledge_copy / "entries") if e.id != ENTRY}
    sign_in(client, assistant, "509")
    saved = edit(client, answer_zh="网购商品自收到之日起七日内可以无理由退货。", answer_en="Seven days, no reason needed.",
                 citations="consumer_rights_protection_law 25\nconsumer_rights_protection_law 24")
    assert saved.status_code == 303
    entries = {e.id: e for e in load_entries(knowledge_copy / "entries")}
    edited = entries.pop(ENTRY)
    assert edited.answer["zh"] == "网购商品自收到之日起七日内可以无理由退货。"
    assert [c.article for c in edited.citations] == [25, 24] and str(edited.reviewed) == "2026-11-26"
    assert entries == others


def test_a_lawyer_cannot_edit_the_knowledge_base(client, assistant):
    sign_in(client, assistant, "501")
    assert client.get(f"/staff/knowledge/entries/{ENTRY}").status_code == 403


def test_a_saved_edit_reaches_residents_without_a_restart(client, assistant, knowledge_copy):
    """The consultation's declared reload job sees the edited file, rebuilds off the turn path, and swaps it in."""
    from bot.consultation.plugin import SERVICE as consultation
    from bot.terminal import TerminalChat

    reload = next(job for job in consultation.jobs if job.name == "reload_knowledge")
    assert reload.fire(assistant) == 0 and assistant.knowledge.by_id[ENTRY].answer["zh"] != "网购七天内可以无理由退货（新）。"
    sign_in(client, assistant, "509")
    saved = edit(client, answer_zh="网购七天内可以无理由退货（新）。", answer_en="Seven days, no reason (new).",
                 citations="consumer_rights_protection_law 25")
    assert saved.status_code == 303
    reload.fire(assistant)
    reload.fire.wait(60)
    assert assistant.knowledge.by_id[ENTRY].answer["zh"] == "网购七天内可以无理由退货（新）。"
    chat = TerminalChat(assistant, user_id="reader")
    chat.send("/start")
    chat.send("1")
    answer = chat.send("网上买的东西七天内能无理由退货吗")
    if "你想问的是不是" in answer:
        answer = chat.send("1")
    assert "网购七天内可以无理由退货（新）。" in answer
    page = client.get(f"/staff/knowledge/entries/{ENTRY}")
    assert "（新）" in page.text
