"""定制化 requests: a short form kept in the conversation, a reference number, and staff scheduling it."""

import pytest

from bot.db.repositories import Repositories
from bot.core.phones import mask, normalise_phone
from bot.services import build_assistant
from tests.domain_helpers import Resident
from tests.lecture_helpers import add_lecture, consenting, notifications_for


@pytest.mark.parametrize("typed, expected", [
    ("13800138000", "13800138000"),
    ("+86 138-0013-8000", "13800138000"),
    ("１３８００１３８０００", "13800138000"),
    ("010-64012345", "010-64012345"),
    ("0755 12345678", "0755-12345678"),
    ("12800138000", None),
    ("1380013800", None),
    ("12345", None),
    ("电话13800138000", None),
])
def test_mainland_phone_numbers(typed, expected):
    assert normalise_phone(typed) == expected


def test_phone_numbers_are_masked_for_staff_lists():
    assert mask("13800138000") == "138****8000" and mask("010-64012345") == "010****2345"


def fill_form(resident: Resident) -> None:
    resident.press_data("go:lecture_request")
    resident.say("张家湾镇上马头村村委会")
    resident.say("大约80人")
    resident.press("劳动纠纷")
    resident.press("婚姻家庭")
    resident.press("下一步")
    resident.say("12月上旬的工作日下午")
    resident.say("138 0013 8000")


def test_a_community_requests_a_talk_and_gets_a_reference(assistant, clock):
    resident = consenting(assistant, "5001")
    fill_form(resident)
    assert "请核对申请内容" in resident.text
    assert "单位：张家湾镇上马头村村委会" in resident.text and "人数：约 80 人" in resident.text
    assert "主题：劳动纠纷、婚姻家庭" in resident.text and "电话：13800138000" in resident.text
    resident.press("提交申请")
    assert "申请已提交，编号 JZ-2026-000001" in resident.text
    with assistant.sessions() as session:
        (request,) = Repositories(session).lectures.requests.listing()
    assert (request.reference, request.audience_size, request.topics) == ("JZ-2026-000001", 80, ["labor", "family"])
    resident.command("menu")
    resident.press("我的记录")
    assert "JZ-2026-000001（张家湾镇上马头村村委会）：已受理" in resident.text


def test_bad_answers_are_explained_and_asked_again(assistant):
    resident = consenting(assistant, "5011")
    resident.press_data("go:lecture_request")
    resident.say("社区")
    resident.say("很多人")
    assert "请输入人数" in resident.text and "第 2/5 步" in resident.text
    resident.say("30")
    resident.press("下一步")
    assert "请至少选择一个主题" in resident.text
    resident.say("劳动")
    assert "这一步请点下面的按钮" in resident.text
    resident.press("劳动纠纷")
    resident.press("下一步")
    resident.say("周末")
    resident.say("12345")
    assert "这个号码好像不对" in resident.text and "第 5/5 步" in resident.text


def test_the_form_survives_a_restart_and_cancel_clears_it(assistant, settings, clock, domain_services):
    resident = consenting(assistant, "5021")
    resident.press_data("go:lecture_request")
    resident.say("玉桥社区")
    restarted = build_assistant(settings, clock=clock, migrate=False, **domain_services)
    try:
        again = Resident(restarted, user_id="5021")
        again.say("45")
        assert "想听哪些主题" in again.text
        again.command("cancel")
        again.press_data("go:lecture_request")
        assert "第 1/5 步" in again.text
    finally:
        restarted.close()


def test_the_form_asks_for_consent_first(assistant):
    resident = Resident(assistant, user_id="5031")
    resident.press_data("go:lecture_request")
    assert "请先同意隐私说明" in resident.text
    resident.say("某某公司")
    assert "请输入单位或社区名称" not in resident.text, "without consent nothing is taken down"
    resident.press_data("go:lecture_request")
    resident.press("同意并继续")
    assert "请输入单位或社区名称" in resident.text


def test_questions_typed_elsewhere_still_reach_the_consultation(assistant):
    resident = consenting(assistant, "5041")
    resident.press_data("go:lecture_request")
    resident.command("menu")
    resident.say("包工头跑路了 欠我们半年工钱 找谁要啊")
    assert resident.text.startswith("❓ ")


def test_staff_schedule_a_request_and_the_requester_is_told(assistant, clock, capsys):
    from tests.test_lecture_staff_cli import staff

    resident = consenting(assistant, "5051")
    fill_form(resident)
    resident.press("提交申请")
    lecture_id = add_lecture(assistant, clock, title="北新仓社区专场")
    assert staff(assistant, clock, "requests") == 0
    assert "JZ-2026-000001  new" in capsys.readouterr().out
    assert staff(assistant, clock, "schedule-request", "JZ-2026-000001", str(lecture_id)) == 0
    (notice,) = notifications_for(assistant, "5051")
    assert "JZ-2026-000001" in notice.text and "北新仓社区专场" in notice.text
    assert notice.buttons[0][0]["data"] == f"lec:l.{lecture_id}"
    resident.command("menu")
    resident.press("我的记录")
    assert "JZ-2026-000001：已安排《北新仓社区专场》" in resident.text
