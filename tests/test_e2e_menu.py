"""End to end: residents talk to the real PTB application through a fake Bot API server."""

from __future__ import annotations

import pytest



@pytest.fixture(params=["polling", "webhook"])
def live(request, start_bot):
    return start_bot(request.param)


@pytest.fixture
def polling(telegram_bot):
    return telegram_bot


def labels(server, message) -> list[str]:
    return [label for row in server.keyboard_labels(message) for label in row]


def test_resident_consents_and_walks_to_a_station(live):
    server = live.server
    resident = server.private_user(5001, first_name="王师傅")
    welcome = resident.ask("/start")
    assert "网上法律超市" in welcome["text"] and "隐私说明" in welcome["text"]
    assert server.keyboard_labels(welcome) == [["✅ 同意", "暂不同意"], ["主菜单"]]

    home = resident.click(welcome, "✅ 同意")
    assert home["message_id"] == welcome["message_id"], "a button press edits its own message"
    assert "谢谢，您已同意" in home["text"]
    assert server.keyboard_labels(home) == [
        ["💬 法律咨询", "🟢 法律援助绿色通道"],
        ["🤝 在线调解", "🎓 法治微讲堂"],
        ["🙋 转人工", "🔥 本月热点"],
        ["📍 服务站点", "🗂 我的记录"],
        ["🏢 企业服务"],  # 企业服务: the enterprise legal health check (issue 12)
    ]
    stations = resident.click(home, "服务站点")
    # 22 stations under two headings, the district centre, Back and Home
    assert "您在哪个镇或街道？" in stations["text"] and len(labels(server, stations)) == 22 + 2 + 1 + 2
    card = resident.click(stations, "中仓街道")
    assert "中仓街道公共法律服务工作站" in card["text"] and "已记住您的站点" in card["text"]
    assert server.keyboard_labels(card) == [["⬅️ 返回", "🏠 首页"]]
    back = resident.click(card, "返回")
    assert "您当前的站点：中仓街道" in back["text"]
    home_again = resident.click(back, "首页")
    assert "请选择服务" in home_again["text"]


def test_every_main_menu_button_answers(live):
    server = live.server
    resident = server.private_user(5002)
    menu = resident.ask("/menu")
    for label in labels(server, menu):
        mark = server.mark()
        screen = resident.click(menu, label)
        server.wait_for("answerCallbackQuery", after=mark)
        assert screen["text"] and labels(server, screen)[-2:] == ["⬅️ 返回", "🏠 首页"], label
        menu = resident.click(screen, "首页")


def test_command_list_is_published_from_the_menu_data(polling):
    server = polling.server
    chinese = [(c["command"], c["description"]) for c in server.commands()]
    english = [(c["command"], c["description"]) for c in server.commands(language_code="en")]
    assert chinese[0] == ("menu", "主菜单") and ("human", "🙋 转人工") in chinese
    assert ("lang", "语言 / Language") in english and ("menu", "Main menu") in english
    assert [c for c, _ in chinese] == [c for c, _ in english]


def test_english_speaker_switches_language_in_conversation(live):
    server = live.server
    resident = server.private_user(5003, first_name="Anna", language_code="en")
    welcome = resident.ask("/start")
    assert "Privacy notice" in welcome["text"]
    language = resident.ask("/lang")
    chinese_home = resident.click(language, "中文")
    assert "已切换为中文" in chinese_home["text"] and "💬 法律咨询" in labels(server, chinese_home)


def test_location_finds_the_nearest_station(polling):
    server = polling.server
    resident = server.private_user(5004)
    resident.click(resident.ask("/start"), "✅ 同意")
    mark = server.mark()
    resident.send_location(39.8920, 116.6760)
    reply = resident.wait_reply(after=mark)
    assert "离您最近的站点" in reply["text"] and "玉桥街道" in reply["text"]


def test_restart_mid_conversation_loses_nothing(polling):
    server = polling.server
    resident = server.private_user(5005)
    home = resident.click(resident.ask("/start"), "✅ 同意")
    stations = resident.click(home, "服务站点")
    polling.restart()
    card = resident.click(stations, "新华街道")
    assert "新华街道公共法律服务工作站" in card["text"] and "已记住您的站点" in card["text"]
    mark = server.mark()
    resident.send_sticker()
    hint = resident.wait_reply(after=mark)
    assert "这里需要文字" in hint["text"] and labels(server, hint) == ["⬅️ 返回", "🏠 首页"]
    status = resident.ask("/privacy")
    assert "已同意" in status["text"]
