"""The staff console in headless Chromium, against the real service with a fake Telegram: a supervisor signs in
through the bot's link, takes a ticket from the queue and answers it, opens last month's report with its charts in
Chinese and downloads the workbook. Screenshots go to test-artefacts/web/ for a person to look at."""

from __future__ import annotations

import time
from datetime import datetime, timezone

import pytest
from openpyxl import load_workbook
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.fakebot import FakeTelegram, free_port
from tests.handoff_helpers import OFFICE_HOURS, act, desk_of, staff_cli
from tests.test_handoff import resident_at_luyuan
from tests.web.live_web import ARTEFACTS, LiveWeb

GROUP = -100500
BOT_USER = dict(id=777000, first_name="法律超市", username="legal_market_bot")
OCTOBER_WORKDAY = datetime(2026, 10, 15, 2, 0, tzinfo=timezone.utc)  # a Thursday, 10:00 in Beijing
DESKTOP = (1280, 900)


@pytest.fixture
def telegram_server():
    server = FakeTelegram(token="123456:CONSOLE", bot_user=BOT_USER).start()
    yield server
    server.stop()


@pytest.fixture
def service(settings, clock, domain_services, telegram_server):
    """`legalbot serve` with Telegram on its webhook, its outbox delivering at once, on a port known beforehand so
    the bot's sign-in links point at it."""
    port = free_port()
    changed = settings.model_copy(update={
        "notifications": settings.notifications.model_copy(update={"poll_seconds": 0.2}),
        "console": settings.console.model_copy(update={"base_url": f"http://127.0.0.1:{port}"}),
    })
    web = LiveWeb(changed, clock, domain_services, telegram_server=telegram_server, port=port).start()
    yield web
    web.stop()


@pytest.fixture
def desktop(browser):
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": DESKTOP[0], "height": DESKTOP[1], "deviceScaleFactor": 1, "mobile": False})
    browser.get("about:blank")
    browser.delete_all_cookies()
    return browser


def shot(driver, name: str) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(ARTEFACTS / f"{name}.png"))


def wait(driver, condition, timeout: float = 15):
    return WebDriverWait(driver, timeout).until(condition)


def read(driver, expression: str):
    return driver.execute_script(f"return {expression}")


def flash(driver) -> str:
    """The notice of the page now shown (the one before may still be there while the next one loads)."""
    return read(driver, "document.getElementById('flash') ? document.getElementById('flash').textContent : ''")


def text_of(driver) -> str:
    return driver.find_element(By.TAG_NAME, "body").text


def test_a_supervisor_signs_in_by_the_bots_link_answers_a_ticket_and_reads_last_months_report(
        assistant, settings, clock, telegram_server, desktop, request):
    # Last month: a resident asked, went to staff, and the supervisor took the ticket in time on Telegram.
    clock.now = OCTOBER_WORKDAY
    staff_cli(settings, clock, "add", "509", "--name", "赵所长", "--role", "supervisor", "--station", "luyuan")
    staff_cli(settings, clock, "set-group", str(GROUP))
    telegram_server.group(GROUP, title="通州区司法局工作群", is_forum=True)
    telegram_server.private_user(509, first_name="赵")
    telegram_server.private_user(1002, first_name="居民")
    october = resident_at_luyuan(assistant, "1001")
    october.say("老板拖欠我三个月工资不给")
    october.command("human")
    act(desk_of(assistant), "509", "button", button_data="tk:1")
    # Today: a resident waits in the queue.
    clock.now = OFFICE_HOURS
    web = request.getfixturevalue("service")
    today = resident_at_luyuan(assistant, "1002")
    today.say("公司不给我交社保怎么办")
    today.command("human")
    driver = desktop

    # A new user: the console sends them to sign in; the bot brings the link to their Telegram chat.
    driver.get(web.url + "/staff/")
    wait(driver, lambda d: d.current_url.endswith("/staff/signin"))
    shot(driver, "console-01-signin")
    mark = telegram_server.mark()
    driver.find_element(By.ID, "account").send_keys("509")
    driver.find_element(By.ID, "send-link").click()
    assert "登录链接已发到" in wait(driver, lambda d: d.find_element(By.ID, "sent")).text
    message = telegram_server.wait_for_message(509, after=mark, timeout=10,
                                               predicate=lambda m: "/staff/signin/" in m.get("text", ""))
    link = next(word for word in message["text"].split() if "/staff/signin/" in word)
    assert link.startswith(web.url)
    driver.get(link)
    wait(driver, lambda d: d.find_element(By.ID, "confirm")).click()

    # The queue, with the waiting ticket and its countdown.
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#queue tr[data-id='2']"))
    countdown = read(driver, "document.querySelector(\"#queue tr[data-id='2'] .countdown\").textContent")
    assert ":" in countdown and "赵所长" in text_of(driver)
    resident_at_luyuan(assistant, "1003").say("有人拿着刀正在威胁我")  # urgent words: it opens a ticket at once
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#queue tr[data-id='3'].urgent"), timeout=20)
    # Read and click in one script each: the page redraws its lists every few seconds.
    assert read(driver, "[...document.querySelectorAll('#queue tbody tr')].map(row => row.dataset.id)") == \
        ["3", "2"], "a new urgent ticket appears at the top without a reload"
    assert "待回复" in read(driver, "document.querySelector(\"#mine tr[data-id='1']\").textContent")
    shot(driver, "console-02-queue")
    cookie = driver.get_cookie("staff_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"

    # Take it and answer it: the resident hears on Telegram.
    read(driver, "document.querySelector(\"#queue tr[data-id='2'] a\").click()")
    wait(driver, lambda d: d.find_element(By.ID, "claim")).click()
    wait(driver, lambda d: "认领" in flash(d))
    mark = telegram_server.mark()
    driver.find_element(By.ID, "reply-text").send_keys("您好，单位应当为您缴纳社保，请带上劳动合同来潞源街道工作站。")
    driver.find_element(By.ID, "reply").click()
    wait(driver, lambda d: "已把回复发给" in flash(d))
    heard = telegram_server.wait_for_message(1002, after=mark, timeout=10,
                                             predicate=lambda m: "劳动合同" in m.get("text", ""))
    assert "赵所长" in heard["text"]
    shot(driver, "console-03-ticket")

    # Last month's report, its charts drawn with Chinese labels, and the workbook.
    driver.find_element(By.LINK_TEXT, "报告").click()
    assert driver.find_element(By.ID, "period").get_attribute("value") == "2026-10"
    driver.switch_to.frame(wait(driver, lambda d: d.find_element(By.ID, "report")))
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".chart svg"))
    report = text_of(driver)
    assert "月度自查报告（2026-10）" in report and "吹哨报到" in report
    assert "13800138000" not in driver.page_source
    driver.switch_to.default_content()
    driver.execute_script("document.getElementById('report').style.height = '2400px'")
    driver.set_window_size(DESKTOP[0], 2600)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": DESKTOP[0], "height": 2600, "deviceScaleFactor": 1, "mobile": False})
    shot(driver, "console-04-report")
    driver.find_element(By.ID, "download-xlsx").click()
    deadline = time.monotonic() + 20
    while not list(driver.downloads.glob("report-2026-10*.xlsx")) and time.monotonic() < deadline:
        time.sleep(0.2)
    workbook = load_workbook(next(driver.downloads.glob("report-2026-10*.xlsx")))
    assert len(workbook.sheetnames) >= 4 and any("吹哨" in name for name in workbook.sheetnames)
