"""Staff and legal-aid applications: the group post with the phone masked, 查看 (audited), status changes that
notify the applicant, and `legalbot aid list / set-status / export`."""

import argparse
import io

from sqlalchemy import select

from bot.db.models import AidStatusChange, TicketEvent
from bot.legal_aid.commands import add_parsers, run
from tests.handoff_helpers import act, desk_of, outbox_for, staff_cli
from tests.test_legal_aid_application import start, wage_claim_to_review


def aid_cli(settings, clock, *argv: str) -> tuple[int, str]:
    parser = argparse.ArgumentParser()
    add_parsers(parser.add_subparsers(dest="command", required=True))
    out = io.StringIO()
    return run(parser.parse_args(["aid", *argv]), settings, clock, out), out.getvalue()


def submitted(assistant):
    resident = start(assistant, channel="telegram")
    wage_claim_to_review(resident)
    resident.press("提交")
    return resident


def test_new_application_reaches_the_station_group_with_the_phone_masked(assistant, settings, clock):
    staff_cli(settings, clock, "add", "501", "--name", "王律师", "--role", "lawyer", "--station", "luyuan")
    staff_cli(settings, clock, "set-group", "-100500")
    submitted(assistant)
    post = outbox_for(assistant, "-100500")[-1]
    assert "FY-2026-000001" in post.text and "138****5678" in post.text and "13812345678" not in post.text
    view = next(b["data"] for row in post.buttons for b in row if "查看" in b["label"])
    refused = act(desk_of(assistant), "999", "button", button_data=view)
    assert refused.notice and "13812345678" not in "".join(n.text for n in outbox_for(assistant, "999"))
    reply = act(desk_of(assistant), "501", "button", button_data=view)
    assert "私信" in reply.notice
    full, *files = outbox_for(assistant, "501")
    assert "13812345678" in full.text and "b.jpg" in full.text
    assert [f.attachment_name for f in files] == ["a.jpg", "b.jpg"] and files[0].attachment_content.startswith(b"\xff")
    with assistant.sessions() as session:
        kinds = [e.kind for e in session.scalars(select(TicketEvent))]
    assert "aid_viewed" in kinds and "refused" in kinds


def test_status_button_in_the_group_notifies_the_applicant_once(assistant, settings, clock):
    staff_cli(settings, clock, "add", "501", "--name", "王律师", "--role", "lawyer", "--station", "luyuan")
    staff_cli(settings, clock, "add", "505", "--name", "陈干事", "--role", "station_staff", "--station", "luyuan")
    staff_cli(settings, clock, "set-group", "-100500")
    submitted(assistant)
    post = outbox_for(assistant, "-100500")[-1]
    accept = next(b["data"] for row in post.buttons for b in row if "已受理" in b["label"])
    assert "无权" in act(desk_of(assistant), "501", "button", button_data=accept).notice  # lawyers do not decide
    assert "已受理" in act(desk_of(assistant), "505", "button", button_data=accept).notice
    assert "已经是" in act(desk_of(assistant), "505", "button", button_data=accept).notice
    told = [n.text for n in outbox_for(assistant, "1001") if "状态更新" in n.text]
    assert told == ["🔔 您的法律援助申请 FY-2026-000001 状态更新为：已受理"]


def test_cli_follows_the_state_machine_and_tells_the_applicant(assistant, settings, clock):
    submitted(assistant)
    assert aid_cli(settings, clock, "set-status", "FY-2026-000001", "approved")[0] == 1
    assert aid_cli(settings, clock, "set-status", "FY-2026-000001", "accepted")[0] == 0
    code, out = aid_cli(settings, clock, "set-status", "FY-2026-000001", "rejected")
    assert code == 1 and "理由" in out
    assert aid_cli(settings, clock, "set-status", "fy-2026-000001", "rejected", "--reason", "不属于援助范围")[0] == 0
    last = outbox_for(assistant, "1001")[-1].text
    assert "不予法律援助" in last and "不属于援助范围" in last
    with assistant.sessions() as session:
        history = [(c.from_status, c.to_status) for c in session.scalars(select(AidStatusChange).order_by(AidStatusChange.id))]
    assert history == [(None, "submitted"), ("submitted", "accepted"), ("accepted", "rejected")]
    code, listing = aid_cli(settings, clock, "list", "--status", "rejected")
    assert "FY-2026-000001" in listing and "138****5678" in listing
    assert "no applications" in aid_cli(settings, clock, "list", "--station", "songzhuang")[1]
    code, csv_text = aid_cli(settings, clock, "export", "--month", "2026-11")
    assert code == 0 and csv_text.splitlines()[0].startswith("tracking_number") and "FY-2026-000001" in csv_text
    assert len(aid_cli(settings, clock, "export", "--month", "2026-10")[1].splitlines()) == 1
