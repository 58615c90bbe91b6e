"""转人工 end to end through Telegram: one resident, two staff members in a forum staff group, and the whistle."""

from __future__ import annotations

import pytest

from bot.telegram_channel.app import FIRE_WHISTLES
from tests.handoff_helpers import OFFICE_HOURS, staff_cli

GROUP, DUTY = -100500, -100900


@pytest.fixture
def settings(settings):
    """No timed delivery or whistling: the tests send right after updates and run the whistle job by hand."""
    settings.lectures = settings.lectures.model_copy(update={"demo_data": False})
    settings.notifications = settings.notifications.model_copy(update={"poll_seconds": 3600})
    settings.handoff = settings.handoff.model_copy(update={"whistle_check_seconds": 3600, "duty_chat_id": str(DUTY)})
    return settings


@pytest.fixture
def desk(telegram_bot, settings, clock):
    """The staff group (a forum) with two registered staff and a supervisor, during office hours."""
    clock.now = OFFICE_HOURS
    server = telegram_bot.server
    group = server.group(GROUP, title="通州区司法局工作群", is_forum=True)
    server.group(DUTY, title="区值班台")
    staff_cli(settings, clock, "add", "501", "--name", "王律师", "--role", "lawyer", "--station", "luyuan")
    staff_cli(settings, clock, "add", "502", "--name", "李调解员", "--role", "mediator", "--station", "luyuan")
    staff_cli(settings, clock, "add", "509", "--name", "赵所长", "--role", "supervisor", "--station", "luyuan")
    staff_cli(settings, clock, "set-group", str(GROUP))
    return group, server.private_user(501, first_name="王"), server.private_user(502, first_name="李")


def to_chat(chat_id):
    return lambda call: str(call["chat_id"]) == str(chat_id)


def resident_with_a_ticket(server, user_id: int = 9301):
    resident = server.private_user(user_id, first_name="老张")
    home = resident.click(resident.ask("/start"), "✅ 同意")
    resident.ask("老板拖欠我三个月工资不给")
    mark = server.mark()
    opened = resident.ask("/human")
    post = server.wait_for("sendMessage", to_chat(GROUP), after=mark)
    return resident, opened, post, home


def test_claim_relay_transfer_close_and_rating_through_telegram(telegram_bot, desk):
    server = telegram_bot.server
    group, wang, li = desk
    resident, opened, post, _ = resident_with_a_ticket(server)
    assert "工单号 #1" in opened["text"] and "前面还有 0 位" in opened["text"]
    assert "老板拖欠我三个月工资不给" in post["text"] and server.keyboard_labels(post.message) == [["✋ 认领/报到"]]

    mark = server.mark()
    wang.press_button(post.message, "认领", chat=group)
    topic = server.wait_for("createForumTopic", after=mark)
    card = server.wait_for("sendMessage", lambda call: call.get("message_thread_id") is not None, after=mark)
    thread = card["message_thread_id"]
    assert "工单 #1" in card["text"] and topic["name"].startswith("#1")
    assert "仅您可见" in server.wait_for("sendMessage", to_chat(wang.id), after=mark)["text"], "phone only in private"
    assert "王律师已接手" in server.wait_for("sendMessage", to_chat(resident.id), after=mark)["text"]
    li.press(post.message, "tk:1", chat=group)  # his client still shows the button
    refused = server.wait_for("answerCallbackQuery", lambda call: "已由" in (call.get("text") or ""), after=mark)
    assert "王律师" in refused["text"]

    mark = server.mark()
    resident.send_text("我有工资条")
    relayed = server.wait_for("sendMessage", to_chat(GROUP), after=mark)
    assert "居民：我有工资条" in relayed["text"] and relayed["message_thread_id"] == thread
    resident.send_photo(caption="工资条")
    copied = server.wait_for("copyMessage", to_chat(GROUP), after=mark)
    assert copied["message_thread_id"] == thread and str(copied["from_chat_id"]) == str(resident.id)
    server.wait_quiet(0.2)
    assert not [call for call in server.calls_to("sendMessage", after=mark) if to_chat(resident.id)(call)], \
        "the bot stays silent while staff have the conversation"

    mark = server.mark()
    wang.send_text("请把工资条原件带来", chat=group, thread_id=thread)
    assert "王律师：请把工资条原件带来" in server.wait_for("sendMessage", to_chat(resident.id), after=mark)["text"]
    wang.send_photo(chat=group, thread_id=thread)
    assert str(server.wait_for("copyMessage", to_chat(resident.id), after=mark)["from_chat_id"]) == str(GROUP)

    mark = server.mark()
    wang.send_command("/transfer", "502", chat=group, thread_id=thread)
    assert "转给了您" in server.wait_for("sendMessage", to_chat(li.id), after=mark)["text"]

    mark = server.mark()
    li.send_command("/close", chat=group, thread_id=thread)
    rating = server.wait_for("sendMessage", lambda call: to_chat(resident.id)(call) and "打分" in call["text"],
                             after=mark)
    thanks = resident.click(rating.message, "⭐⭐⭐⭐")
    assert "谢谢您的评价" in thanks["text"]
    assert "意见已收到" in resident.ask("很耐心")["text"]


