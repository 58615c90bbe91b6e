"""The staff console over HTTP: sign-in by the bot's link, the inbox, desk actions shared with Telegram, legal aid
and the reports."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from bot.db.models import ConsoleSession, Ticket, TicketEvent
from tests.console_helpers import console_client, last_link, post, sign_in, use_link
from tests.handoff_helpers import OFFICE_HOURS, act, desk_of, outbox_for, staff_cli, ticket
from tests.test_handoff import resident_at_luyuan


@pytest.fixture
def staffed(assistant, settings, clock):
    """A lawyer, a volunteer and a supervisor at luyuan, one at another station; the district's staff group."""
    clock.now = OFFICE_HOURS
    staff_cli(settings, clock, "add", "501", "--name", "王律师", "--role", "lawyer", "--station", "luyuan")
    staff_cli(settings, clock, "add", "509", "--name", "赵所长", "--role", "supervisor", "--station", "luyuan")
    staff_cli(settings, clock, "add", "601", "--name", "钱律师", "--role", "lawyer", "--station", "yongshun")
    staff_cli(settings, clock, "set-group", "-100500")
    return desk_of(assistant)


@pytest.fixture
def client(settings, assistant, staffed):
    with console_client(settings, assistant) as client:
        yield client


def test_the_bot_sends_a_link_that_signs_the_member_in(client, assistant):
    sign_in(client, assistant, "509")
    home = client.get("/staff/")
    assert home.status_code == 200 and "赵所长" in home.text and "排队中的工单" in home.text
    link_message = outbox_for(assistant, "509")[-1].text
    assert "一次" in link_message and "/staff/signin/" in link_message


def test_only_hashes_of_tokens_are_stored(client, assistant):
    sign_in(client, assistant, "509")
    cookie = client.cookies.get("staff_session")
    with assistant.sessions() as session:
        row = session.scalar(select(ConsoleSession))
    assert cookie and row.token_hash != cookie and len(row.token_hash) == 64


def test_signing_out_ends_the_session_on_the_server(client, assistant):
    sign_in(client, assistant, "509")
    cookie = client.cookies.get("staff_session")
    assert post(client, "/staff/signout").status_code == 303
    client.cookies.set("staff_session", cookie, path="/staff")  # a copy of the old cookie is worth nothing
    assert client.get("/staff/").headers["location"] == "/staff/signin"


def test_a_session_expires_after_an_idle_hour(client, assistant, clock):
    sign_in(client, assistant, "509")
    clock.advance(minutes=59)
    assert client.get("/staff/").status_code == 200
    clock.advance(minutes=61)
    assert client.get("/staff/").headers["location"] == "/staff/signin"


def test_the_queue_lists_urgent_first_with_the_whistle_countdown(client, assistant, clock):
    resident_at_luyuan(assistant, "1001").command("human")
    clock.advance(minutes=1)
    resident_at_luyuan(assistant, "1002").say("有人拿着刀正在威胁我")
    sign_in(client, assistant, "509")
    listed = client.get("/staff/api/inbox").json()
    assert [row["id"] for row in listed["queue"]] == [2, 1]
    assert listed["queue"][0]["urgent"] and 0 < listed["queue"][0]["left"] <= 3 * 60
    assert "13" not in str(listed)  # ids, stations and times only: no phone digits


def test_a_supervisor_claims_and_answers_in_the_console_and_the_resident_hears(client, assistant):
    resident = resident_at_luyuan(assistant, "1001")
    resident.say("老板拖欠我三个月工资不给")
    resident.command("human")
    sign_in(client, assistant, "509")
    claimed = post(client, "/staff/tickets/1/claim")
    assert claimed.status_code == 303
    assert "赵所长" in client.get("/staff/tickets/1").text
    assert ticket(assistant).status == "claimed" and ticket(assistant).staff_id == 2  # 赵所长
    post(client, "/staff/tickets/1/reply", text="您好，请带上工资条来所里。")
    said = [n.text for n in outbox_for(assistant, "1001")]
    assert any("请带上工资条" in text for text in said)
    assert ticket(assistant).first_reply_at is not None
    post(client, "/staff/tickets/1/note", text="已电话联系")
    post(client, "/staff/tickets/1/close")
    assert ticket(assistant).status == "closed"
    with assistant.sessions() as session:
        kinds = [e.kind for e in session.scalars(select(TicketEvent).where(TicketEvent.ticket_id == 1))]
    assert {"claimed", "replied", "note", "closed"} <= set(kinds)


def test_a_ticket_claimed_on_telegram_cannot_be_claimed_again_in_the_console(client, assistant, staffed):
    resident_at_luyuan(assistant, "1001").command("human")
    act(staffed, "501", "button", button_data="tk:1")
    sign_in(client, assistant, "509")
    response = post(client, "/staff/tickets/1/claim")
    assert "王律师" in client.get(response.headers["location"]).text  # "already taken by 王律师"
    assert ticket(assistant).staff_id == 1  # 王律师


def test_transfer_to_another_station_puts_the_ticket_back_in_its_queue(client, assistant):
    resident_at_luyuan(assistant, "1001").command("human")
    sign_in(client, assistant, "509")
    post(client, "/staff/tickets/1/claim")
    post(client, "/staff/tickets/1/transfer", text="yongshun")
    moved = ticket(assistant)
    assert moved.status == "open" and moved.station_id == "yongshun"


def test_the_report_page_shows_last_month_with_charts_and_downloads_the_workbook(client, assistant):
    resident = resident_at_luyuan(assistant, "1001")
    resident.say("老板拖欠我三个月工资不给")
    resident.command("human")
    sign_in(client, assistant, "509")
    post(client, "/staff/tickets/1/claim")  # in the window: the chart of shares claimed in time has a bar
    page = client.get("/staff/reports")
    assert page.status_code == 200 and "2026-10" in page.text
    html = client.get("/staff/reports/file?kind=month&period=2026-11&station=luyuan&format=html")
    assert html.status_code == 200 and "<svg" in html.text and "吹哨报到" in html.text
    assert "unsafe-inline" in html.headers["content-security-policy"] and "script" not in html.headers[
        "content-security-policy"]
    workbook = client.get("/staff/reports/file?kind=month&period=2026-11&station=luyuan&format=xlsx")
    from openpyxl import load_workbook

    sheets = load_workbook(io.BytesIO(workbook.content)).sheetnames
    assert workbook.headers["content-disposition"].startswith("attachment") and len(sheets) >= 4
