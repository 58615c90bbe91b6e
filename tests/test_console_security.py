"""The console against people who should not get in or get through: a resident's cookie, a used or expired link,
staff of another station, a volunteer after personal data, forged posts; and the applicant's data audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.db.models import AidStatusChange, StaffMember, TicketEvent
from tests.console_helpers import ask_link, console_client, csrf_of, last_link, post, sign_in, use_link
from tests.handoff_helpers import OFFICE_HOURS, outbox_for, staff_cli, ticket
from tests.test_handoff import resident_at_luyuan
from tests.test_legal_aid_staff import submitted


@pytest.fixture
def client(settings, assistant, clock):
    clock.now = OFFICE_HOURS
    staff_cli(settings, clock, "add", "501", "--name", "王律师", "--role", "lawyer", "--station", "luyuan")
    staff_cli(settings, clock, "add", "509", "--name", "赵所长", "--role", "supervisor", "--station", "luyuan")
    staff_cli(settings, clock, "add", "601", "--name", "钱律师", "--role", "lawyer", "--station", "yongshun")
    staff_cli(settings, clock, "add", "503", "--name", "小志愿", "--role", "volunteer", "--station", "luyuan")
    staff_cli(settings, clock, "set-group", "-100500")
    with console_client(settings, assistant) as client:
        yield client


def events(assistant, kind: str) -> list[TicketEvent]:
    with assistant.sessions() as session:
        return list(session.scalars(select(TicketEvent).where(TicketEvent.kind == kind)))


def test_a_resident_gets_no_link_and_their_cookie_opens_nothing(client, assistant):
    resident_at_luyuan(assistant, "1001")
    ask_link(client, "1001")
    assert not any("/staff/signin/" in n.text for n in outbox_for(assistant, "1001"))
    client.cookies.set("staff_session", "a-residents-cookie", path="/staff")
    assert client.get("/staff/").headers["location"] == "/staff/signin"
    assert client.get("/staff/api/inbox").status_code == 401
    assert client.get("/staff/reports/file?kind=month&period=2026-10&format=xlsx").status_code == 303


def test_a_used_link_does_not_work_twice(client, assistant):
    ask_link(client, "509")
    url = last_link(assistant, "509")
    assert use_link(client, url).status_code == 303
    client.cookies.clear()
    again = use_link(client, url)
    assert again.status_code == 200 and "已失效" in again.text and "staff_session" not in again.cookies


def test_an_expired_link_does_not_work(client, assistant, clock):
    ask_link(client, "509")
    url = last_link(assistant, "509")
    clock.advance(minutes=11)
    assert "已失效" in use_link(client, url).text and client.cookies.get("staff_session") is None


def test_a_link_preview_does_not_use_the_link_up(client, assistant):
    ask_link(client, "509")
    url = last_link(assistant, "509")
    for _ in range(3):  # Telegram's link preview, a chat app's scanner
        client.get(url.split("testserver", 1)[1])
    assert use_link(client, url).status_code == 303


def test_a_link_of_a_member_removed_since_signs_nobody_in(client, assistant):
    ask_link(client, "501")
    with assistant.sessions.begin() as session:
        session.scalar(select(StaffMember).where(StaffMember.external_id == "501")).active = False
    assert use_link(client, last_link(assistant, "501")).status_code == 200
    assert client.cookies.get("staff_session") is None


def test_a_member_removed_while_signed_in_is_out_at_the_next_request(client, assistant):
    sign_in(client, assistant, "501")
    with assistant.sessions.begin() as session:
        session.scalar(select(StaffMember).where(StaffMember.external_id == "501")).active = False
    assert client.get("/staff/").headers["location"] == "/staff/signin"


def test_a_post_without_the_sessions_csrf_token_changes_nothing(client, assistant):
    resident_at_luyuan(assistant, "1001").command("human")
    sign_in(client, assistant, "509")
    assert client.post("/staff/tickets/1/claim", data={"csrf": "forged"}).status_code == 403
    assert client.post("/staff/tickets/1/claim").status_code == 403
    assert ticket(assistant).status == "open"


def test_pages_carry_a_strict_policy_and_the_cookie_is_httponly_and_samesite(client, assistant):
    ask_link(client, "509")
    page = client.get(last_link(assistant, "509").split("testserver", 1)[1])
    response = client.post(page.url.path, data={"csrf": csrf_of(page.text)})
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/staff" in cookie
    policy = client.get("/staff/").headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe" not in policy and "frame-ancestors 'none'" in policy


def test_staff_of_another_station_cannot_see_or_take_its_tickets(client, assistant):
    resident_at_luyuan(assistant, "1001").command("human")
    sign_in(client, assistant, "601")
    assert client.get("/staff/api/inbox").json()["queue"] == []
    assert client.get("/staff/tickets/1").status_code == 404
    assert post(client, "/staff/tickets/1/claim").status_code == 403
    assert ticket(assistant).status == "open"
    assert client.get("/staff/reports/file?kind=month&period=2026-10&station=luyuan&format=xlsx").status_code == 403
    assert any("claim" in e.detail for e in events(assistant, "refused"))


def test_a_volunteer_sees_the_ticket_masked_even_once_they_hold_it(client, assistant):
    from tests.test_lecture_requests import fill_form

    resident = resident_at_luyuan(assistant, "1001")
    fill_form(resident)
    resident.press("提交申请")
    resident.command("human")
    sign_in(client, assistant, "503")
    post(client, "/staff/tickets/1/claim")
    page = client.get("/staff/tickets/1").text
    assert "13800138000" not in page and "138****8000" in page
    assert any("view_personal_data" in e.detail for e in events(assistant, "refused"))


def test_a_volunteer_cannot_open_an_application_or_its_files(client, assistant):
    submitted(assistant)
    sign_in(client, assistant, "503")
    page = client.get("/staff/aid/1")
    assert "13812345678" not in page.text and "/evidence/" not in page.text
    assert client.get("/staff/aid/1/evidence/1").status_code == 404
    assert post(client, "/staff/aid/1/status", status="accepted").status_code == 403


def test_a_supervisor_opens_an_application_audited_and_a_refusal_needs_a_reason(client, assistant):
    submitted(assistant)
    sign_in(client, assistant, "509")
    assert "FY-2026-000001" in client.get("/staff/aid").text and "FY-" in client.get("/staff/aid?status=submitted").text
    page = client.get("/staff/aid/1").text
    assert "13812345678" in page and "a.jpg" in page
    download = client.get("/staff/aid/1/evidence/1")
    assert download.content.startswith(b"\xff") and download.headers["content-type"] == "application/octet-stream"
    unmasked = [e.detail for e in events(assistant, "unmasked")]
    assert any("FY-2026-000001" in d and "evidence" not in d for d in unmasked)
    assert any("evidence=1" in d for d in unmasked)
    post(client, "/staff/aid/1/status", status="accepted")
    refused = post(client, "/staff/aid/1/status", status="rejected")
    assert "理由" in client.get(refused.headers["location"]).text
    post(client, "/staff/aid/1/status", status="rejected", reason="不符合经济困难标准")
    with assistant.sessions() as session:
        moves = [(c.to_status, c.reason) for c in session.scalars(select(AidStatusChange))]
    assert moves[-2:] == [("accepted", None), ("rejected", "不符合经济困难标准")]
    told = [n.text for n in outbox_for(assistant, "1001") if "FY-2026-000001" in n.text]
    assert any("不符合经济困难标准" in text for text in told)


def test_console_in_the_bots_chat_gives_staff_a_link_and_residents_nothing(client, assistant):
    from tests.domain_helpers import Resident

    resident = resident_at_luyuan(assistant, "1001")
    resident.command("console")
    assert "仅供" in resident.text and "/staff/signin/" not in resident.text
    member = Resident(assistant, user_id="509", channel="telegram")
    member.command("console")
    url = member.text.split("\n")[1]
    assert url.startswith("http://testserver/staff/signin/")
    assert use_link(client, url).status_code == 303 and client.get("/staff/").status_code == 200


def test_the_command_line_queues_a_link_for_staff_only(settings, client, assistant, clock, capsys):
    import argparse

    from bot.console.commands import add_parser, run

    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers(dest="command"))
    assert run(parser.parse_args(["console", "link", "1001"]), settings, clock) == 1
    assert run(parser.parse_args(["console", "link", "509"]), settings, clock) == 0
    assert use_link(client, last_link(assistant, "509")).status_code == 303


def test_a_link_used_from_several_browsers_at_once_opens_one_session(client, assistant, settings):
    from bot.console import signin
    from tests.test_handoff_concurrency import race

    ask_link(client, "509")
    token = last_link(assistant, "509").rsplit("/", 1)[1]

    def redeem(_: int):
        with assistant.sessions.begin() as session:
            return signin.redeem(session, token, settings.console, assistant.clock())

    opened = [result for result in race(6, redeem) if result is not None]
    with assistant.sessions() as session:
        from bot.db.models import ConsoleSession

        assert len(opened) == 1 and len(list(session.scalars(select(ConsoleSession)))) == 1


def test_asking_for_links_again_and_again_sends_one_a_minute(client, assistant):
    for _ in range(3):
        ask_link(client, "509")
    links = [n for n in outbox_for(assistant, "509") if "/staff/signin/" in n.text]
    assert len(links) == 1
