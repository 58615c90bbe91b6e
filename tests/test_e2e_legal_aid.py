"""法律援助绿色通道 end to end: the real PTB application, the fake Bot API, photos fetched with getFile."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.db.engine import make_engine, make_session_factory
from bot.db.models import AidApplication, AidEvidence
from tests.handoff_helpers import OFFICE_HOURS, staff_cli

GROUP = -100500


@pytest.fixture
def settings(settings):
    """Notifications are sent right after each update (no timed polling)."""
    settings.lectures = settings.lectures.model_copy(update={"demo_data": False})
    settings.notifications = settings.notifications.model_copy(update={"poll_seconds": 3600})
    return settings


def to_chat(chat_id):
    return lambda call: str(call["chat_id"]) == str(chat_id)


def count(settings, model, *where) -> int:
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            return session.scalar(select(func.count()).select_from(model).where(*where))
    finally:
        engine.dispose()


def send_file(server, resident, send) -> dict:
    mark = server.mark()
    send()
    return resident.wait_reply(after=mark)


def test_migrant_worker_uses_the_wage_helper_and_submits_with_two_photos(telegram_bot, settings, clock):
    clock.now = OFFICE_HOURS
    server = telegram_bot.server
    group = server.group(GROUP, title="通州区司法局工作群")
    staff_cli(settings, clock, "add", "501", "--name", "王干事", "--role", "station_staff", "--station", "luyuan")
    staff_cli(settings, clock, "set-group", str(GROUP))
    worker = server.private_user(9401, first_name="老李")
    screen = worker.click(worker.ask("/menu"), "法律援助")
    screen = worker.click(screen, "同意并开始")
    screen = worker.click(screen, "讨要工资")
    screen = worker.click(screen, "进城务工人员")
    worker.click(screen, "完成")
    for answer in ("潞源某某小区3号楼", "包工头王五", "某某劳务公司/某某建工集团", "2026年3月到10月", "100"):
        worker.ask(answer)
    worker.ask("每天350")
    result = worker.ask("5000")
    assert "30,000" in result["text"] and "考勤记录" in result["text"] and "第二十七条" in result["text"]
    mark = server.mark()
    worker.press_button(result, "一页摘要")
    summary = server.wait_for("sendDocument", after=mark)
    assert summary.get("caption") and "摘要" in summary["caption"]
    screen = worker.click(result, "继续")
    worker.ask("李四")
    telegram_bot.restart()  # interrupted mid-application: it resumes where it stopped
    screen = worker.ask("13812345678")
    assert "街道" in screen["text"]
    screen = worker.click(screen, "潞源")
    screen = worker.ask("老板拖欠半年工资不给")
    assert "照片或文件" in screen["text"] and "10 MB" in screen["text"]
    assert "请发照片或文件" in worker.ask("我拍了照片")["text"]
    big = send_file(server, worker, lambda: worker.send_document("合同.pdf", b"%PDF" + b"0" * (11 * 1024 * 1024),
                                                               mime_type="application/pdf"))
    assert "太大" in big["text"]
    assert "收不了" in send_file(server, worker, lambda: worker.send_voice())["text"]
    mark = server.mark()
    for photo in (b"\xff\xd8\xff\xe0photo-1", b"\xff\xd8\xff\xe0photo-2"):
        reply = send_file(server, worker, lambda: worker.send_photo(photo))
        assert "收到" in reply["text"]
    assert len(server.calls_to("getFile", after=mark)) == 2
    review = worker.click(reply, "上传完了")
    assert "请核对" in review["text"] and "2 个文件" in review["text"] and "符合绿色通道" in review["text"]
    review = worker.click(review, "✏️ 姓名")
    review = worker.ask("李大山")
    assert "请核对" in review["text"] and "李大山" in review["text"]
    submit = next(b["callback_data"] for row in review["reply_markup"]["inline_keyboard"] for b in row
                  if "提交申请" in b["text"])
    mark = server.mark()
    done = worker.click(review, "提交申请")
    assert "FY-2026-000001" in done["text"] and "潞源" in done["text"]
    again = worker.press(review, submit)  # a double press from a client still showing the old keyboard
    worker.resend(again)  # and the same update delivered twice
    server.wait_for("answerCallbackQuery", after=mark)
    post = server.wait_for("sendMessage", to_chat(GROUP), after=mark)
    assert "138****5678" in post["text"] and "13812345678" not in post["text"]
    assert count(settings, AidApplication) == 1
    assert count(settings, AidEvidence, AidEvidence.application_id.is_not(None)) == 2

    wang = server.private_user(501, first_name="王")
    mark = server.mark()
    wang.press_button(post.message, "查看", chat=group)
    full = server.wait_for("sendMessage", to_chat(501), after=mark)
    assert "13812345678" in full["text"]
    server.wait_for("sendDocument", to_chat(501), after=mark)
    server.wait_quiet()
    assert len([c for c in server.calls_to("sendDocument", after=mark) if str(c["chat_id"]) == "501"]) == 2
    mark = server.mark()
    wang.press_button(post.message, "已受理", chat=group)
    told = server.wait_for("sendMessage", to_chat(worker.id), after=mark)
    assert "FY-2026-000001" in told["text"] and "已受理" in told["text"]
    records = worker.click(worker.ask("/menu"), "我的记录")
    assert "FY-2026-000001" in records["text"] and "已受理" in records["text"]
