"""Bad input gets a short answer in the user's language and the conversation stays where it was."""

import pytest

from bot.core.messages import Inbound, InboundKind
from bot.db.repositories import Repositories
from tests.domain_helpers import Resident


@pytest.fixture
def on_stations(assistant):
    resident = Resident(assistant)
    resident.command("menu")
    resident.press("服务站点")
    return resident


def position(assistant, user_id="1001"):
    with assistant.sessions() as session:
        return Repositories(session).users.find("test", user_id).conversation.screen


@pytest.mark.parametrize("media", ["sticker", "photo", "voice", "document"])
def test_media_where_text_is_expected_is_explained(assistant, on_stations, media):
    on_stations.send_media(media)
    assert "这里需要文字" in on_stations.text
    assert "潞源街道" in on_stations.labels()
    assert position(assistant) == "stations"


def test_overlong_message_is_refused_with_the_limit(assistant, on_stations):
    on_stations.say("欠" * 4097)
    assert "消息太长了（超过 4096 个字）" in on_stations.text
    assert position(assistant) == "stations"


@pytest.mark.parametrize("text", ["😀😀😀", "👍", "？？"])
def test_emoji_only_message_is_not_understood_politely(assistant, on_stations, text):
    on_stations.say(text)
    assert "我没看懂" in on_stations.text and position(assistant) == "stations"


def test_unknown_command_points_to_help(assistant, on_stations):
    on_stations.command("frobnicate")
    assert "/help" in on_stations.text and position(assistant) == "stations"


@pytest.mark.parametrize("data", ["", "go", "go:", "go:nowhere", "st:atlantis", "xx:home", "lang:fr", "go:home;drop", "a" * 80])
def test_forged_button_data_expires_without_acting(assistant, on_stations, data):
    reply = on_stations.press_data(data)
    assert reply.notice == "这个按钮已失效，请使用下面的最新菜单。"
    assert not reply.messages[0].replace
    assert position(assistant) == "stations"


def test_same_update_delivered_twice_is_handled_once(assistant):
    resident = Resident(assistant)
    first = resident._send(InboundKind.COMMAND, update_key="u-77", command="menu")
    second = resident._send(InboundKind.COMMAND, update_key="u-77", command="menu")
    assert first.handled and not second.handled and not second.messages
    with assistant.sessions() as session:
        user = Repositories(session).users.find("test", "1001")
        assert len([m for m in Repositories(session).messages.for_user(user.id) if m.direction == "in"]) == 1


def test_edited_message_gets_a_note_and_changes_nothing(assistant, on_stations):
    on_stations._send(InboundKind.EDITED)
    assert "修改不会被处理" in on_stations.text and position(assistant) == "stations"


def test_english_user_gets_english_hints(assistant):
    resident = Resident(assistant, user_id="2002", language="en")
    resident.send_media("photo")
    assert "I need text here" in resident.text


def test_group_chat_command_points_to_private_chat_and_stores_nothing(assistant):
    assistant.bot_link = "https://t.me/legal_market_bot"
    group = Inbound(channel="test", user_id="3003", chat_id="-100", kind=InboundKind.COMMAND, command="start",
                    update_key="g1", private_chat=False)
    reply = assistant.handle(group)
    assert "请私聊我" in reply.messages[0].text and "https://t.me/legal_market_bot" in reply.messages[0].text
    chatter = Inbound(channel="test", user_id="3003", chat_id="-100", kind=InboundKind.TEXT, text="大家好",
                      update_key="g2", private_chat=False)
    assert not assistant.handle(chatter).handled
    with assistant.sessions() as session:
        assert Repositories(session).users.find("test", "3003") is None


def test_without_consent_message_text_is_not_kept(assistant):
    resident = Resident(assistant)
    resident.command("start")
    resident.press("暂不同意")
    resident.say("我叫张三 电话13800000000")
    with assistant.sessions() as session:
        repos = Repositories(session)
        user = repos.users.find("test", "1001")
        assert all("13800000000" not in m.text for m in repos.messages.for_user(user.id))


def test_with_consent_the_conversation_is_kept(assistant):
    resident = Resident(assistant)
    resident.command("start")
    resident.press("同意")
    resident.say("你好")
    with assistant.sessions() as session:
        repos = Repositories(session)
        records = repos.messages.for_user(repos.users.find("test", "1001").id)
        assert ("in", "你好") in [(m.direction, m.text) for m in records]


def test_expired_conversations_are_purged(assistant, clock):
    resident = Resident(assistant)
    resident.command("start")
    clock.advance(days=179)
    purged = assistant.purge_expired()
    assert (purged["messages"], purged["dedupe_rows"]) == (0, 1)
    clock.advance(days=2)
    assert assistant.purge_expired()["messages"] == 2
