"""转人工 on plain data: tickets with summaries, claiming, relay, transfer, close and rating, the whistle."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.core.messages import InboundKind
from bot.db.models import TicketEvent, WhistleTimer
from bot.handoff import whistle
from bot.handoff.context import HandoffContext
from tests.domain_helpers import Resident
from tests.handoff_helpers import OFFICE_HOURS, act, cli, command, desk_of, outbox_for, staff_cli, ticket


@pytest.fixture
def staffed(assistant, settings, clock):
    """Two officers and a supervisor at luyuan, the district's staff group; 10:00 on a working day."""
    clock.now = OFFICE_HOURS
    staff_cli(settings, clock, "add", "501", "--name", "王律师", "--role", "lawyer", "--station", "luyuan")
    staff_cli(settings, clock, "add", "502", "--name", "李调解员", "--role", "mediator", "--station", "luyuan")
    staff_cli(settings, clock, "add", "509", "--name", "赵所长", "--role", "supervisor", "--station", "luyuan")
    staff_cli(settings, clock, "set-group", "-100500")
    return desk_of(assistant)


def resident_at_luyuan(assistant, user_id: str = "1001") -> Resident:
    resident = Resident(assistant, user_id=user_id, channel="telegram")
    resident.command("start")
    resident.press("同意")
    resident.press_data("st:luyuan")
    return resident


def test_a_ticket_carries_a_summary_and_the_resident_learns_queue_and_hours(assistant, staffed):
    resident = resident_at_luyuan(assistant)
    resident.say("老板拖欠我三个月工资不给")
    resident.command("human")
    assert "工单号 #1" in resident.text and "前面还有 0 位" in resident.text and "9:00-12:00" in resident.text
    (post,) = outbox_for(assistant, "-100500")
    assert "工单 #1" in post.text and "潞源街道" in post.text and "老板拖欠我三个月工资不给" in post.text
    assert post.buttons == [[{"label": "✋ 认领/报到", "data": "tk:1"}]]
    assert ticket(assistant).reason == "menu"


def test_without_consent_no_messages_reach_the_summary(assistant, staffed):
    resident = Resident(assistant, channel="telegram")
    resident.say("老板拖欠我三个月工资不给")
    resident.command("human")
    (post,) = outbox_for(assistant, "-100500")
    assert "拖欠" not in post.text and "未同意" in post.text


def test_urgent_words_jump_the_queue_and_give_emergency_numbers_at_once(assistant, staffed, clock):
    resident_at_luyuan(assistant, "1001").command("human")
    urgent = resident_at_luyuan(assistant, "1002")
    urgent.say("我老公正在打我")
    assert "110" in urgent.text and "12348" in urgent.text and "前面还有 0 位" in urgent.text
    opened = ticket(assistant, 2)
    assert opened.priority == 0 and (opened.window_ends_at - clock.now).total_seconds() == 180


def test_of_two_staff_pressing_claim_one_wins_and_the_other_is_told_who(assistant, staffed):
    resident_at_luyuan(assistant).command("human")
    first = act(staffed, "501", "button", button_data="tk:1")
    second = act(staffed, "502", "button", button_data="tk:1")
    assert "王律师" in first.edit.text and second.edit is None and "已由 王律师 认领" in second.notice
    assert ticket(assistant).staff_id is not None
    told = outbox_for(assistant, "1001")[-1]
    assert "王律师已接手" in told.text


def test_a_non_staff_press_and_a_forged_one_are_refused_without_effect(assistant, staffed):
    resident_at_luyuan(assistant).command("human")
    stranger = act(staffed, "666", "button", button_data="tk:1")
    forged = act(staffed, "501", "button", button_data="tk:999")
    assert stranger.notice == "仅限登记的工作人员操作。" and "失效" in forged.notice
    assert ticket(assistant).status == "open"
    with staffed.sessions() as session:
        kinds = [event.kind for event in session.scalars(select(TicketEvent))]
    assert "refused" in kinds and "bad_button" in kinds


def test_phone_is_masked_until_the_ticket_is_claimed(assistant, staffed):
    from tests.test_lecture_requests import fill_form

    resident = resident_at_luyuan(assistant)
    fill_form(resident)
    resident.press("提交申请")
    resident.command("human")
    post = outbox_for(assistant, "-100500")[-1]
    assert "138****8000" in post.text and "13800138000" not in post.text and "0013 8000" not in post.text
    act(staffed, "501", "button", button_data="tk:1")
    private_card = outbox_for(assistant, "501")[-1]
    assert "13800138000" in private_card.text


def test_relay_both_ways_then_close_and_rate_with_a_comment(assistant, staffed):
    resident = resident_at_luyuan(assistant)
    resident.command("human")
    act(staffed, "501", "button", button_data="tk:1")
    resident.say("我有工资条")
    assert resident.last.messages == [], "the bot is silent while staff have the conversation"
    assert "居民：我有工资条" in outbox_for(assistant, "501")[-1].text
    resident._send(InboundKind.MEDIA, media_type="photo", message_id=77)
    copied = outbox_for(assistant, "501")[-1]
    assert (copied.copy_chat_id, copied.copy_message_id) == ("1001", 77)
    command(staffed, "501", "/reply 1 请把工资条拍照发来")
    assert "王律师：请把工资条拍照发来" in outbox_for(assistant, "1001")[-1].text
    command(staffed, "501", "/note 1 居民情绪稳定")
    assert "情绪稳定" not in outbox_for(assistant, "1001")[-1].text
    assert "已结束" in command(staffed, "501", "/close 1").messages[0].text
    rating = outbox_for(assistant, "1001")[-1]
    assert "打分" in rating.text and rating.buttons[0][4]["data"] == "rate:1.5"
    resident.press_data("rate:1.4")
    resident.say("回复很快，谢谢")
    assert "意见已收到" in resident.text
    closed = ticket(assistant)
    assert (closed.status, closed.rating, closed.rating_comment) == ("closed", 4, "回复很快，谢谢")
    assert closed.first_reply_at is not None


