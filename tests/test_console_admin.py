"""Staff and roles as a plain table through starlette-admin, behind the console's own sign-in and permissions."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.db.models import StaffMember, TicketEvent
from tests.console_helpers import console_client, sign_in
from tests.handoff_helpers import OFFICE_HOURS, staff_cli


@pytest.fixture
def client(settings, assistant, clock):
    clock.now = OFFICE_HOURS
    staff_cli(settings, clock, "add", "509", "--name", "赵所长", "--role", "supervisor")
    staff_cli(settings, clock, "add", "501", "--name", "王律师", "--role", "lawyer", "--station", "luyuan")
    with console_client(settings, assistant) as client:
        yield client


def test_a_supervisor_adds_a_volunteer_in_the_chinese_admin(client, assistant, clock):
    sign_in(client, assistant, "509")
    listed = client.get("/staff/admin/staff/list")
    assert listed.status_code == 200 and "工作人员" in listed.text
    form = client.get("/staff/admin/staff/create").text
    token = re.search(r'name="csrftoken" value="([^"]+)"', form).group(1)
    fields = {"name": "小志愿", "channel": "telegram", "external_id": "503", "role": "volunteer", "active": "on"}
    assert client.post("/staff/admin/staff/create", data=fields).status_code == 403  # no CSRF token
    created = client.post("/staff/admin/staff/create", data={"csrftoken": token, **fields})
    assert created.status_code == 303
    with assistant.sessions() as session:
        member = session.scalar(select(StaffMember).where(StaffMember.external_id == "503"))
        audited = [e.detail for e in session.scalars(select(TicketEvent).where(TicketEvent.kind == "console_admin"))]
    assert (member.role, member.station_ids, member.active, member.created_at) == ("volunteer", (), True, clock.now)
    assert any("POST /staff/admin/staff/create" in detail for detail in audited)


def signed_out_of_admin(client) -> bool:
    """The admin sends the request to its login route, which sends it to the console's sign-in."""
    first = client.get("/staff/admin/staff/list")
    return "/staff/admin/login" in first.headers.get("location", "") and client.get(
        first.headers["location"]).headers["location"] == "/staff/signin"


def test_the_admin_is_closed_to_a_lawyer_and_to_anyone_signed_out(client, assistant):
    assert signed_out_of_admin(client)
    sign_in(client, assistant, "501")
    assert signed_out_of_admin(client)
    with assistant.sessions() as session:
        refused = [e.detail for e in session.scalars(select(TicketEvent).where(TicketEvent.kind == "refused"))]
    assert any("manage_content" in detail for detail in refused)


def test_the_stations_page_lists_each_station_with_its_hours_and_staff(client, assistant):
    sign_in(client, assistant, "509")
    page = client.get("/staff/stations").text
    row = page.split("luyuan")[1].split("</tr>")[0]
    assert "潞源" in page and "<td>1</td>" in row  # 王律师; the district-wide supervisor belongs to no one station


def admin_post(client, path: str, form_path: str, **fields):
    token = re.search(r'name="csrftoken" value="([^"]+)"', client.get(form_path).text).group(1)
    return client.post(path, data={"csrftoken": token, **fields})


def test_a_supervisor_gives_a_member_a_station_and_deactivating_them_releases_their_tickets(client, assistant):
    from tests.handoff_helpers import act, desk_of, ticket
    from tests.test_handoff import resident_at_luyuan

    sign_in(client, assistant, "509")
    added = admin_post(client, "/staff/admin/staff-stations/create", "/staff/admin/staff-stations/create",
                       staff_id="2", station_id="yongshun")
    assert added.status_code == 303
    with assistant.sessions() as session:
        assert session.get(StaffMember, 2).station_ids == ("luyuan", "yongshun")
    resident_at_luyuan(assistant, "1001").command("human")
    act(desk_of(assistant), "501", "button", button_data="tk:1")
    assert ticket(assistant).staff_id == 2
    edit = "/staff/admin/staff/edit?pk=2"
    fields = {"name": "王律师", "channel": "telegram", "external_id": "501", "role": "lawyer"}  # "active" unticked
    assert admin_post(client, edit, edit, **fields).status_code == 303
    released = ticket(assistant)
    assert released.status == "open" and released.staff_id is None
    with assistant.sessions() as session:
        assert not session.get(StaffMember, 2).active
        assert session.scalar(select(TicketEvent).where(TicketEvent.kind == "staff_removed")) is not None
