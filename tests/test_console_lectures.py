"""Lectures in the console: create (checked like an import), the seats and the waitlist, cancel (residents told),
and requests for a lecture scheduled (the requester told), for the station's own staff only."""

from __future__ import annotations

import pytest

from tests.console_helpers import console_client, post, sign_in
from tests.handoff_helpers import OFFICE_HOURS, staff_cli
from tests.lecture_helpers import add_lecture, bookings_of, consenting, lecture_row, notifications_for
from tests.test_lecture_requests import fill_form


@pytest.fixture
def client(settings, assistant, clock):
    clock.now = OFFICE_HOURS
    settings.lectures = settings.lectures.model_copy(update={"demo_data": False})
    staff_cli(settings, clock, "add", "509", "--name", "赵所长", "--role", "supervisor", "--station", "luyuan")
    staff_cli(settings, clock, "add", "601", "--name", "钱律师", "--role", "lawyer", "--station", "yongshun")
    with console_client(settings, assistant) as client:
        yield client


def test_a_new_lecture_is_checked_then_listed(client, assistant):
    sign_in(client, assistant, "509")
    fields = dict(title="欠薪怎么办", topic="labor", starts="2026-12-03T14:00", minutes="90", capacity="40",
                  town="luyuan", place="潞源街道公共法律服务工作站", speaker="王律师")
    post(client, "/staff/lectures", **{**fields, "starts": "2026-11-01T14:00"})  # in the past: refused
    refused = client.get("/staff/lectures")
    assert "未能新建" in refused.text and "欠薪怎么办" not in refused.text.split("新建讲座")[0]
    post(client, "/staff/lectures", **fields)
    listed = client.get("/staff/lectures").text
    assert "已新建讲座" in listed and "欠薪怎么办" in listed and "0/40" in listed


def test_seats_waitlist_and_cancel_tell_the_residents(client, assistant, clock):
    lecture_id = add_lecture(assistant, clock, capacity=2)
    first, second = consenting(assistant, "2011"), consenting(assistant, "2012")
    first.press_data(f"lec:l.{lecture_id}")
    first.press("预约 2 位")
    second.press_data(f"lec:l.{lecture_id}")
    second.press("候补 1 位")
    sign_in(client, assistant, "509")
    page = client.get(f"/staff/lectures/{lecture_id}").text
    assert page.count("<tr><td>") >= 2 and "2011" not in page  # booking numbers, never who booked
    post(client, f"/staff/lectures/{lecture_id}/cancel")
    assert lecture_row(assistant, lecture_id).status == "cancelled"
    assert set(status for status, _ in bookings_of(assistant, lecture_id).values()) == {"cancelled"}
    assert notifications_for(assistant, "2011") and notifications_for(assistant, "2012")


def test_staff_of_another_station_cannot_cancel_its_lecture(client, assistant, clock):
    lecture_id = add_lecture(assistant, clock)
    sign_in(client, assistant, "601")
    assert post(client, f"/staff/lectures/{lecture_id}/cancel").status_code == 403
    assert client.get(f"/staff/lectures/{lecture_id}").status_code == 404
    assert lecture_row(assistant, lecture_id).status == "scheduled"


def test_a_request_is_scheduled_as_a_lecture_and_the_requester_told(client, assistant, clock):
    resident = consenting(assistant, "5001")
    fill_form(resident)
    resident.press("提交申请")
    lecture_id = add_lecture(assistant, clock)
    sign_in(client, assistant, "509")
    page = client.get("/staff/lectures").text
    assert "张家湾镇上马头村村委会" in page and "13800138000" in page  # a supervisor may see it (audited)
    reference = page.split('/staff/lectures/requests/')[1].split('/')[0]
    post(client, f"/staff/lectures/requests/{reference}/schedule", lecture_id=str(lecture_id))
    assert any(reference in n.text for n in notifications_for(assistant, "5001"))
