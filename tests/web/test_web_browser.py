"""The resident web chat in headless Chromium, against the real service; screenshots at phone size go to
test-artefacts/web/ for a person to look at."""

from __future__ import annotations

import struct
import zlib

import pytest
from sqlalchemy import func, select

from bot.db.engine import make_engine, make_session_factory
from bot.db.models import AidApplication, AidEvidence
from tests.fakebot import FakeTelegram
from tests.handoff_helpers import OFFICE_HOURS, staff_cli
from tests.web.page import ChatPage

GROUP = -100500
BOT_USER = dict(id=777000, first_name="法律超市", username="legal_market_bot")


def count(settings, model) -> int:
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine)() as session:
            return session.scalar(select(func.count()).select_from(model))
    finally:
        engine.dispose()


def png(width: int = 2, height: int = 2) -> bytes:
    """A real, tiny PNG image."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@pytest.fixture
def chat(browser, start_web) -> ChatPage:
    web = start_web()
    page = ChatPage(browser, web.url).open_as_new_visitor()
    page.web = web
    return page


def consent(page: ChatPage) -> str:
    assert "隐私说明" in page.last()
    return page.press("✅ 同意")


def test_first_visit_shows_the_privacy_notice_and_asks_consent_first(chat, browser):
    first = chat.last()
    assert "隐私说明" in first and "网页版" in first, "the web channel is in the privacy notice"
    assert chat.buttons()[:2] == ["✅ 同意", "暂不同意"]
    chat.screenshot("01-consent")
    cookie = browser.get_cookie("legalbot_web")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    assert "legalbot_web" not in browser.execute_script("return document.cookie")
    home = consent(chat)
    assert "谢谢，您已同意" in home and "💬 法律咨询" in chat.buttons()
    chat.screenshot("02-menu")


def test_menu_walk_with_stations_and_the_language_switch(chat, browser):
    consent(chat)
    stations = chat.press("📍 服务站点")
    assert "潞源" in " ".join(chat.buttons())
    station = chat.press("潞源")
    assert "潞源" in station and "记住" in station
    chat.screenshot("03-station")
    assert "请选择服务" in chat.press("首页")
    english = browser.find_element("id", "lang")
    chat.click(english)
    assert "Legal consultation" in " ".join(chat.buttons())
    assert browser.find_element("id", "send").text == "Send"
    assert browser.execute_script("return document.documentElement.lang") == "en"
    chat.screenshot("04-english")
    chat.click(browser.find_element("id", "lang"))
    assert "💬 法律咨询" in chat.buttons() and stations
    browser.execute_cdp_cmd("Browser.grantPermissions", {"origin": chat.base_url, "permissions": ["geolocation"]})
    browser.execute_cdp_cmd("Emulation.setGeolocationOverride", {"latitude": 39.93, "longitude": 116.42, "accuracy": 50})
    chat.driver.find_element("id", "locate").click()
    nearest = chat.wait_for_message("最近")
    assert "街道" in nearest


def test_free_text_question_is_answered_with_its_legal_basis_and_the_law(chat):
    consent(chat)
    answer = chat.say("单位没给我交工伤保险，我受了工伤怎么办？")
    assert answer.startswith("❓ ") and "📖 法律依据：" in answer and "《" in answer
    chat.screenshot("05-answer")
    law = chat.press("📖 查看法条")
    assert "以下是原文" in law
    chat.screenshot("06-law")


def test_legal_aid_application_with_evidence_upload(chat, settings, tmp_path):
    consent(chat)
    chat.press("🟢 法律援助绿色通道")
    chat.press("工伤赔偿")
    chat.press("进城务工人员")
    chat.press("完成")
    chat.say("李四")
    bad = chat.say("12345")
    assert "手机" in bad, "a bad phone number is asked again"
    assert "街道" in chat.say("13812345678")
    chat.press("潞源")
    matter = [label for label in chat.buttons() if "劳动" in label]
    chat.press(matter[0])
    chat.say("某某建筑公司")
    chat.say("5万")
    evidence = chat.say("在工地摔伤，公司不赔")
    assert "10 MB" in evidence
    chat.screenshot("07-evidence")
    fake = tmp_path / "工伤照片.jpg"
    fake.write_text("not really a picture", encoding="utf-8")
    assert "这种文件收不了" in chat.upload(fake), "the type is judged from the bytes, not from the name"
    photo = tmp_path / "receipt.png"
    photo.write_bytes(png())
    assert "收到" in chat.upload(photo)
    review = chat.press("上传完了")
    assert "请核对" in review and "1 个文件" in review
    chat.screenshot("08-review")
    done = chat.press("提交申请")
    assert "FY-2026-000001" in done
    chat.screenshot("09-submitted")
    assert count(settings, AidApplication) == 1 and count(settings, AidEvidence) == 1
    records = chat.say("/menu") and chat.press("🗂 我的记录")
    assert "FY-2026-000001" in records


def test_reload_in_the_middle_of_a_form_resumes_it(chat):
    consent(chat)
    chat.press("🟢 法律援助绿色通道")
    chat.press("其他事项")
    chat.press("进城务工人员")
    chat.press("完成")
    asked_phone = chat.say("王五")
    chat.reload()
    assert chat.last() == asked_phone, "the same question is shown after the reload, once"
    assert "街道" in chat.say("13912345678")


def test_server_restart_mid_conversation_loses_nothing(chat):
    consent(chat)
    chat.press("🟢 法律援助绿色通道")
    chat.press("其他事项")
    chat.press("进城务工人员")
    chat.press("完成")
    chat.web.restart()
    asked_town = chat.say("赵六") and chat.say("13712345678")
    assert "街道" in asked_town, "the draft and the visitor survived the restart"


@pytest.fixture
def telegram_server():
    server = FakeTelegram(token="123456:WEB", bot_user=BOT_USER).start()
    yield server
    server.stop()


def test_staff_reply_from_the_telegram_group_appears_in_the_page_without_reload(browser, start_web, telegram_server,
                                                                               settings, clock, tmp_path):
    clock.now = OFFICE_HOURS
    group = telegram_server.group(GROUP, title="通州区司法局工作群", is_forum=True)
    staff_cli(settings, clock, "add", "501", "--name", "王律师", "--role", "lawyer", "--station", "luyuan")
    staff_cli(settings, clock, "set-group", str(GROUP))
    wang = telegram_server.private_user(501, first_name="王")
    web = start_web(telegram_server=telegram_server)
    assert telegram_server.webhook()["url"] == f"{web.url}/telegram"
    chat = ChatPage(browser, web.url).open_as_new_visitor()
    consent(chat)
    mark = telegram_server.mark()
    opened = chat.press("🙋 转人工")
    assert "工单号" in opened
    post = telegram_server.wait_for("sendMessage", lambda call: str(call["chat_id"]) == str(GROUP), after=mark)
    mark = telegram_server.mark()
    wang.press_button(post.message, "认领", chat=group)
    card = telegram_server.wait_for("sendMessage", lambda call: call.get("message_thread_id") is not None, after=mark)
    assert "接手" in chat.wait_for_message("接手")
    chat.say("我有工资条")
    relayed = telegram_server.wait_for("sendMessage", lambda call: "我有工资条" in (call.get("text") or ""), after=mark)
    assert relayed["message_thread_id"] == card["message_thread_id"]
    photo = tmp_path / "工资条.png"
    photo.write_bytes(png())
    chat.driver.find_element("id", "file").send_keys(str(photo))  # while staff have it, the bot stays silent
    sent = telegram_server.wait_for("sendDocument", lambda call: call.get("message_thread_id") is not None, after=mark)
    assert sent.files["document"][0] == "工资条.png" and sent.files["document"][1] == png()
    chat.wait_idle()
    messages_before = len(chat.bot_messages())
    wang.send_text("请把工资条原件带来", chat=group, thread_id=card["message_thread_id"])
    live = chat.wait_for_message("请把工资条原件带来")
    assert "王律师" in live and len(chat.bot_messages()) == messages_before + 1
    chat.screenshot("10-staff-reply")


def test_the_page_is_small_and_reflows_at_200_percent_zoom(chat, browser):
    from tests.web.live_web import PHONE, STATIC

    assert sum(f.stat().st_size for f in STATIC.iterdir()) < 200 * 1024, "the whole page stays under 200 KB"
    consent(chat)
    chat.press("📍 服务站点")
    # 200% zoom on a 390 px phone lays the page out in 195 CSS pixels, each drawn twice as large.
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": PHONE[0] // 2, "height": PHONE[1] // 2, "deviceScaleFactor": 2, "mobile": True})
    overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "nothing is cut off sideways"
    browser.execute_script("document.querySelector('#log .msg.bot:last-child').scrollIntoView()")
    chat.screenshot("11-zoom-200")
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": PHONE[0], "height": PHONE[1], "deviceScaleFactor": 1, "mobile": True})


def test_booking_a_lecture_offers_its_calendar_file_as_a_download(chat, browser, clock):
    import time

    from selenium.webdriver.common.by import By

    from tests.lecture_helpers import add_lecture

    lecture_id = add_lecture(chat.web.app.state.web.assistant, clock, title="工资被拖欠怎么办")
    consent(chat)
    chat.press("🎓 法治微讲堂")
    chat.press("1. ")
    calendar = chat.press("预约 1 位")
    assert "预约成功" in chat.bot_messages()[-2] and "日历文件" in calendar
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(browser.downloads)})
    download = browser.find_elements(By.CSS_SELECTOR, "#log .msg.bot .download")[-1]
    assert f"lecture-{lecture_id}.ics" in download.text
    chat.screenshot("12-lecture-booked")
    chat.click(download)
    saved = browser.downloads / f"lecture-{lecture_id}.ics"
    deadline = time.monotonic() + 10
    while not saved.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert saved.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
