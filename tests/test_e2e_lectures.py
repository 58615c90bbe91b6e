"""End to end through Telegram: book a lecture and get its .ics, cancel in two taps, waitlist promotion, reminders."""

from __future__ import annotations

import threading

import pytest

from bot.telegram_channel.app import DELIVER_NOTIFICATIONS, FIRE_LECTURE_REMINDERS
from tests.lecture_helpers import add_lecture
from tests.test_e2e_menu import labels


@pytest.fixture
def settings(settings):
    """No demo lectures, and no timed delivery: notifications must go out right after the update that wrote them."""
    settings.lectures = settings.lectures.model_copy(update={"demo_data": False})
    settings.notifications = settings.notifications.model_copy(update={"poll_seconds": 3600})
    return settings


def consent(resident) -> dict:
    return resident.click(resident.ask("/start"), "✅ 同意")


def reminders_sent(server, chat_id: int, after: int) -> list[str]:
    return [call["text"].split("\n")[0] for call in server.calls_to("sendMessage", after=after)
            if str(call["chat_id"]) == str(chat_id) and call["text"].startswith("⏰")]


def test_resident_books_gets_the_calendar_file_and_cancels_in_two_taps(telegram_bot, clock):
    server = telegram_bot.server
    lecture_id = add_lecture(telegram_bot.assistant, clock, title="工资被拖欠怎么办", capacity=30)
    resident = server.private_user(9101, first_name="老张")
    home = consent(resident)
    catalogue = resident.click(home, "🎓 法治微讲堂")
    assert "《工资被拖欠怎么办》" in catalogue["text"] and "剩余 30/30 个座位" in catalogue["text"]
    lecture = resident.click(catalogue, "1. ")
    assert labels(server, lecture)[:4] == ["预约 1 位", "预约 2 位", "预约 3 位", "预约 4 位"]

    mark = server.mark()
    resident.press_button(lecture, "预约 2 位")
    document = server.wait_for("sendDocument", after=mark)
    filename, content = document.files["document"]
    assert filename == f"lecture-{lecture_id}.ics" and "日历文件" in document["caption"]
    assert content.startswith(b"BEGIN:VCALENDAR\r\n") and b"DTSTART;TZID=Asia/Shanghai:20261129T173000\r\n" in content
    booked = server.current_message(lecture)
    assert "预约成功" in booked["text"] and "剩余 28/30 个座位" in booked["text"]

    records = resident.click(resident.ask("/menu"), "我的记录")
    assert "《工资被拖欠怎么办》" in records["text"] and "2 个座位" in records["text"]
    confirm = resident.click(records, "取消 1.")
    done = resident.click(confirm, "确定取消")
    assert "已取消预约" in done["text"] and "您暂时还没有" in done["text"]


def test_a_cancellation_promotes_the_waiting_resident_who_is_told_at_once(telegram_bot, clock):
    server = telegram_bot.server
    add_lecture(telegram_bot.assistant, clock, title="遗嘱与继承", topic="family", capacity=1)
    first, second = server.private_user(9201), server.private_user(9202)
    for resident in (first, second):
        consent(resident)
    first_view = resident_view(first)
    first_view = first.click(first_view, "预约 1 位")
    second_view = resident_view(second)
    assert "已满" in second_view["text"]
    queued = second.click(second_view, "候补 1 位")
    assert "已加入候补名单，您是第 1 位" in queued["text"]

    mark = server.mark()
    confirm = first.click(first_view, "取消预约")
    first.click(confirm, "确定取消")
    notice = server.wait_for("sendDocument", lambda call: str(call["chat_id"]) == "9202", after=mark)
    assert "有空位了" in notice["caption"] and notice.files["document"].filename.endswith(".ics")
    assert "❌ 取消预约" in labels(server, notice.message)
    server.wait_quiet(0.3)
    assert len(server.calls_to("sendDocument", after=mark)) == 1, "told once"
    records = second.click(second.ask("/menu"), "我的记录")
    assert "《遗嘱与继承》" in records["text"] and "候补" not in records["text"]


def resident_view(resident) -> dict:
    catalogue = resident.click(resident.ask("/menu"), "🎓 法治微讲堂")
    return resident.click(catalogue, "1. ")


def test_reminders_arrive_once_with_two_processes_and_after_a_restart(start_bot, clock):
    first = start_bot("webhook")
    server = first.server
    second = start_bot("webhook", server=server)
    add_lecture(first.assistant, clock, title="交通事故后如何索赔", topic="traffic", days=2)
    resident = server.private_user(9301)
    consent(resident)
    resident.click(resident_view(resident), "预约 1 位")

    mark = server.mark()
    clock.advance(days=1, minutes=1)
    both_run(first, second, FIRE_LECTURE_REMINDERS)
    both_run(first, second, DELIVER_NOTIFICATIONS)
    server.wait_for("sendMessage", lambda call: call["text"].startswith("⏰"), after=mark)
    first.restart()
    both_run(first, second, FIRE_LECTURE_REMINDERS)
    both_run(first, second, DELIVER_NOTIFICATIONS)
    server.wait_quiet(0.3)
    assert reminders_sent(server, 9301, mark) == ["⏰ 提醒：您预约的讲座约 24 小时后开始（1 个座位）。"]

    clock.advance(hours=23)
    both_run(first, second, FIRE_LECTURE_REMINDERS)
    both_run(first, second, DELIVER_NOTIFICATIONS)
    server.wait_quiet(0.3)
    assert len(reminders_sent(server, 9301, mark)) == 2


def both_run(first, second, job: str) -> None:
    """Run a job in both bot processes at the same moment."""
    threads = [threading.Thread(target=bot.run_job, args=(job,)) for bot in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