def test_queue_lists_urgent_first_and_mine_lists_claimed_tickets(assistant, staffed):
    resident_at_luyuan(assistant, "1001").command("human")
    resident_at_luyuan(assistant, "1002").say("有人拿着刀正在威胁我")
    queue = command(staffed, "502", "/queue").messages[0].text.splitlines()
    assert queue[1].startswith("#2 🚨紧急") and queue[2].startswith("#1 潞源街道")
    act(staffed, "501", "button", button_data="tk:1")
    assert "#1" in command(staffed, "501", "/mine").messages[0].text
    assert "没有工单" in command(staffed, "502", "/mine").messages[0].text


def test_only_the_claimer_or_a_supervisor_may_close(assistant, staffed):
    resident_at_luyuan(assistant).command("human")
    act(staffed, "501", "button", button_data="tk:1")
    assert "不在您手上" in command(staffed, "502", "/close 1").messages[0].text
    assert "已结束" in command(staffed, "509", "/close 1").messages[0].text


def test_transfer_to_another_station_puts_the_ticket_back_in_a_queue(assistant, staffed):
    resident_at_luyuan(assistant).command("human")
    act(staffed, "501", "button", button_data="tk:1")
    reply = command(staffed, "501", "/transfer 1 songzhuang")
    moved = ticket(assistant)
    assert "宋庄镇" in reply.messages[0].text and (moved.status, moved.station_id) == ("open", "songzhuang")
    assert "已转给宋庄镇" in outbox_for(assistant, "1001")[-1].text


def test_transfer_to_a_colleague_keeps_it_claimed(assistant, staffed):
    resident_at_luyuan(assistant).command("human")
    act(staffed, "501", "button", button_data="tk:1")
    command(staffed, "501", "/transfer 1 502")
    assert ticket(assistant).status == "claimed"
    assert "转给了您" in outbox_for(assistant, "502")[-1].text
    assert "不在您手上" in command(staffed, "501", "/close 1").messages[0].text


def test_an_unclaimed_ticket_whistles_then_climbs_the_ladder_once_each(assistant, staffed, clock):
    resident_at_luyuan(assistant).command("human")
    ctx = HandoffContext.of(assistant)
    fire = lambda: whistle.fire_due(assistant.sessions, ctx, clock)  # noqa: E731
    clock.advance(minutes=9)
    assert fire() == 0
    clock.advance(minutes=1)
    assert fire() == 1 and fire() == 0
    assert "吹哨" in outbox_for(assistant, "-100500")[-1].text
    clock.advance(minutes=5)
    assert fire() == 1
    assert "升级" in outbox_for(assistant, "509")[-1].text
    clock.advance(minutes=5)
    assert fire() == 1, "no duty desk configured: the group is whistled again"
    assert fire() == 0


def test_a_claimed_ticket_never_whistles(assistant, staffed, clock):
    resident_at_luyuan(assistant).command("human")
    act(staffed, "501", "button", button_data="tk:1")
    clock.advance(hours=2)
    assert whistle.fire_due(assistant.sessions, HandoffContext.of(assistant), clock) == 0


def test_outside_office_hours_the_resident_is_told_and_the_window_starts_at_opening(assistant, staffed, clock):
    clock.now = clock.now.replace(hour=12)  # 20:00 in Beijing
    resident = resident_at_luyuan(assistant)
    resident.command("human")
    assert "不在服务时间内" in resident.text and "11-27 09:00" in resident.text
    assert ticket(assistant).window_ends_at.hour == 1 and ticket(assistant).window_ends_at.minute == 10
    with assistant.sessions() as session:
        assert len(session.scalars(select(WhistleTimer)).all()) == 3


def test_cancel_leaves_the_ticket_and_tells_staff(assistant, staffed):
    resident = resident_at_luyuan(assistant)
    resident.command("human")
    act(staffed, "501", "button", button_data="tk:1")
    resident.command("cancel")
    assert "已退出人工服务" in resident.text and ticket(assistant).status == "cancelled"
    assert "退出" in outbox_for(assistant, "501")[-1].text


def test_stats_by_station_for_a_month(assistant, staffed, settings, clock, capsys):
    resident = resident_at_luyuan(assistant)
    resident.command("human")
    clock.advance(minutes=4)
    act(staffed, "501", "button", button_data="tk:1")
    clock.advance(minutes=2)
    command(staffed, "501", "/reply 1 您好")
    command(staffed, "501", "/close 1")
    resident.press_data("rate:1.5")
    capsys.readouterr()
    assert cli(settings, clock, "tickets", "stats", "--month", "2026-11") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split("\t") == ["luyuan", "1", "1", "100%", "4.0", "6.0", "5.0"]


def test_staff_cli_lists_and_removes_staff(assistant, staffed, settings, clock, capsys):
    capsys.readouterr()
    assert staff_cli(settings, clock, "remove", "502") == 0
    staff_cli(settings, clock, "list")
    out = capsys.readouterr().out
    assert "李调解员\tmediator\tluyuan (removed)" in out and "group -100500\tdistrict" in out
    assert act(staffed, "502", "button", button_data="tk:1").notice == "仅限登记的工作人员操作。"
    assert staff_cli(settings, clock, "add", "503", "--name", "x", "--role", "lawyer", "--station", "nowhere") == 1
