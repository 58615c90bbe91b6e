"""Consent that means something: without it no free text is kept anywhere; withdrawing it deletes what it allowed."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.core.messages import InboundKind
from bot.db.models import AidApplication, AidDraft, Conversation, LectureRequest, MessageRecord, Notification, Ticket, TicketEvent
from tests.domain_helpers import Resident
from tests.handoff_helpers import act, command, outbox_for, ticket
from tests.test_handoff import resident_at_luyuan, staffed  # noqa: F401 - the fixture
from tests.test_lecture_requests import fill_form
from tests.test_legal_aid_application import start as start_application
from tests.test_legal_aid_application import wage_claim_to_review

SECRET = "我的身份证号110101199003071234"


def stranger(assistant, user_id: str = "2001") -> Resident:
    """A resident who declined consent and chose a station."""
    resident = Resident(assistant, user_id=user_id, channel="telegram")
    resident.command("start")
    resident.press("暂不同意")
    resident.press_data("st:luyuan")
    return resident


def every_text_column(assistant) -> str:
    """All free text the database holds, from every table that can hold a resident's words."""
    with assistant.sessions() as session:
        parts = [row for row in session.scalars(select(MessageRecord.text))]
        parts += [row for row in session.scalars(select(Notification.text))]
        parts += [str(row) for row in session.scalars(select(Ticket.summary))]
        parts += [row or "" for row in session.scalars(select(Ticket.rating_comment))]
        parts += [row for row in session.scalars(select(TicketEvent.detail))]
    return "\n".join(parts)


def test_without_consent_no_message_text_is_kept(assistant):
    resident = stranger(assistant)
    resident.say(f"老板拖欠工资 {SECRET}")
    with assistant.sessions() as session:
        kinds = session.execute(select(MessageRecord.kind, MessageRecord.text)).all()
    assert kinds and all(text == "" for _, text in kinds)
    assert "1234" not in every_text_column(assistant)


def test_without_consent_a_ticket_summary_holds_no_words_and_the_resident_is_told_staff_cannot_see_them(
        assistant, staffed):  # noqa: F811
    resident = stranger(assistant)
    resident.say(f"老板拖欠工资 {SECRET}")
    resident.command("human")
    assert "看不到您之前说的话" in resident.text and "已经看到" not in resident.text and "会看到" not in resident.text
    assert "不会转给工作人员" in resident.text and "都会转给工作人员" not in resident.text
    assert ticket(assistant).summary["messages"] == []
    assert "1234" not in every_text_column(assistant)


def test_without_consent_nothing_typed_is_passed_to_staff_or_kept(assistant, staffed):  # noqa: F811
    resident = stranger(assistant)
    resident.command("human")
    resident.say(SECRET)
    assert "没有转给工作人员" in resident.text and "同意" in resident.labels()[0]
    act(staffed, "501", "button", button_data="tk:1")
    resident.say(SECRET)
    resident._send(InboundKind.MEDIA, media_type="photo", message_id=77)
    assert "没有转给工作人员" in resident.text
    assert "1234" not in every_text_column(assistant)
    assert all(row.copy_message_id is None for row in outbox_for(assistant, "501"))


def test_without_consent_a_rating_comment_is_not_kept(assistant, staffed):  # noqa: F811
    resident = stranger(assistant)
    resident.command("human")
    act(staffed, "501", "button", button_data="tk:1")
    command(staffed, "501", "/close 1")
    resident.press_data("rate:1.5")
    resident.say("王律师人很好 我电话13800138000")
    assert "不会被保存" in resident.text
    closed = ticket(assistant)
    assert closed.rating == 5 and closed.rating_comment is None
    assert "13800138000" not in every_text_column(assistant)


def test_the_resident_is_told_when_no_member_of_staff_received_the_ticket(assistant):
    resident = resident_at_luyuan(assistant)
    resident.say("老板拖欠我三个月工资不给")
    resident.command("human")
    assert "还没有工作人员收到" in resident.text and "会看到" not in resident.text
    resident.say("还有加班费")
    assert "没能转出" in resident.text and "已转给" not in resident.text


def test_with_consent_staff_see_the_question_and_the_resident_is_told_so(assistant, staffed):  # noqa: F811
    resident = resident_at_luyuan(assistant)
    resident.say("老板拖欠我三个月工资不给")
    resident.command("human")
    assert "工作人员会看到您刚才的问题" in resident.text
    assert "拖欠" in outbox_for(assistant, "-100500")[0].text


def test_withdrawing_consent_deletes_kept_messages_and_says_what_went(assistant, staffed):  # noqa: F811
    resident = resident_at_luyuan(assistant)
    resident.say("老板拖欠我三个月工资不给")
    resident.command("human")
    resident.say("我的电话13800138000")
    act(staffed, "501", "button", button_data="tk:1")
    command(staffed, "501", "/note 1 居民住在九棵树东路")
    command(staffed, "501", "/close 1")
    resident.press_data("rate:1.4")
    resident.say("很好 电话13800138000")
    resident.command("privacy")
    resident.press("撤回同意")
    said = resident.text
    assert "已撤回同意" in said
    for line in ("· 对话记录：", "· 人工服务工单摘要和评价留言：1", "· 工作人员的工单备注：1", "· 转给工作人员的消息："):
        assert line in said, line
    with assistant.sessions() as session:
        assert session.scalar(select(func.count()).select_from(MessageRecord)
                              .where(MessageRecord.text != "")) == 0
    kept = every_text_column(assistant)
    assert "13800138000" not in kept and "拖欠" not in kept and "九棵树东路" not in kept
    assert ticket(assistant).summary.get("erased") is True


