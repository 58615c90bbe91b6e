"""Tongzhou's service network: 22 stations with their codes, rooms and the centre, one resolver, choosing a station."""

from __future__ import annotations

import argparse
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from bot.core.stations import StationDirectory, UnknownStation
from bot.db.models import AidApplication, StaffMember
from bot.db.repositories import Repositories
from bot.lectures.commands import add_parser as add_lectures_parser
from bot.lectures.commands import run_lectures_command
from bot.settings import load_settings
from tests.conftest import CONFIG
from tests.domain_helpers import Resident
from tests.handoff_helpers import cli as handoff_cli
from tests.handoff_helpers import staff_cli
from tests.test_legal_aid_application import start as start_application
from tests.test_legal_aid_application import wage_claim_to_review
from tests.test_legal_aid_staff import aid_cli

STREETS = {"中仓街道": "110112001", "新华街道": "110112002", "北苑街道": "110112003", "玉桥街道": "110112004",
           "潞源街道": "110112007", "通运街道": "110112008", "文景街道": "110112009", "九棵树街道": "110112010",
           "临河里街道": "110112011", "杨庄街道": "110112012", "潞邑街道": "110112013"}
TOWNS = {"宋庄镇": "110112104", "张家湾镇": "110112105", "漷县镇": "110112106", "马驹桥镇": "110112109",
         "西集镇": "110112110", "台湖镇": "110112114", "永乐店镇": "110112117", "潞城镇": "110112119",
         "永顺镇": "110112120", "梨园镇": "110112121"}
TOWNSHIPS = {"于家务回族乡": "110112209"}
IN_TAIHU = (39.8250, 116.6000)  # fields south of the Taihu town seat


@pytest.fixture(scope="module")
def directory() -> StationDirectory:
    return StationDirectory.from_settings(load_settings(CONFIG))


def consenting(assistant, user_id: str = "1001") -> Resident:
    resident = Resident(assistant, user_id=user_id)
    resident.command("start")
    resident.press("同意")
    return resident


# --- the data ----------------------------------------------------------------------------------------------------

def test_the_network_is_tongzhou_s_22_divisions_with_their_official_codes(directory):
    kinds = {"street": STREETS, "town": TOWNS, "township": TOWNSHIPS}
    assert {s.name("zh"): (s.config.kind, s.code) for s in directory} == {
        name: (kind, code) for kind, names in kinds.items() for name, code in names.items()}
    groups = directory.grouped()
    assert [s.name("zh") for s in groups["street"]] == list(STREETS)
    assert [s.name("zh") for s in groups["town"]] == list(TOWNS) + list(TOWNSHIPS)
    assert all(s.name("en") and s.config.address.en for s in directory)


def test_every_station_sits_inside_the_district(directory):
    for station in directory:  # Tongzhou spans about 39.60–40.04 N, 116.53–116.94 E
        lat, lon = station.config.location.point
        assert 39.6 < lat < 40.05 and 116.5 < lon < 116.95, station.id


def test_no_phone_number_is_invented_and_what_is_unconfirmed_is_marked(directory):
    for station in directory:
        config = station.config
        assert config.phone is None or config.phone.verified, station.id
        assert {"address", "location", "hours"} <= set(station.unverified()), station.id


def test_rooms_belong_to_their_stations(directory):
    rooms = {room.name.zh: (station.id, room.kind) for station in directory for room in station.rooms}
    assert rooms == {"上马头村法律服务室": ("zhangjiawan", "village"), "吕家湾村法律服务室": ("xiji", "village"),
                     "台湖镇产业园区法律服务室": ("taihu", "park")}
    assert directory.centre is not None and directory.centre.name.zh == "通州区公共法律服务中心"


@pytest.mark.parametrize("value, expected", [
    ("潞源街道", "luyuan"), ("潞源", "luyuan"), ("luyuan", "luyuan"), ("110112007", "luyuan"), ("Luyuan", "luyuan"),
    ("台湖镇", "taihu"), ("台湖", "taihu"), ("Taihu Town", "taihu"), ("通州区台湖镇", "taihu"), (" 台湖镇 ", "taihu"),
    ("于家务回族乡", "yujiawu"), ("于家务乡", "yujiawu"), ("于家务", "yujiawu"), ("110112209", "yujiawu"),
])
def test_one_resolver_takes_an_id_a_code_or_a_name(directory, value, expected):
    assert directory.resolve(value).id == expected


@pytest.mark.parametrize("value", ["", "火星镇", "通州", "110112999", "街道"])
def test_a_wrong_station_is_refused_with_the_valid_names(directory, value):
    assert directory.resolve(value) is None
    with pytest.raises(UnknownStation) as raised:
        directory.lookup(value)
    message = str(raised.value)
    assert all(name in message for name in (*STREETS, *TOWNS, *TOWNSHIPS)) and "110112007" in message


