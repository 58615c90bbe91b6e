"""The web service over HTTP: health, metrics, CSRF, the content security policy, rate limits, uploads, the
Telegram webhook route, and two workers on one database behaving as one."""

from __future__ import annotations

import json
import queue
import re
import threading
import uuid

import httpx
import pytest

from bot.web.sniff import sniff
from tests.handoff_helpers import OFFICE_HOURS, act, command, desk_of, outbox_for, staff_cli
from tests.web.test_web_browser import png


class Visitor:
    """A browser as the server sees it: a cookie jar, the page's CSRF token, and JSON turns."""

    def __init__(self, base_url: str, client: httpx.Client | None = None):
        self.client = client or httpx.Client(timeout=10)
        self.base_url = base_url
        page = self.client.get(base_url + "/")
        self.csrf = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)

    def on(self, base_url: str) -> Visitor:
        """The same browser, its requests now reaching another worker."""
        other = Visitor.__new__(Visitor)
        other.client, other.base_url, other.csrf = self.client, base_url, self.csrf
        return other

    def state(self) -> dict:
        return self.client.get(self.base_url + "/api/state").json()

    def post_turn(self, kind: str, value: str, request_id: str | None = None, **headers) -> httpx.Response:
        body = {"kind": kind, "value": value, "id": request_id or uuid.uuid4().hex}
        return self.client.post(self.base_url + "/api/turn", json=body, headers={"x-csrf-token": self.csrf, **headers})

    def turn(self, kind: str, value: str) -> str:
        response = self.post_turn(kind, value)
        assert response.status_code == 200, response.text
        return "\n".join(message["text"] for message in response.json()["messages"])

    def events(self) -> queue.Queue:
        """Listen to the event stream in a thread; every message event lands in the returned queue."""
        received: queue.Queue = queue.Queue()
        ready = threading.Event()

        def listen() -> None:
            with self.client.stream("GET", self.base_url + "/api/events", timeout=None) as stream:
                ready.set()
                for line in stream.iter_lines():
                    if line.startswith("data: "):
                        received.put(json.loads(line[6:]))

        threading.Thread(target=listen, daemon=True).start()
        assert ready.wait(5)
        return received


@pytest.fixture
def web(start_web):
    return start_web()


def test_health_reports_the_database_and_the_nlu_in_use(web):
    health = httpx.get(web.url + "/healthz").json()
    assert health == {"status": "ok", "database": "ok", "nlu": "embedded", "rasa": "off"}


def test_health_says_when_a_configured_rasa_is_down(settings, clock, knowledge, retriever):
    from tests.fakebot import free_port
    from tests.web.live_web import LiveWeb

    settings.nlu = settings.nlu.model_copy(update={"rasa_url": f"http://127.0.0.1:{free_port()}"})
    web = LiveWeb(settings, clock, dict(knowledge=knowledge, retriever=retriever)).start()
    try:
        assert httpx.get(web.url + "/healthz").json() == {"status": "ok", "database": "ok", "nlu": "embedded",
                                                          "rasa": "down"}
    finally:
        web.stop()


def test_metrics_count_web_turns_and_read_tickets_and_backlog_from_the_database(web):
    visitor = Visitor(web.url)
    visitor.state()  # a first visit is a turn too: the privacy notice
    visitor.turn("button", "consent:yes")
    visitor.turn("command", "human")
    metrics = httpx.get(web.url + "/metrics").text
    assert 'legalbot_updates_total{channel="web"} 3.0' in metrics
    assert 'legalbot_turn_seconds_bucket{channel="web",le="+Inf"} 3.0' in metrics
    assert 'legalbot_tickets{status="open"} 1.0' in metrics
    assert "legalbot_whistles_fired_total 0.0" in metrics and "legalbot_nlu_fallbacks_total 0.0" in metrics
    assert "legalbot_outbox_backlog" in metrics and "legalbot_web_visitors_connected 0.0" in metrics


def test_every_response_carries_a_content_security_policy_without_inline_script(web):
    for path in ("/", "/api/state", "/healthz", "/static/app.js"):
        policy = httpx.get(web.url + path).headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy


def test_a_state_changing_request_without_the_csrf_token_or_from_another_origin_is_refused(web):
    visitor = Visitor(web.url)
    visitor.state()
    body = {"kind": "button", "value": "consent:yes", "id": uuid.uuid4().hex}
    assert visitor.client.post(web.url + "/api/turn", json=body).status_code == 403
    assert visitor.client.post(web.url + "/api/turn", json=body, headers={"x-csrf-token": "forged"}).status_code == 403
    assert visitor.post_turn("button", "consent:yes", origin="https://evil.example").status_code == 403
    assert visitor.client.post(web.url + "/api/upload", files={"file": ("a.png", png())}).status_code == 403
    assert "已同意" in visitor.turn("button", "consent:yes")


