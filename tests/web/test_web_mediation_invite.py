"""A mediation invitation opened in a browser: the applicant applies in the web chat, the other party (no Telegram)
opens the web link in a second browser, sees the neutral summary and accepts; the token is in no log."""

from __future__ import annotations

import logging
import re
import shutil
import urllib.request

import pytest

from tests.fakebot import free_port
from tests.handoff_helpers import OFFICE_HOURS
from tests.mediation_helpers import APPLICANT_PHONE, FACTS, OTHER_PHONE
from tests.web.live_web import chromium
from tests.web.page import ChatPage

WEB_LINK = re.compile(r"http://127\.0\.0\.1:\d+/#start=(m_[A-Za-z0-9_-]+)")


class Collect(logging.Handler):
    """Every record, as its message reads."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


@pytest.fixture
def logs(caplog):
    """The app's records (root, at INFO) and uvicorn's, access log included, as `legalbot serve` filters them."""
    caplog.set_level(logging.INFO)
    collect = Collect()
    loggers = [logging.getLogger(name) for name in ("", "uvicorn", "uvicorn.error", "uvicorn.access")]

    def attach() -> Collect:  # after the server started: its logging configuration replaces uvicorn's handlers
        for logger in loggers:
            logger.addHandler(collect)
        return collect

    yield attach
    for logger in loggers:
        logger.removeHandler(collect)


@pytest.fixture
def second_browser(tmp_path_factory):
    """The other party's own browser: another profile, so another visitor."""
    driver = chromium(tmp_path_factory.mktemp("other-downloads"))
    yield driver
    driver.quit()
    shutil.rmtree(driver.profile_dir, ignore_errors=True)


def apply_on_the_web(page: ChatPage) -> str:
    """Fill the mediation form in the web chat and submit it; returns the invitation text to forward."""
    assert "隐私说明" in page.last()
    page.press("✅ 同意")
    page.press("在线调解")
    if "同意并开始" in " ".join(page.buttons()):
        page.press("同意并开始")
    page.press("债务纠纷")
    for answer in (FACTS, "希望他年底前还清两万元", "张三", APPLICANT_PHONE, "王五"):
        page.say(answer)
    page.press("邻居")
    page.say(OTHER_PHONE)
    for label in ("潞源街道", "视频调解", "工作日上午", "完成"):
        page.press(label)
    assert "中立的案情摘要" in page.last()
    page.press("同意告知对方并提交")
    return page.wait_for_message("邀请您参加")


def test_the_other_party_opens_the_web_link_and_accepts_and_the_token_is_in_no_log(
        browser, second_browser, start_web, settings, clock, logs):
    clock.now = OFFICE_HOURS
    port = free_port()
    web = start_web(port=port, log_level="info",
                    web=settings.web.model_copy(update={"public_url": f"http://127.0.0.1:{port}/"}))
    captured = logs()
    applicant = ChatPage(browser, web.url).open_as_new_visitor()
    invitation = apply_on_the_web(applicant)
    link = WEB_LINK.search(invitation)
    assert link, invitation
    token = link.group(1)
    assert "t.me" not in invitation and "/start" not in invitation, "no Telegram here: the web link alone"

    respondent = ChatPage(second_browser, web.url)
    second_browser.get(link.group(0))
    respondent.wait_ready()
    summary = respondent.wait_for_message("调解邀请")
    assert "张三" in summary and "债务纠纷" in summary and "第二十三条" in summary
    assert APPLICANT_PHONE not in summary and OTHER_PHONE not in summary, "the summary holds no phone number"
    assert token not in second_browser.current_url, "the token is taken off the address at once"
    assert token not in (second_browser.execute_script("return sessionStorage.getItem('legalbot-history')") or "")
    respondent.screenshot("mediation-01-web-invitation")
    accepted = respondent.press("同意调解")
    assert "TJ-2026-000001" in accepted
    applicant.wait_for_message("对方已同意")

    # The link again, by someone else (a new visitor) in a fresh page load: the case is taken.
    second_browser.get(web.url + "/healthz")
    second_browser.delete_all_cookies()
    second_browser.execute_script("sessionStorage.clear()")
    second_browser.get(link.group(0))
    respondent.wait_ready()
    assert "已经被使用过" in respondent.wait_for_message("调解邀请已经")
    # A forged token, opened in the page already open (only the fragment changes): a polite refusal, nothing shown.
    second_browser.get(f"{web.url}/#start=m_{'A' * 24}")
    assert "无效" in respondent.wait_for_message("链接无效")
    assert "张三" not in respondent.last()

    # A link of the wrong shape (a query string reaches the server): the access log keeps the name, not the value.
    with urllib.request.urlopen(f"{web.url}/?start={token}") as response:  # a client that logs nothing itself
        assert response.status == 200

    web.stop()
    lines = captured.lines
    assert any('"GET /?start=… HTTP/1.1" 200' in line for line in lines)
    assert any('"GET / HTTP/1.1" 200' in line for line in lines), "the access log was captured"
    assert any("POST /api/turn" in line for line in lines)
    assert not [line for line in lines if token in line], "the invitation token is in no log"
