"""English consultation: English questions are matched to the entries' English text, whatever the language setting."""

import json
from pathlib import Path

from bot.core.asking import Asker
from bot.nlu.tokens import english_words, is_english
from tests.domain_helpers import Resident

ROOT = Path(__file__).resolve().parent.parent


def test_english_is_told_from_chinese():
    assert is_english("My boss has not paid my wages")
    assert not is_english("老板不给工资怎么办") and not is_english("老板不给工资 help")
    assert english_words("The bosses haven't paid our wages!") == ["boss", "paid", "wage"]


def test_an_english_question_gets_the_english_answer_with_citations(assistant):
    resident = Resident(assistant, language="en")
    resident.command("start")
    resident.press("I agree")
    resident.say("The subcontractor owes us wages and the general contractor says it is not their business")
    if resident.text.startswith("Did you mean"):
        resident.press_data(resident.screen.buttons[0][0].data)
    entry = assistant.knowledge.by_key[resident.screen.buttons[0][0].data.split(":")[1]]
    assert entry.id == "labor.wage.subcontractor-default"
    assert entry.answer["en"] in resident.text and "📖 Legal basis:" in resident.text
    assert all(article.heading() in resident.text for article in assistant.knowledge.articles(entry))


def test_english_typed_with_chinese_set_is_answered_in_chinese(assistant):
    asked = Asker(assistant, "zh").ask("How do I write a valid will?")
    assert "family.inheritance.will-forms" in asked.entries and asked.topic == "family"


def test_english_chat_is_not_taken_for_a_question(assistant):
    asker = Asker(assistant, "en")
    assert asker.ask("how do I cook rice").kind == "miss"


def test_english_tune_questions_are_found_and_rarely_answered_wrongly(assistant):
    lines = [json.loads(line) for line in (ROOT / "tests" / "data" / "english" / "tune.jsonl").read_text("utf-8").splitlines()]
    asker = Asker(assistant, "en")
    asked = [(line, asker.ask(line["text"])) for line in lines]
    covered = [(line, a) for line, a in asked if line["entries"]]
    assert sum(bool(set(a.entries) & set(line["entries"])) for line, a in covered) / len(covered) >= 0.75
    assert sum(a.kind == "answer" and a.entries[0] not in line["entries"] for line, a in asked) / len(asked) <= 0.05
