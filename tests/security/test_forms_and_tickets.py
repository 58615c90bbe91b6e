"""Forms and tickets: a form in progress owns the resident's typed answers; /cancel cancels the innermost thing."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.db.models import AidDraft
from tests.handoff_helpers import act, outbox_for, ticket
from tests.test_handoff import resident_at_luyuan, staffed  # noqa: F401 - the fixture


def relayed_texts(assistant) -> str:
    return "\n".join(n.text for n in outbox_for(assistant, "-100500") + outbox_for(assistant, "501"))


def test_a_form_in_progress_owns_typed_answers_while_a_ticket_is_open(assistant, staffed):  # noqa: F811
    resident = resident_at_luyuan(assistant)
    resident.command("human")
    resident.command("menu")
    resident.press("法律援助")
    resident.press("讨要工资")
    resident.press("进城务工人员")
    resident.press("完成")
    resident.say("梨园某某小区3号楼")
    assert "包工头" in resident.text or "谁" in resident.text, resident.text
    assert "已转给工作人员" not in resident.text
    act(staffed, "501", "button", button_data="tk:1")
    resident.say("包工头王五")
    assert resident.last.messages, "the form answers even while staff have the ticket"
    with assistant.sessions() as session:
        draft = session.scalar(select(AidDraft))
        assert draft.data["wage"]["site"] == "梨园某某小区3号楼" and draft.data["wage"]["employer"] == "包工头王五"
    assert "梨园某某小区3号楼" not in relayed_texts(assistant) and "王五" not in relayed_texts(assistant)


def test_a_lecture_request_form_owns_answers_and_buttons_while_staff_have_the_ticket(assistant, staffed):  # noqa: F811
    resident = resident_at_luyuan(assistant)
    resident.command("human")
    resident.press_data("go:lecture_request")
    act(staffed, "501", "button", button_data="tk:1")
    resident.say("北新仓社区居委会")
    assert "人数" in resident.text or "多少人" in resident.text, resident.text
    resident.say("大约80人")
    resident.press("劳动纠纷")
    assert "✅ 劳动纠纷" in resident.labels()
    assert "北新仓" not in relayed_texts(assistant) and "80" not in relayed_texts(assistant)


def test_cancel_cancels_the_form_before_the_ticket_and_says_which(assistant, staffed):  # noqa: F811
    resident = resident_at_luyuan(assistant)
    resident.command("human")
    resident.command("menu")
    resident.press("法律援助")
    resident.press("讨要工资")
    resident.command("cancel")
    assert "已取消「法律援助绿色通道」" in resident.text and "工单 #1 仍在进行" in resident.text
    assert ticket(assistant).status == "open"
    with assistant.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AidDraft)) == 0
    resident.command("cancel")
    assert "已退出人工服务，工单 #1 已结束" in resident.text
    assert ticket(assistant).status == "cancelled"


def test_cancel_with_nothing_in_progress_says_so(assistant):
    resident = resident_at_luyuan(assistant)
    resident.command("cancel")
    assert "当前没有进行中的表单" in resident.text and "已取消「" not in resident.text
