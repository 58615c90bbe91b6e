"""End to end: bad input, duplicate delivery, API errors and failures never lose the conversation."""

from __future__ import annotations

import pytest

from tests.test_e2e_menu import labels


@pytest.fixture
def live(telegram_bot):
    return telegram_bot


@pytest.fixture
def on_stations(live):
    resident = live.server.private_user(6001)
    stations = resident.click(resident.ask("/menu"), "📍 服务站点")
    return resident, stations


def reply_after(resident, action):
    mark = resident.server.mark()
    action()
    return resident.wait_reply(after=mark)


@pytest.mark.parametrize(
    "send",
    [
        lambda r: r.send_sticker(),
        lambda r: r.send_photo(),
        lambda r: r.send_voice(),
        lambda r: r.send_document("合同.pdf", b"%PDF-1.4 fake", "application/pdf"),
    ],
    ids=["sticker", "photo", "voice", "document"],
)
def test_media_gets_a_hint_and_the_current_buttons(on_stations, send):
    resident, _ = on_stations
    hint = reply_after(resident, lambda: send(resident))
    assert "这里需要文字" in hint["text"]
    assert "潞源街道" in labels(resident.server, hint)


def test_overlong_text_emoji_and_unknown_command(on_stations):
    resident, _ = on_stations
    assert "超过 4096 个字" in resident.ask("欠" * 4100)["text"]
    assert "我没看懂" in resident.ask("🙏🙏")["text"]
    assert "没有这个命令" in resident.ask("/whatever")["text"]
    assert "潞源街道" in labels(resident.server, resident.last_message())


def test_forged_callback_data_is_answered_as_expired(on_stations):
    resident, stations = on_stations
    server = resident.server
    mark = server.mark()
    resident.press(stations, "st:../../etc")
    answer = server.wait_for("answerCallbackQuery", after=mark)
    assert answer["text"] == "这个按钮已失效，请使用下面的最新菜单。"
    fresh = resident.wait_reply(after=mark)
    assert fresh["message_id"] != stations["message_id"] and "潞源街道" in labels(server, fresh)


def test_duplicate_delivery_is_handled_once(live):
    server = live.server
    resident = server.private_user(6002)
    mark = server.mark()
    update = resident.send_command("/menu")
    server.wait_for("sendMessage", after=mark)
    server.push_update(update, update_id=update["update_id"])
    server.wait_quiet(0.5)
    assert len(server.calls_to("sendMessage", after=mark)) == 1


def test_edited_message_gets_a_note(live):
    server = live.server
    resident = server.private_user(6003)
    original = resident.send_text("我想问问离婚")
    server.wait_for("sendMessage")
    note = reply_after(resident, lambda: resident.edit_text(original, "我想问问离婚的事"))
    assert "修改不会被处理" in note["text"]


def test_group_chat_is_pointed_to_a_private_chat(live):
    server = live.server
    group = server.group(chat_id=-1001234, title="小区业主群")
    member = server.private_user(6004)
    mark = server.mark()
    member.send_text("大家好", chat=group)
    member.send_command("/start", chat=group)
    call = server.wait_for("sendMessage", after=mark)
    assert call["chat_id"] == -1001234 and "请私聊我" in call["text"] and "t.me/legal_market_bot" in call["text"]
    server.wait_quiet(0.3)
    assert len(server.calls_to("sendMessage", after=mark)) == 1


def test_rate_limited_send_is_retried(live):
    server = live.server
    resident = server.private_user(6005)
    server.fail_next("sendMessage", error_code=429, retry_after=1)
    reply = resident.ask("/help", timeout=10)
    assert "常用命令" in reply["text"]


def test_message_that_cannot_be_edited_gets_a_new_one(on_stations):
    resident, stations = on_stations
    server = resident.server
    server.fail_next("editMessageText", error_code=400, description="Bad Request: message can't be edited")
    mark = server.mark()
    resident.press_button(stations, "张家湾镇")
    fresh = server.wait_for("sendMessage", after=mark)
    assert "张家湾镇公共法律服务工作站" in fresh["text"]


def test_internal_failure_apologises_without_a_traceback(live, monkeypatch):
    server = live.server
    resident = server.private_user(6006)

    def broken(inbound):
        raise RuntimeError("database exploded at /srv/secret/path")

    monkeypatch.setattr(live.assistant, "handle", broken)
    reply = resident.ask("/menu")
    assert "系统刚才出了点问题" in reply["text"]
    assert "Traceback" not in reply["text"] and "exploded" not in reply["text"]
