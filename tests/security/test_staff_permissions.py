"""Staff permissions are data, checked on the server for every desk action, whichever way it arrives."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.db.models import AidApplication, Notification, Ticket, TicketEvent, WhistleTimer
from bot.handoff.permissions import ACTIONS, PermissionTable, PermissionTableError, load
from tests.handoff_helpers import OFFICE_HOURS, act, command, desk_of, outbox_for, staff_cli, ticket
from tests.test_handoff import resident_at_luyuan
from tests.test_legal_aid_staff import submitted

GROUP = "-100500"
PHONE = "13812345678"


@pytest.fixture
def desk(assistant, settings, clock):
    """Staff of two stations, a volunteer and a supervisor; one district staff group; office hours."""
    clock.now = OFFICE_HOURS
    for argv in (("501", "王律师", "lawyer", "luyuan"), ("502", "李调解员", "mediator", "luyuan"),
                 ("503", "钱律师", "lawyer", "taihu"), ("504", "孙志愿者", "volunteer", "luyuan"),
                 ("505", "陈干事", "station_staff", "luyuan"), ("509", "赵所长", "supervisor", "luyuan")):
        staff_id, name, role, station = argv
        assert staff_cli(settings, clock, "add", staff_id, "--name", name, "--role", role, "--station", station) == 0
    staff_cli(settings, clock, "set-group", GROUP)
    return desk_of(assistant)


def events(assistant, kind: str) -> list[TicketEvent]:
    with assistant.sessions() as session:
        return list(session.scalars(select(TicketEvent).where(TicketEvent.kind == kind).order_by(TicketEvent.id)))


def waiting_ticket(assistant, user_id: str = "1001"):
    resident = resident_at_luyuan(assistant, user_id)
    resident.say(f"老板欠我工资，我电话{PHONE}")
    resident.command("human")
    return resident


def test_the_permission_file_names_known_actions_roles_and_scopes(settings):
    table = load(settings.handoff.permissions_file)
    assert set(table.roles) == {"station_staff", "mediator", "lawyer", "volunteer", "supervisor"}
    assert set(table.grants) == set(ACTIONS)
    with pytest.raises(PermissionTableError):
        PermissionTable.parse({"roles": {"lawyer": {}}, "actions": {"claim": {"lawyer": "everywhere"}}})
    with pytest.raises(PermissionTableError):
        PermissionTable.parse({"roles": {}, "actions": {"claim": {"janitor": "own"}}})


def test_forged_claim_button_from_other_station_is_refused(assistant, desk):
    waiting_ticket(assistant)
    for chat in ({"private": True}, {}):  # a private-chat button and a group button alike
        reply = act(desk, "503", "button", button_data="tk:1", **chat)
        assert "无权" in reply.notice
    assert ticket(assistant).status == "open" and ticket(assistant).staff_id is None
    refused = events(assistant, "refused")
    assert len(refused) == 2 and all("claim station=luyuan" in e.detail for e in refused)
    assert act(desk, "501", "button", button_data="tk:1", private=True).edit is not None  # luyuan's own lawyer may


def test_a_member_of_several_stations_may_claim_in_each(assistant, desk, settings, clock):
    staff_cli(settings, clock, "add", "503", "--name", "钱律师", "--role", "lawyer",
              "--station", "taihu", "--station", "luyuan")
    waiting_ticket(assistant)
    assert act(desk, "503", "button", button_data="tk:1", private=True).edit is not None
    assert ticket(assistant).status == "claimed"


def test_commands_with_a_ticket_number_are_checked_against_role_and_station(assistant, desk):
    waiting_ticket(assistant)
    act(desk, "501", "button", button_data="tk:1")
    for text in ("/note 1 看看", "/reply 1 你好", "/close 1", "/transfer 1 taihu"):
        assert "无权" in command(desk, "503", text, private=True).messages[0].text
    assert "不在您手上" in command(desk, "502", "/reply 1 你好", private=True).messages[0].text
    assert "不在您手上" in command(desk, "502", "/close 1", private=True).messages[0].text
    assert ticket(assistant).status == "claimed" and ticket(assistant).staff_id is not None
    assert not [n for n in outbox_for(assistant, "1001") if "你好" in n.text]


def test_a_volunteer_may_not_transfer_nor_see_personal_data(assistant, desk):
    resident = waiting_ticket(assistant)
    act(desk, "504", "button", button_data="tk:1", private=True)
    card = outbox_for(assistant, "504")[-1].text
    assert PHONE not in card and "138****5678" in card and "打码" in card
    assert "无权" in command(desk, "504", "/transfer 1 taihu", private=True).messages[0].text
    resident.say(f"我的身份证号是11010519491231002X，电话{PHONE}")
    relayed = outbox_for(assistant, "504")[-1].text
    assert PHONE not in relayed and "11010519491231002X" not in relayed and "002X" in relayed
    assert events(assistant, "unmasked") == []
    assert [e.detail.split()[0] for e in events(assistant, "refused")] == ["transfer"]  # the claim card is no refusal


def test_transfer_to_a_colleague_who_may_not_take_the_ticket_is_refused(assistant, desk):
    waiting_ticket(assistant)
    act(desk, "501", "button", button_data="tk:1")
    reply = command(desk, "501", "/transfer 1 503", private=True).messages[0].text
    assert "不能接手" in reply and ticket(assistant).staff_id == 1


def test_unmasking_for_the_claimer_is_a_permission_and_is_audited(assistant, desk):
    waiting_ticket(assistant)
    act(desk, "501", "button", button_data="tk:1")
    assert PHONE in outbox_for(assistant, "501")[-1].text
    (unmasked,) = events(assistant, "unmasked")
    assert unmasked.detail == "ticket=1" and unmasked.staff_id == 1 and unmasked.ticket_id == 1


def test_counted_aid_view_ids_reach_only_staff_of_the_applications_station(assistant, desk):
    submitted(assistant)
    with assistant.sessions() as session:
        application = session.scalar(select(AidApplication))
    assert application.station_id == "luyuan"
    for staff_id in ("503", "504"):  # another station's lawyer; a volunteer of the same station
        for number in (application.id, application.id + 1):
            reply = act(desk, staff_id, "button", button_data=f"aidv:{number}", private=True)
            assert "无权" in reply.notice or "失效" in reply.notice
        assert outbox_for(assistant, staff_id) == []
    assert "私信" in act(desk, "501", "button", button_data=f"aidv:{application.id}", private=True).notice
    kinds = [(e.kind, e.detail) for e in events(assistant, "unmasked")]
    assert kinds == [("unmasked", f"aid={application.tracking_number}")]


def test_only_roles_that_decide_legal_aid_may_change_its_status(assistant, desk):
    submitted(assistant)
    for staff_id in ("501", "502", "503", "504"):
        assert "无权" in act(desk, staff_id, "button", button_data="aids:1.accepted", private=True).notice
    with assistant.sessions() as session:
        assert session.get(AidApplication, 1).status == "submitted"
    assert "已受理" in act(desk, "505", "button", button_data="aids:1.accepted", private=True).notice


def test_a_removed_member_stops_at_once_and_their_tickets_go_back_to_the_queue(assistant, desk, settings, clock):
    resident = waiting_ticket(assistant)
    act(desk, "501", "button", button_data="tk:1")
    resident.say("还在吗")  # queued for 501's private chat, not yet sent when they are removed
    before = len(outbox_for(assistant, "501"))
    group_posts = len(outbox_for(assistant, GROUP))

    assert staff_cli(settings, clock, "remove", "501") == 0
    assert all(n.failed_at is not None and n.sent_at is None for n in outbox_for(assistant, "501"))
    released = ticket(assistant)
    assert released.status == "open" and released.staff_id is None and released.thread_id is None
    with assistant.sessions() as session:
        armed = session.scalars(select(WhistleTimer).where(WhistleTimer.ticket_id == 1,
                                                           WhistleTimer.fired_at.is_(None))).all()
    assert armed and min(t.due_at for t in armed) > clock.now
    repost = outbox_for(assistant, GROUP)[group_posts:]
    assert len(repost) == 1 and repost[0].buttons == [[{"label": "✋ 认领/报到", "data": "tk:1"}]]
    assert PHONE not in repost[0].text
    assert "重新排队" in outbox_for(assistant, "1001")[-1].text

    resident.say(f"我换个号码 {PHONE}")
    assert len(outbox_for(assistant, "501")) == before  # nothing more is relayed to them
    assert act(desk, "501", "button", button_data="tk:1", private=True).notice  # refused: not registered
    assert ticket(assistant).status == "open"
    assert act(desk, "502", "button", button_data="tk:1").edit is not None
    assert any("换个号码" in n.text for n in outbox_for(assistant, "502"))  # the new claimer gets what was held


def test_staff_buttons_pressed_by_a_resident_change_nothing(assistant, desk):
    waiting_ticket(assistant, "1002")
    submitted(assistant)
    attacker = resident_at_luyuan(assistant, "1666")
    with assistant.sessions() as session:
        before = session.scalar(select(func.count()).select_from(Notification))
    for data in ("tk:1", "aidv:1", "aids:1.accepted", "aids:1.rejected"):
        assert "失效" in (attacker.press_data(data).notice or "")
    with assistant.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Notification)) == before
        assert session.get(Ticket, 1).status == "open" and session.get(AidApplication, 1).status == "submitted"


def test_staff_roles_and_several_stations_are_listed(assistant, desk, settings, clock, capsys):
    assert staff_cli(settings, clock, "add", "506", "--name", "周督导", "--role", "supervisor",
                     "--station", "luyuan", "--station", "taihu") == 0
    assert staff_cli(settings, clock, "add", "507", "--name", "x", "--role", "officer") == 1
    capsys.readouterr()
    staff_cli(settings, clock, "list")
    listing = capsys.readouterr().out
    assert "506\t周督导\tsupervisor\tluyuan,taihu" in listing and "504\t孙志愿者\tvolunteer\tluyuan" in listing


def test_the_data_file_is_the_only_source_of_permissions(assistant, desk, settings, tmp_path: Path):
    """Give volunteers no claim in a copy of the table: the same desk refuses them."""
    text = settings.handoff.permissions_file.read_text(encoding="utf-8")
    claim, rest = text.split("  claim:", 1)
    head, tail = rest.split("    volunteer: own\n", 1)
    changed = tmp_path / "permissions.yml"
    changed.write_text(claim + "  claim:" + head + tail, encoding="utf-8")
    settings.handoff.permissions_file = changed
    waiting_ticket(assistant)
    assert "无权" in act(desk_of(assistant), "504", "button", button_data="tk:1").notice
