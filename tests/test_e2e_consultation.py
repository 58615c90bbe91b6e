"""End to end: a resident asks in their own words and gets a cited answer through Telegram."""

from __future__ import annotations

import pytest

from bot.telegram_channel.handlers import split_text
from tests.test_e2e_menu import labels


@pytest.fixture
def live(telegram_bot):
    return telegram_bot


def test_question_gets_a_cited_answer_the_law_and_feedback(live):
    server = live.server
    worker = server.private_user(8001, first_name="老李")
    worker.click(worker.ask("/start"), "✅ 同意")
    answer = worker.ask("单位没给我交工伤保险，我受了工伤怎么办？")
    assert answer["text"].startswith("❓ ") and "📖 法律依据：" in answer["text"] and "《" in answer["text"]
    assert labels(server, answer)[:3] == ["👍 有帮助", "👎 没帮助", "📖 查看法条"]

    mark = server.mark()
    worker.press_button(answer, "📖 查看法条")
    law = worker.wait_reply(after=mark)
    assert law["message_id"] != answer["message_id"] and "以下是原文" in law["text"]

    rated = worker.click(answer, "👎 没帮助")
    assert "我们会改进这条回答" in rated["text"]
    offer = worker.click(rated, "🙋 转人工")
    assert "转人工" in offer["text"]


def test_vague_question_then_pick_from_did_you_mean(live):
    server = live.server
    resident = server.private_user(8002)
    suggestions = resident.ask("租房子的事想问问")
    if "你想问的是不是" not in suggestions["text"]:
        pytest.fail(f"expected did-you-mean for a vague question, got: {suggestions['text'][:80]}")
    question = labels(server, suggestions)[0]
    answer = resident.click(suggestions, question)
    assert answer["text"].startswith("❓ ")


def test_two_misses_in_a_row_open_a_ticket(live):
    server = live.server
    resident = server.private_user(8003)
    first = resident.ask("啊吧啊吧 嘀嘀嗒嗒")
    assert labels(server, first)[0] == "🙋 转人工"
    second = resident.ask("呜啦啦啦 噼里啪啦")
    assert "已为您直接转人工" in second["text"] and "工单号 #" in second["text"]


def test_long_text_is_split_at_line_breaks():
    text = "\n".join(f"第{n}行" + "字" * 50 for n in range(200))
    parts = split_text(text)
    assert len(parts) > 1 and all(len(part) <= 4096 for part in parts)
    assert "\n".join(parts) == text