def test_a_room_under_an_unknown_station_is_refused(tmp_path):
    config = tmp_path / "config.yml"
    config.write_text(CONFIG.read_text(encoding="utf-8"), encoding="utf-8")
    network = (CONFIG.parent / "stations.yml").read_text(encoding="utf-8").replace("station: xiji", "station: nowhere")
    (tmp_path / "stations.yml").write_text(network, encoding="utf-8")
    with pytest.raises(ValueError, match="unknown station 'nowhere'"):
        load_settings(config)


# --- residents ---------------------------------------------------------------------------------------------------

def test_a_new_user_is_greeted_by_the_tongzhou_bureau(assistant):
    resident = Resident(assistant)
    resident.command("start")
    assert "这里是通州区司法局" in resident.text and "通州区司法局处理您事项" in resident.text


def test_the_station_question_offers_streets_then_towns(assistant):
    resident = consenting(assistant)
    resident.press("服务站点")
    assert "您在哪个镇或街道？" in resident.text
    labels = resident.labels()
    street_heading, town_heading = labels.index("🏙 街道（11 个）"), labels.index("🌾 镇/乡（11 个）")
    assert labels[street_heading + 1:town_heading] == list(STREETS)
    assert labels[town_heading + 1:town_heading + 12] == list(TOWNS) + list(TOWNSHIPS)
    assert labels[-3:] == ["🏛 通州区公共法律服务中心", "⬅️ 返回", "🏠 首页"]


def test_a_group_heading_only_explains(assistant):
    resident = consenting(assistant)
    resident.press("服务站点")
    before = resident.screen
    reply = resident.press("镇/乡")
    assert reply.messages == [] and "请点您所在的镇或乡" in reply.notice and resident.screen is before


def test_a_station_card_gives_the_district_line_and_asks_to_call_first(assistant):
    resident = consenting(assistant)
    resident.press("服务站点")
    resident.press("台湖镇")
    card = resident.text
    assert "台湖镇公共法律服务工作站" in card and "12348（区公共法律服务热线；本站电话暂未公布）" in card
    assert "法定节假日休息，调休上班日照常办公" in card and "台湖镇产业园区法律服务室（服务园区企业）" in card
    assert "尚未经司法局核实，前往前请先拨打 12348 确认" in card


def test_the_district_centre_has_a_card(assistant):
    resident = consenting(assistant)
    resident.press("服务站点")
    resident.press("区公共法律服务中心")
    assert "🏛 通州区公共法律服务中心" in resident.text and "请拨打 12348 询问" in resident.text
    with assistant.sessions() as session:
        assert Repositories(session).users.find("test", "1001").station_id is None


@pytest.mark.parametrize("typed", ["潞源", "潞源街道", "luyuan", "110112007"])
def test_typing_a_station_s_name_chooses_it(assistant, typed):
    resident = consenting(assistant)
    resident.press("服务站点")
    resident.say(typed)
    assert "潞源街道公共法律服务工作站" in resident.text and "已记住您的站点" in resident.text


def test_a_location_in_taihu_gives_taihu_town(assistant):
    resident = consenting(assistant)
    resident.send_location(*IN_TAIHU)
    assert "离您最近的站点" in resident.text and "台湖镇公共法律服务工作站" in resident.text
    with assistant.sessions() as session:
        assert Repositories(session).users.find("test", "1001").station_id == "taihu"


def test_a_location_far_outside_the_district_says_so(assistant):
    resident = consenting(assistant)
    resident.send_location(31.2304, 121.4737)  # Shanghai
    assert "好像不在通州区" in resident.text


# --- a legal-aid application, a lecture and a staff member, each put at a station by name --------------------------

def application_at_the_town_step(assistant, user_id: str = "1001") -> Resident:
    resident = start_application(assistant, user_id=user_id)
    resident.press("其他")  # not wages: straight to the applicant, then the personal details
    resident.press("完成")
    resident.say("张三")
    resident.say("13812345678")
    assert "您在哪个镇或街道？" in resident.text and "🏙 街道（11 个）" in resident.labels()
    return resident


@pytest.mark.parametrize("typed, station", [("潞源", "luyuan"), ("台湖镇", "taihu")])
def test_an_application_is_put_at_a_station_by_typing_its_name(assistant, typed, station):
    resident = application_at_the_town_step(assistant)
    resident.say(typed)
    assert "是哪一类事情" in resident.text
    with assistant.sessions() as session:
        draft = Repositories(session).aid.draft_for(Repositories(session).users.find("test", "1001").id)
        assert draft.data["town"] == station


def test_an_application_takes_a_shared_location_at_the_town_step(assistant):
    resident = application_at_the_town_step(assistant)
    resident.send_location(*IN_TAIHU)
    assert "离您最近的站点" in resident.text and "台湖镇。申请会交给这个工作站" in resident.text
    assert "是哪一类事情" in resident.text