def test_the_cookie_is_signed_httponly_and_samesite(web):
    client = httpx.Client()
    cookie = client.get(web.url + "/").headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    forged = httpx.Client(cookies={"legalbot_web": "eyJ2IjogImFkbWluIn0=.forged.signature"})
    forged_page = forged.get(web.url + "/")
    assert "legalbot_web=" in forged_page.headers["set-cookie"], "a bad signature gets a new visitor, not 'admin'"


def test_a_retried_request_is_handled_once(web):
    visitor = Visitor(web.url)
    visitor.state()
    first = visitor.post_turn("button", "consent:yes", request_id="retry-0001").json()
    again = visitor.post_turn("button", "consent:yes", request_id="retry-0001").json()
    assert first["messages"] and not first["duplicate"]
    assert again["duplicate"] and again["messages"] == []


def test_rate_limits_per_visitor_and_per_ip_answer_429_with_a_notice(start_web, settings):
    web = start_web(web=settings.web.model_copy(update={"per_visitor_per_minute": 8, "per_ip_per_minute": 16}))
    visitor = Visitor(web.url)
    visitor.state()
    codes = [visitor.post_turn("command", "menu").status_code for _ in range(3)]
    assert codes == [200, 200, 429], "a burst of a quarter of the minute's allowance, then 429"
    refused = visitor.post_turn("command", "menu")
    assert refused.headers["retry-after"] and "太快" in refused.json()["notice"]
    others = [Visitor(web.url) for _ in range(3)]
    codes = [other.post_turn("command", "menu").status_code for other in others for _ in range(2)]
    assert 429 in codes, "one address cannot get round the limit with new cookies"


def test_uploads_are_judged_by_their_bytes():
    assert sniff(png()) == "image/png"
    assert sniff(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00") == "image/jpeg"
    assert sniff(b"%PDF-1.7\n") == "application/pdf"
    ole = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 504 + "WordDocument".encode("utf-16-le")
    assert sniff(ole) == "application/msword"
    assert sniff(bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 600) == "", "an OLE file without Word inside is not Word"
    assert sniff(b"MZ\x90\x00" + b"\x00" * 64) != "image/png"
    assert sniff("就是一段文字".encode()) == ""


def test_an_upload_over_the_size_limit_is_refused_before_it_is_read(web):
    visitor = Visitor(web.url)
    visitor.state()
    big = b"%PDF-1.7\n" + b"0" * (11 * 1024 * 1024)
    response = visitor.client.post(web.url + "/api/upload", files={"file": ("a.pdf", big)},
                                   data={"id": uuid.uuid4().hex}, headers={"x-csrf-token": visitor.csrf})
    assert response.status_code == 413 and "太大" in response.json()["notice"]


def test_the_telegram_webhook_route_refuses_a_wrong_secret(start_web):
    from tests.fakebot import FakeTelegram

    server = FakeTelegram(token="123456:WEB", bot_user=dict(id=777000, first_name="法律超市", username="b")).start()
    try:
        web = start_web(telegram_server=server)
        update = {"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"},
                                              "from": {"id": 5, "is_bot": False, "first_name": "x"}, "text": "/start"}}
        assert httpx.post(web.url + "/telegram", json=update).status_code == 403
        wrong = httpx.post(web.url + "/telegram", json=update,
                           headers={"x-telegram-bot-api-secret-token": "guess"})
        assert wrong.status_code == 403
    finally:
        server.stop()


def test_two_workers_share_visitors_and_a_staff_reply_reaches_the_worker_holding_the_page(start_web, settings,
                                                                                         clock):
    clock.now = OFFICE_HOURS
    staff_cli(settings, clock, "add", "501", "--name", "王律师", "--role", "lawyer", "--station", "luyuan")
    staff_cli(settings, clock, "set-group", "-100500")
    first, second = start_web(), start_web()
    on_first = Visitor(first.url)
    on_second = on_first.on(second.url)  # one browser; the proxy sends its requests to either worker
    on_first.state()
    on_first.turn("button", "consent:yes")
    on_second.turn("button", "go:stations")
    assert "已记住" in on_first.turn("button", "st:luyuan") or "记住" in on_first.state()["messages"][0]["text"]
    page = on_second.events()  # the page's live connection is held by the second worker
    assert "工单号 #1" in on_first.turn("command", "human")
    desk = desk_of(first.app.state.web.assistant)
    act(desk, "501", "button", button_data="tk:1")
    command(desk, "501", "/reply 1 请带上工资条", private=True, chat="501")
    shown = [page.get(timeout=10)["text"], page.get(timeout=10)["text"]]
    assert "王律师已接手" in shown[0] and "王律师：请带上工资条" in shown[1]
    with pytest.raises(queue.Empty):
        page.get(timeout=1)  # each message once, though two workers poll the outbox
    assert [n.sent_at is not None for n in outbox_for(first.app.state.web.assistant, web_user(first))] == [True] * 2


