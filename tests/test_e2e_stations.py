"""End to end: a new Tongzhou resident finds a station by list, by name and by location, through the real PTB
application and the fake Bot API server."""

from __future__ import annotations

import pytest

from tests.test_stations import IN_TAIHU, STREETS, TOWNS, TOWNSHIPS


@pytest.fixture(params=["polling", "webhook"])
def live(request, start_bot):
    return start_bot(request.param)


def test_a_new_resident_sees_tongzhou_s_stations_in_two_groups(live):
    server = live.server
    resident = server.private_user(5101, first_name="刘大姐")
    welcome = resident.ask("/start")
    assert "这里是通州区司法局" in welcome["text"]
    home = resident.click(welcome, "✅ 同意")
    stations = resident.click(home, "服务站点")
    assert "您在哪个镇或街道？" in stations["text"]
    rows = server.keyboard_labels(stations)
    assert rows[0] == ["🏙 街道（11 个）"] and rows[5] == ["🌾 镇/乡（11 个）"]
    assert [label for row in rows[1:5] for label in row] == list(STREETS)
    assert [label for row in rows[6:10] for label in row] == list(TOWNS) + list(TOWNSHIPS)
    assert rows[10:] == [["🏛 通州区公共法律服务中心"], ["⬅️ 返回", "🏠 首页"]]

    mark = server.mark()
    resident.press_button(stations, "🌾 镇/乡（11 个）")
    answer = server.wait_for("answerCallbackQuery", after=mark)
    assert "请点您所在的镇或乡" in answer.params["text"]
    server.wait_quiet(0.3)
    assert not server.calls_to("editMessageText", after=mark) and not server.calls_to("sendMessage", after=mark)

    card = resident.click(stations, "潞源街道")
    assert "潞源街道公共法律服务工作站" in card["text"] and "已记住您的站点" in card["text"]
    assert "前往前请先拨打 12348 确认" in card["text"]


def test_sharing_a_location_in_taihu_gives_taihu_town(live):
    server = live.server
    resident = server.private_user(5102)
    resident.click(resident.ask("/start"), "✅ 同意")
    mark = server.mark()
    resident.send_location(*IN_TAIHU)
    reply = resident.wait_reply(after=mark)
    assert "离您最近的站点" in reply["text"] and "台湖镇公共法律服务工作站" in reply["text"]
    assert "已记住您的站点" in reply["text"]
    stations = resident.ask("服务站点")
    assert "您当前的站点：台湖镇" in stations["text"]


def test_typing_a_town_s_name_on_the_station_list_chooses_it(live):
    server = live.server
    resident = server.private_user(5103)
    resident.click(resident.ask("/start"), "✅ 同意")
    resident.ask("服务站点")
    card = resident.ask("台湖")
    assert "台湖镇公共法律服务工作站" in card["text"] and "台湖镇产业园区法律服务室" in card["text"]
