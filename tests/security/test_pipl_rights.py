"""The resident's rights under PIPL: /mydata sends everything held about them; /forget deletes it after a confirmation."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from bot.db.models import (
    AidApplication,
    AidDraft,
    Conversation,
    LectureBooking,
    LectureRequest,
    MessageRecord,
    Notification,
    QuestionCount,
    Ticket,
    TicketEvent,
    User,
)
from bot.lectures.verbs import book
from tests.domain_helpers import Resident
from tests.handoff_helpers import act, command
from tests.lecture_helpers import add_lecture
from tests.test_handoff import resident_at_luyuan, staffed  # noqa: F401 - the fixture
from tests.test_lecture_requests import fill_form
from tests.test_legal_aid_application import wage_claim_to_review


def a_busy_resident(assistant, staffed, clock) -> Resident:  # noqa: F811
    """Consented, asked a question, talked to staff, booked a lecture, requested one, and applied for legal aid."""
    resident = resident_at_luyuan(assistant)
    resident.say("老板拖欠我三个月工资不给")
    resident.command("human")
    resident.say("我的电话13800138000")
    act(staffed, "501", "button", button_data="tk:1")
    command(staffed, "501", "/note 1 住在九棵树东路")
    command(staffed, "501", "/close 1")
    resident.press_data("rate:1.4")
    resident.say("很好")
    resident.press_data(book(add_lecture(assistant, clock, capacity=1), 1))
    fill_form(resident)
    resident.press("提交申请")
    resident.command("menu")
    resident.press("法律援助")
    wage_claim_to_review(resident)
    resident.press_data(next(b.data for row in resident.screen.buttons for b in row if "提交" in b.label))
    return resident


def test_mydata_sends_everything_held_as_a_readable_document_and_as_json(assistant, staffed, clock):  # noqa: F811
    resident = a_busy_resident(assistant, staffed, clock)
    resident.command("mydata")
    assert "可以直接阅读的文档" in resident.text
    resident.press("发送我的数据")
    document, data = resident.last.messages
    assert document.attachment.filename.endswith(".txt") and data.attachment.mime_type == "application/json"
    held = json.loads(data.attachment.content)
    assert held["profile"]["account"] == "1001" and held["profile"]["station"] == "luyuan"
    assert any(m["text"] == "老板拖欠我三个月工资不给" for m in held["messages"])
    (ticket,) = held["tickets"]
    assert ticket["rating_comment"] == "很好" and any(e["detail"] == "住在九棵树东路" for e in ticket["events"])
    assert held["messages_passed_to_staff"] >= 1
    assert held["lecture_bookings"][0]["status"] == "booked"
    assert held["lecture_requests"][0]["phone"] == "13800138000"
    (application,) = held["aid_applications"]
    assert application["answers"]["name"] == "张三" and len(application["evidence"]) == 2
    text = document.attachment.content.decode("utf-8")
    for heading in ("基本信息", "对话记录", "人工服务工单", "讲座预约", "定制讲座申请", "已提交的法律援助申请"):
        assert f"## {heading}" in text
    assert "老板拖欠我三个月工资不给" in text and "FY-2026-000001" in text and "张三" in text


def test_mydata_holds_nothing_of_another_resident(assistant, staffed, clock):  # noqa: F811
    a_busy_resident(assistant, staffed, clock)
    other = Resident(assistant, user_id="3003", channel="telegram")
    other.command("mydata")
    other.press("发送我的数据")
    held = json.loads(other.last.messages[1].attachment.content)
    assert held["tickets"] == [] and held["aid_applications"] == [] and held["lecture_requests"] == []
    assert "13800138000" not in other.last.messages[0].attachment.content.decode("utf-8")


def test_forget_asks_for_confirmation_first_and_changes_nothing_until_then(assistant, staffed, clock):  # noqa: F811
    resident = a_busy_resident(assistant, staffed, clock)
    resident.command("forget")
    assert "此操作不能撤销" in resident.text and "1 份法律援助申请属于案件档案" in resident.text
    assert "确认删除" in resident.labels()[0]
    with assistant.sessions() as session:
        assert session.scalar(select(User).where(User.external_id == "1001")) is not None


def test_forget_deletes_or_anonymises_everything_and_keeps_only_archives_and_counts(assistant, staffed, clock):  # noqa: F811
    resident = a_busy_resident(assistant, staffed, clock)
    with assistant.sessions() as session:
        counted = session.scalar(select(func.sum(QuestionCount.asked)))
    resident.command("forget")
    resident.press("确认删除")
    said = resident.text
    assert "已删除您的数据" in said and "· 对话记录：" in said and "· 讲座预约" in said and "· 定制讲座申请：1" in said
    assert "1 份法律援助申请属于案件档案，按档案规定保存" in said
    with assistant.sessions() as session:
        user = session.scalar(select(User).where(User.external_id == "1001"))
        assert user is None, "nothing points to the Telegram account any more"
        def count(model, *where):
            return session.scalar(select(func.count()).select_from(model).where(*where))
        assert count(MessageRecord) == 0 and count(LectureBooking) == 0 and count(LectureRequest) == 0
        assert count(AidDraft) == 0 and count(Conversation, Conversation.chat_id == "1001") == 0
        assert count(Notification, Notification.about_user_id.is_not(None)) == 0
        ticket = session.get(Ticket, 1)
        assert ticket.summary["erased"] and ticket.rating_comment is None and ticket.rating == 4
        assert count(TicketEvent, TicketEvent.kind == "note", TicketEvent.detail != "") == 0
        assert count(AidApplication) == 1, "the archive rule keeps the submitted application"
        assert session.scalar(select(func.sum(QuestionCount.asked))) == counted, "anonymous counts stay"
    resident.command("start")
    assert "是否同意" in resident.text, "the next message starts afresh, as a stranger"


def test_forget_gives_a_booked_seat_to_the_waitlist(assistant, staffed, clock):  # noqa: F811
    resident = a_busy_resident(assistant, staffed, clock)
    waiting = Resident(assistant, user_id="4004")
    waiting.command("start")
    waiting.press("同意")
    with assistant.sessions() as session:
        lecture_id = session.scalar(select(LectureBooking.lecture_id))
    from bot.lectures.verbs import wait

    waiting.press_data(wait(lecture_id, 1))
    resident.command("forget")
    resident.press("确认删除")
    with assistant.sessions() as session:
        statuses = session.scalars(select(LectureBooking.status)).all()
    assert statuses == ["booked"]


def test_mydata_and_forget_are_commands_published_from_the_menu(assistant):
    commands = {node.command for node in assistant.content.menu.listed_commands()}
    assert {"mydata", "forget"} <= commands
    resident = Resident(assistant)
    resident.command("privacy")
    assert "我的数据" in resident.labels() and "删除我的数据" in resident.labels()


def test_forget_ends_an_open_ticket_and_tells_staff_the_resident_left(assistant, staffed):  # noqa: F811
    from tests.handoff_helpers import outbox_for, ticket

    resident = resident_at_luyuan(assistant)
    resident.command("human")
    act(staffed, "501", "button", button_data="tk:1")
    resident.command("forget")
    resident.press("确认删除")
    assert ticket(assistant).status == "cancelled"
    assert "离开" in outbox_for(assistant, "501")[-1].text or "退出" in outbox_for(assistant, "501")[-1].text


def test_mydata_files_arrive_through_telegram(telegram_bot):
    server = telegram_bot.server
    resident = server.private_user(9501)
    resident.click(resident.ask("/start"), "✅ 同意")
    resident.ask("房东扣押金不退怎么办")
    screen = resident.ask("/mydata")
    mark = server.mark()
    resident.press_button(screen, "📦 发送我的数据")
    document = server.wait_for("sendDocument", lambda call: call.files["document"][0].endswith(".txt"), after=mark)
    data = server.wait_for("sendDocument", lambda call: call.files["document"][0].endswith(".json"), after=mark)
    assert "房东扣押金不退怎么办" in document.files["document"][1].decode("utf-8")
    held = json.loads(data.files["document"][1])
    assert held["profile"]["account"] == "9501"
    assert {"mydata", "forget"} <= {command["command"] for command in server.commands()}
