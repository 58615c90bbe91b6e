"""Safety without false alarms: urgent detection works on words, fires on real emergencies and on nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.core import urgent
from tests.handoff_helpers import outbox_for, ticket
from tests.test_handoff import resident_at_luyuan, staffed  # noqa: F401 - the fixture

ROOT = Path(__file__).resolve().parents[2]
WORDS = urgent.load(ROOT / "knowledge" / "urgent_words.yml")

# Someone in danger now, as residents write it.
EMERGENCIES = [
    "他正在打我",
    "救命 他拿刀要砍我",
    "我现在被老板关在厂里不让走",
    "我想自杀",
    "我不想活了",
    "有人要跳楼",
    "救救我",
    "孩子被打得浑身是伤 现在还在打",
    "老公现在拿着刀威胁要杀了我",
    "他喝醉了正在砸门说要杀了我",
    "工头把我们锁在宿舍里 现在出不去",
    "现在被人非法拘禁了 快来",
    "他现在在打我，我怎么申请人身安全保护令",
    "he is beating me right now",
    "my husband is hitting me",
    "I want to kill myself",
    "he is threatening to kill me now",
]


def knowledge_base_phrasings() -> list[str]:
    texts = []
    for path in sorted((ROOT / "knowledge" / "entries").glob("*.yml")):
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
            texts += [entry["question"]["zh"], entry["question"]["en"], *entry.get("phrasings", [])]
    return texts


def nlu_examples() -> list[str]:
    texts = []
    for path in sorted((ROOT / "nlu" / "data").rglob("*.yml")):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            texts += [line.strip()[2:] for line in (item.get("examples") or "").splitlines()
                      if line.strip().startswith("- ")]
    return texts


def test_no_knowledge_base_question_or_phrasing_is_urgent():
    texts = knowledge_base_phrasings()
    assert len(texts) > 1000
    assert [text for text in texts if WORDS.is_urgent(text)] == []


def test_no_nlu_training_example_is_urgent():
    texts = nlu_examples()
    assert len(texts) > 2000
    assert [text for text in texts if WORDS.is_urgent(text)] == []


@pytest.mark.parametrize("text", EMERGENCIES)
def test_a_real_emergency_is_urgent(text):
    assert WORDS.is_urgent(text)


@pytest.mark.parametrize("text", ["房东扣押金不退怎么办", "我被打了，现在该怎么办？", "租客在房子里自杀了 房东能要赔偿吗",
                                  "现在仓库都关了 工资谁给"])
def test_urgent_words_inside_other_words_or_past_events_are_not_urgent(text):
    assert not WORDS.is_urgent(text)


def test_a_deposit_question_gets_its_answer_and_no_110(assistant, staffed):  # noqa: F811
    resident = resident_at_luyuan(assistant)
    resident.say("房东扣押金不退怎么办")
    assert "押金" in resident.text and "110" not in resident.text
    assert ticket(assistant) is None and outbox_for(assistant, "-100500") == []


def test_an_urgent_question_gets_its_answer_with_the_urgent_notice_and_the_ticket(assistant, staffed):  # noqa: F811
    resident = resident_at_luyuan(assistant)
    resident.say("他现在在打我，我怎么申请人身安全保护令")
    texts = [message.text for message in resident.last.messages]
    assert "110" in texts[0] and "工单号 #1" in texts[0]
    # The answer itself, or (when the question is not matched surely enough to answer outright) the list that holds it.
    assert any("保护令" in text for text in texts[1:]) or any("保护令" in button.label for message in resident.last.messages[1:] for row in message.buttons for button in row)
    assert ticket(assistant).priority == 0
    assert "🚨紧急" in outbox_for(assistant, "-100500")[0].text


def test_urgent_words_in_a_relayed_message_make_an_open_ticket_urgent_but_not_a_past_story(assistant, staffed):  # noqa: F811
    resident = resident_at_luyuan(assistant)
    resident.command("human")
    resident.say("去年他打过我")
    assert ticket(assistant).priority != 0
    resident.say("他现在又在打我")
    assert ticket(assistant).priority == 0