def test_an_application_refuses_a_name_that_is_no_station(assistant):
    resident = application_at_the_town_step(assistant)
    resident.say("火星镇")
    assert "没有找到“火星镇”" in resident.text and "🌾 镇/乡（11 个）" in resident.labels()


def test_staff_are_registered_at_a_station_by_name_or_code(assistant, settings, clock, capsys):
    assert staff_cli(settings, clock, "add", "501", "--name", "王律师", "--role", "lawyer", "--station", "潞源街道") == 0
    assert staff_cli(settings, clock, "add", "502", "--name", "李调解员", "--role", "mediator", "--station", "台湖") == 0
    assert staff_cli(settings, clock, "add", "503", "--name", "赵所长", "--role", "supervisor",
                     "--station", "110112105") == 0
    assert staff_cli(settings, clock, "set-group", "-100600", "--station", "台湖镇") == 0
    with assistant.sessions() as session:
        placed = {m.external_id: m.station_ids for m in session.scalars(select(StaffMember))}
    assert placed == {"501": ("luyuan",), "502": ("taihu",), "503": ("zhangjiawan",)}
    assert "staff group for taihu: -100600" in capsys.readouterr().out


def test_a_wrong_station_on_the_command_line_lists_the_valid_names(settings, clock, capsys):
    assert staff_cli(settings, clock, "add", "501", "--name", "王律师", "--role", "lawyer", "--station", "火星镇") == 1
    out = capsys.readouterr().out
    assert "unknown station '火星镇'" in out and "潞源街道" in out and "台湖镇" in out and "110112114" in out


def lectures_cli(settings, clock, *argv: str) -> int:
    parser = argparse.ArgumentParser(prog="legalbot")
    add_lectures_parser(parser.add_subparsers(dest="command"))
    return run_lectures_command(parser.parse_args(["lectures", *argv]), settings, clock=clock)


@pytest.mark.parametrize("town, station", [("潞源街道", "luyuan"), ("台湖", "taihu"), ("110112114", "taihu")])
def test_a_lecture_is_put_at_a_station_by_name(assistant, settings, clock, capsys, town, station):
    code = lectures_cli(settings, clock, "add", "--title", "园区用工讲座", "--topic", "labor",
                        "--starts", "2026-11-30 19:00", "--capacity", "25", "--town", town, "--place", "工作站")
    assert code == 0, capsys.readouterr().out
    with assistant.sessions() as session:
        (lecture,) = Repositories(session).lectures.catalogue.listing(None)
        assert lecture.town == station


def test_a_lecture_at_an_unknown_town_is_refused_with_the_valid_names(settings, clock, capsys):
    code = lectures_cli(settings, clock, "add", "--title", "讲座", "--topic", "labor", "--starts", "2026-11-30 19:00",
                        "--capacity", "25", "--town", "月亮湾", "--place", "工作站")
    out = capsys.readouterr().out
    assert code == 1 and "unknown town '月亮湾'" in out and "潞源街道" in out and "于家务回族乡" in out


def test_applications_and_tickets_are_listed_by_station_name(assistant, settings, clock):
    resident = start_application(assistant, channel="telegram")
    wage_claim_to_review(resident)  # at 潞源
    resident.press("提交")
    code, listing = aid_cli(settings, clock, "list", "--station", "潞源街道")
    assert code == 0 and "FY-2026-000001" in listing and "luyuan" in listing
    assert "no applications" in aid_cli(settings, clock, "list", "--station", "台湖镇")[1]
    code, refused = aid_cli(settings, clock, "list", "--station", "火星镇")
    assert code == 1 and "潞源街道" in refused
    with assistant.sessions() as session:
        assert session.scalar(select(AidApplication.station_id)) == "luyuan"


def test_ticket_stats_take_a_station_by_name(assistant, settings, clock, capsys):
    assert handoff_cli(settings, clock, "tickets", "stats", "--month", "2026-11", "--station", "台湖镇") == 0
    assert capsys.readouterr().out.startswith("station\ttickets")
    assert handoff_cli(settings, clock, "tickets", "stats", "--month", "2026-11", "--station", "nowhere") == 1
    assert "台湖镇" in capsys.readouterr().out


def test_a_ticket_on_national_day_waits_for_the_eighth(assistant, clock):
    clock.now = datetime(2026, 10, 2, 2, 0, tzinfo=timezone.utc)  # 10:00 on the Friday of National Day week
    resident = Resident(assistant, channel="telegram")
    resident.command("start")
    resident.press("同意")
    resident.press_data("st:taihu")
    resident.command("human")
    assert "不在服务时间内" in resident.text and "10-08 09:00" in resident.text
    assert "法定节假日休息" in resident.text