def test_withdrawing_consent_deletes_drafts_and_lecture_request_phones(assistant):
    resident = start_application(assistant, channel="telegram")
    resident.press("讨要工资")
    fill = Resident(assistant, user_id="1001", channel="telegram")
    fill.command("menu")
    fill_form(fill)
    fill.press("提交申请")
    fill.press_data("go:lecture_request")
    fill.say("另一个社区")
    fill.command("privacy")
    fill.press("撤回同意")
    assert "· 未提交的申请草稿：2" in fill.text and "· 定制讲座申请的联系电话：1" in fill.text
    with assistant.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AidDraft)) == 0
        assert session.scalar(select(LectureRequest.contact_phone)) == ""


def test_withdrawing_consent_keeps_submitted_applications_and_says_so(assistant):
    resident = start_application(assistant, channel="telegram")
    wage_claim_to_review(resident)
    resident.press_data(next(b.data for row in resident.screen.buttons for b in row if "提交" in b.label))
    resident.command("privacy")
    resident.press("撤回同意")
    assert "1 份法律援助申请属于案件档案，按档案规定保存" in resident.text
    with assistant.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AidApplication)) == 1


def test_declining_consent_deletes_nothing_and_says_nothing_was_kept(assistant):
    resident = Resident(assistant, user_id="2002")
    resident.command("start")
    resident.press("暂不同意")
    assert "不会保存您的个人信息" in resident.text and "已撤回" not in resident.text


def test_without_consent_a_form_keeps_no_typed_answer(assistant):
    resident = stranger(assistant)
    resident.press_data("go:lecture_request")
    assert "请先同意隐私说明" in resident.text
    resident.say("北新仓社区居委会 13800138000")
    resident.command("menu")
    resident.press("法律援助")
    resident.say("张三 13800138000")
    with assistant.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AidDraft)) == 0
        assert session.scalar(select(func.count()).select_from(LectureRequest)) == 0
        data = session.scalar(select(Conversation.data))
    assert "13800138000" not in str(data) and "13800138000" not in every_text_column(assistant)


def test_a_shared_location_is_used_once_and_never_stored(assistant):
    resident = resident_at_luyuan(assistant)
    resident.send_location(39.93, 116.42)
    assert "最近" in resident.text
    with assistant.sessions() as session:
        rows = session.execute(select(MessageRecord.kind, MessageRecord.text)
                               .where(MessageRecord.kind == "location")).all()
        data = session.scalar(select(Conversation.data))
    assert rows == [("location", "")] and "39.93" not in str(data) and "116.42" not in every_text_column(assistant)


def test_in_a_group_the_bot_stores_nothing_about_anyone(assistant):
    from bot.core.messages import Inbound
    from bot.db.models import User

    for n, (kind, fields) in enumerate([(InboundKind.COMMAND, {"command": "start"}),
                                        (InboundKind.TEXT, {"text": f"大家好 {SECRET}"}),
                                        (InboundKind.COMMAND, {"command": "mydata"})]):
        assistant.handle(Inbound(channel="telegram", user_id="3003", chat_id="-100", kind=kind, update_key=f"g{n}",
                                 private_chat=False, **fields))
    with assistant.sessions() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0
        assert session.scalar(select(func.count()).select_from(MessageRecord)) == 0
    assert "1234" not in every_text_column(assistant)


def test_withdrawing_consent_says_that_lecture_bookings_stay_until_cancelled(assistant, clock):
    from bot.lectures.verbs import book
    from tests.lecture_helpers import add_lecture

    resident = resident_at_luyuan(assistant)
    resident.press_data(book(add_lecture(assistant, clock), 2))
    resident.command("privacy")
    resident.press("撤回同意")
    assert "1 个讲座预约仍然保留" in resident.text


def test_without_consent_an_emergency_still_makes_the_ticket_urgent(assistant, staffed):  # noqa: F811
    resident = stranger(assistant)
    resident.command("human")
    resident.say("他现在正在打我")
    assert ticket(assistant).priority == 0 and "没有转给工作人员" in resident.text and "110" in resident.text
    assert "正在打我" not in every_text_column(assistant)


def test_withdrawing_consent_undoes_a_web_link_and_deletes_its_codes(assistant):
    from datetime import timedelta

    from bot.db.models import AccountLink, LinkCode, User

    resident = resident_at_luyuan(assistant)
    visitor = Resident(assistant, "web-visitor-1", channel="web")
    visitor.command("start")
    with assistant.sessions() as session, session.begin():
        owner = session.scalar(select(User).where(User.external_id == "1001"))
        web = session.scalar(select(User).where(User.external_id == "web-visitor-1"))
        now = assistant.clock()
        session.add(LinkCode(code_hash="0" * 64, user_id=owner.id, created_at=now, expires_at=now + timedelta(minutes=10)))
        session.add(AccountLink(web_user_id=web.id, user_id=owner.id, linked_at=now))
    resident.command("privacy")
    resident.press("撤回同意")
    assert "关联网页版的一次性号码：1" in resident.text
    with assistant.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AccountLink)) == 0
        assert session.scalar(select(func.count()).select_from(LinkCode)) == 0