def test_a_non_staff_members_press_is_refused_without_effect(telegram_bot, desk):
    server = telegram_bot.server
    group, wang, _ = desk
    _, _, post, _ = resident_with_a_ticket(server)
    stranger = server.private_user(4242, first_name="路人")
    mark = server.mark()
    stranger.press_button(post.message, "认领", chat=group)
    answer = server.wait_for("answerCallbackQuery", after=mark)
    assert answer.get("text") == "仅限登记的工作人员操作。"
    stranger.press(post.message, "tk:1", chat=group)
    server.wait_quiet(0.2)
    assert not server.calls_to("createForumTopic", after=mark) and not server.calls_to("editMessageText", after=mark)
    wang.press_button(post.message, "认领", chat=group)
    server.wait_for("createForumTopic", after=mark)
    server.wait_quiet(0.2)


def test_an_unclaimed_ticket_whistles_and_escalates_once_even_after_a_restart(telegram_bot, desk, clock):
    server = telegram_bot.server
    supervisor = server.private_user(509, first_name="赵")
    resident_with_a_ticket(server)

    def whistles(mark: int, chat) -> list[str]:
        server.wait_quiet(0.2)
        return [call["text"] for call in server.calls_to("sendMessage", after=mark)
                if to_chat(chat)(call) and ("吹哨" in call["text"] or "升级" in call["text"])]

    mark = server.mark()
    clock.advance(minutes=10)
    telegram_bot.run_job(FIRE_WHISTLES)
    assert len(whistles(mark, GROUP)) == 1
    telegram_bot.restart()
    telegram_bot.run_job(FIRE_WHISTLES)
    assert len(whistles(mark, GROUP)) == 1, "fired once, across the restart"

    mark = server.mark()
    clock.advance(minutes=5)
    telegram_bot.run_job(FIRE_WHISTLES)
    (escalation,) = whistles(mark, supervisor.id)
    assert "升级" in escalation and "已等候 15 分钟" in escalation
    clock.advance(minutes=5)
    telegram_bot.run_job(FIRE_WHISTLES)
    telegram_bot.run_job(FIRE_WHISTLES)
    assert len(whistles(mark, DUTY)) == 1


def test_outside_office_hours_the_ticket_waits_but_urgent_ones_reach_the_duty_desk(telegram_bot, desk, clock):
    server = telegram_bot.server
    clock.now = OFFICE_HOURS.replace(hour=13)  # 21:00 in Beijing
    resident = server.private_user(9302)
    resident.click(resident.ask("/start"), "✅ 同意")
    assert "不在服务时间内" in resident.ask("/human")["text"]
    other = server.private_user(9303)
    other.click(other.ask("/start"), "✅ 同意")
    mark = server.mark()
    answer = other.ask("他正在打我，我很害怕")
    assert "110" in answer["text"] and "12348" in answer["text"]
    duty = server.wait_for("sendMessage", to_chat(DUTY), after=mark)
    assert "紧急" in duty["text"] and server.keyboard_labels(duty.message) == [["✋ 认领/报到"]]