def web_user(web) -> str:
    from sqlalchemy import select

    from bot.db.models import User

    with web.app.state.web.assistant.sessions() as session:
        return session.scalar(select(User.external_id).where(User.channel == "web"))


def test_a_code_from_telegram_links_the_web_visitor_to_the_same_record_once(web):
    from sqlalchemy import select

    from bot.core.messages import Inbound, InboundKind
    from bot.db.models import User

    assistant = web.app.state.web.assistant

    def on_telegram(kind: InboundKind, **fields) -> str:
        inbound = Inbound(channel="telegram", user_id="4242", chat_id="4242", kind=kind, **fields)
        return "\n".join(m.text for m in assistant.handle(inbound).messages)

    on_telegram(InboundKind.COMMAND, command="start")
    assert "同意" in on_telegram(InboundKind.COMMAND, command="link"), "no code before consent"
    on_telegram(InboundKind.BUTTON, button_data="consent:yes")
    code = re.search(r"/link (\d{8})", on_telegram(InboundKind.COMMAND, command="link")).group(1)

    visitor = Visitor(web.url)
    visitor.state()
    assert "不对或已过期" in visitor.turn("command", "/link 00000000")
    assert "已关联" in visitor.turn("command", f"/link {code}")
    visitor.turn("button", "go:stations")
    visitor.turn("button", "st:luyuan")
    with assistant.sessions() as session:
        resident = session.scalar(select(User).where(User.channel == "telegram", User.external_id == "4242"))
        assert resident.station_id == "luyuan", "the web turn changed the Telegram resident's record"
    assert "潞源" in visitor.state()["messages"][0]["text"], "after a reload the page is still the linked record"
    stranger = Visitor(web.url)
    stranger.state()
    assert "不对或已过期" in stranger.turn("command", f"/link {code}"), "a code works once"


def test_a_shared_location_finds_the_nearest_station_and_nonsense_is_refused(web):
    visitor = Visitor(web.url)
    visitor.state()
    assert "离您最近的站点" in visitor.turn("location", "39.91,116.73")
    assert visitor.post_turn("location", "north pole").status_code == 400
    assert visitor.post_turn("location", "95,116").status_code == 400


def test_the_web_service_refuses_a_telegram_webhook_without_a_secret(settings):
    from pydantic import SecretStr

    from bot.web.server import serve

    webhook = settings.webhook.model_copy(update={"url": "https://example.invalid/telegram"})
    unsafe = settings.model_copy(update={"telegram_bot_token": SecretStr("123:abc"), "webhook": webhook,
                                         "telegram_webhook_secret": None})
    with pytest.raises(SystemExit, match="TELEGRAM_WEBHOOK_SECRET is not set"):
        serve(unsafe, "127.0.0.1", 0, 1)


def test_without_telegram_the_service_runs_every_services_jobs_and_an_unclaimed_ticket_whistles(start_web, settings,
                                                                                               clock):
    """`legalbot serve` with no token (the README's `make run`) still keeps the bureau's 10-minute promise."""
    from datetime import timedelta

    from sqlalchemy import select

    from bot.db.models import WhistleTimer

    clock.now = OFFICE_HOURS
    staff_cli(settings, clock, "set-group", "-100500")
    web = start_web(handoff=settings.handoff.model_copy(update={"whistle_check_seconds": 0.2}))
    visitor = Visitor(web.url)
    visitor.state()
    visitor.turn("button", "consent:yes")
    assert "工单号 #1" in visitor.turn("command", "human")
    clock.now = OFFICE_HOURS + timedelta(minutes=11)
    assistant = web.app.state.web.assistant

    def fired() -> list:
        with assistant.sessions() as session:
            return list(session.scalars(select(WhistleTimer.fired_at).where(WhistleTimer.fired_at.is_not(None))))

    deadline = threading.Event()
    for _ in range(50):
        if fired():
            break
        deadline.wait(0.1)
    assert fired(), "the whistle's job ran in the web service"
