"""企业法律体检 end to end: the real PTB application and the fake Bot API, from 🏢 企业服务 to the staff group."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.db.engine import make_engine, make_session_factory
from bot.db.models import FormSubmission, Ticket
from tests.handoff_helpers import OFFICE_HOURS, staff_cli

GROUP = -100700


@pytest.fixture
def settings(settings):
    """Notifications are sent right after each update (no timed polling)."""
    settings.lectures = settings.lectures.model_copy(update={"demo_data": False})
    settings.notifications = settings.notifications.model_copy(update={"poll_seconds": 3600})
    return settings


def count(settings, model) -> int:
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            return session.scalar(select(func.count()).select_from(model))
    finally:
        engine.dispose()


def test_an_enterprise_checks_up_gets_its_report_and_books_a_follow_up(telegram_bot, settings, clock):
    clock.now = OFFICE_HOURS
    server = telegram_bot.server
    server.group(GROUP, title="台湖镇工作站")
    staff_cli(settings, clock, "add", "601", "--name", "张律师", "--role", "lawyer", "--station", "taihu")
    staff_cli(settings, clock, "set-group", str(GROUP), "--station", "taihu")
    boss = server.private_user(9601, first_name="刘总")
    home = boss.click(boss.ask("/start"), "✅ 同意")
    assert "🏢 企业服务" in [label for row in server.keyboard_labels(home) for label in row]
    screen = boss.click(boss.click(home, "企业服务"), "企业法律体检")
    assert "企业名称" in screen["text"]
    boss.ask("北京某某建筑工程有限公司")
    mark = server.mark()
    boss.send_location(39.83, 116.60)  # the park in 台湖镇
    assert "联系电话" in boss.wait_reply(after=mark)["text"]
    screen = boss.ask("13900139000")
    screen = boss.click(boss.click(screen, "50–299 人"), "建筑施工")
    telegram_bot.restart()  # interrupted mid-questionnaire: it resumes where it stopped
    while "请核对" not in screen["text"]:
        text = screen["text"]
        answer = "❌ 否" if "专用账户" in text or "安全生产教育" in text else "✅ 是"
        screen = boss.click(screen, answer)
    assert "农民工工资专用账户：❌ 否" in screen["text"]
    report = boss.click(screen, "提交")
    text = report["text"]
    assert "QY-2026-" in text and "■ 劳动用工：🔴 高风险" in text and "■ 安全生产：🔴 高风险" in text
    assert "《保障农民工工资支付条例》第二十六条、第三十一条、第三十条、第五十五条" in text
    assert "■ 合同管理：🟢 未见明显风险" in text
    mark = server.mark()
    booked = boss.click(report, "预约回访")
    assert "已为 北京某某建筑工程有限公司" in booked["text"]
    post = server.wait_for("sendMessage", lambda call: str(call["chat_id"]) == str(GROUP), after=mark)
    assert "企业法律体检后预约回访" in post["text"] and "health_check QY-2026-" in post["text"]
    assert "139****9000" in post["text"] and "13900139000" not in post["text"]
    assert count(settings, FormSubmission) == 1 and count(settings, Ticket) == 1
