"""Mediation in the staff console: the same acts as the desk and `legalbot mediation`, behind the console's sign-in,
CSRF and permission checks; the list masked, the reveal audited, a bad term shown with the parser's reason."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from bot.db.models import MediationCase, MediationEvent, TicketEvent, User
from bot.db.repositories import Repositories
from bot.mediation.plugin import deliver_documents
from tests.console_helpers import console_client, post, sign_in
from tests.handoff_helpers import OFFICE_HOURS, outbox_for, staff_cli
from tests.test_handoff_concurrency import race

NUMBER = "TJ-2026-000001"
PHONE, OTHER_PHONE = "13812345678", "13900001111"
GOOD_TERM = "party=respondent;does=归还借款;amount=20000;by=2026-12-31;how=银行转账"


def new_case(assistant, status: str = "accepted") -> int:
    """A case at 潞源 whose two parties are both in the chat (Telegram 1001 and 1002)."""
    with assistant.sessions() as session, session.begin():
        repos = Repositories(session)
        applicant = User(channel="telegram", external_id="1001", language="zh")
        respondent = User(channel="telegram", external_id="1002", language="zh")
        session.add_all([applicant, respondent])
        session.flush()
        case = repos.mediation.add(MediationCase(
            number=repos.mediation.next_number(2026), applicant_id=applicant.id, respondent_id=respondent.id,
            station_id="luyuan", kind="debt", status=status, slots={}, agreement={},
            fields={"name": "张三", "phone": PHONE, "other_name": "王五", "other_phone": OTHER_PHONE,
                    "other_relation": "neighbour", "way": "video", "windows": ["weekday_morning"],
                    "facts": "去年五月借给邻居王五两万元，一直不还。", "wishes": "年底前还清"},
            created_at=OFFICE_HOURS, updated_at=OFFICE_HOURS, accepted_at=OFFICE_HOURS))
        repos.mediation.log(case, "applied", "张三", OFFICE_HOURS)
        return case.id


def the_case(assistant) -> MediationCase:
    with assistant.sessions() as session:
        case = session.scalar(select(MediationCase).where(MediationCase.number == NUMBER))
        case.mediator  # loaded before the session closes
        session.expunge_all()
        return case


def audit(assistant, kind: str) -> list[str]:
    with assistant.sessions() as session:
        return list(session.scalars(select(TicketEvent.detail).where(TicketEvent.kind == kind)))


def case_events(assistant) -> list[str]:
    with assistant.sessions() as session:
        return list(session.scalars(select(MediationEvent.kind).order_by(MediationEvent.id)))


@pytest.fixture
def client(settings, assistant, clock):
    """A mediator and a station clerk at 潞源, a volunteer there, a mediator of another station."""
    clock.now = OFFICE_HOURS
    staff_cli(settings, clock, "add", "701", "--name", "周调解", "--role", "mediator", "--station", "luyuan")
    staff_cli(settings, clock, "add", "705", "--name", "吴所员", "--role", "station_staff", "--station", "luyuan")
    staff_cli(settings, clock, "add", "503", "--name", "小志愿", "--role", "volunteer", "--station", "luyuan")
    staff_cli(settings, clock, "add", "702", "--name", "外站调解", "--role", "mediator", "--station", "yongshun")
    new_case(assistant)
    with console_client(settings, assistant) as client:
        yield client


def test_a_mediator_claims_and_schedules_in_the_console_and_the_parties_get_the_times(client, assistant):
    sign_in(client, assistant, "701")
    assert 'id="claim"' in client.get("/staff/mediation/1").text
    claimed = post(client, "/staff/mediation/1/claim")
    assert claimed.status_code == 303 and claimed.headers["location"] == "/staff/mediation/1"
    page = client.get("/staff/mediation/1").text
    assert "周调解" in page and 'id="schedule-form"' in page and "调解员接手" in page
    sent = post(client, "/staff/mediation/1/schedule", at1="2026-11-28T10:00", at2="2026-11-29 15:30", place="")
    assert sent.status_code == 303
    case = the_case(assistant)
    assert case.status == "scheduling" and case.mediator.name == "周调解"
    assert case.slots["times"] == ["2026-11-28T02:00:00+00:00", "2026-11-29T07:30:00+00:00"], "Beijing time in UTC"
    for party in ("1001", "1002"):
        offer = [n for n in outbox_for(assistant, party) if NUMBER in n.text and "请选一个" in n.text]
        assert len(offer) == 1, party
        labels = json.dumps(offer[0].buttons, ensure_ascii=False)
        assert "2026-11-28" in labels and "10:00" in labels and "15:30" in labels
    assert any("周调解" in n.text for n in outbox_for(assistant, "1001")), "told who took the case"
    timeline = client.get("/staff/mediation/1").text
    assert "2026-11-28 10:00, 2026-11-29 15:30" in timeline and "T02:00" not in timeline, "staff read Beijing time"


def test_a_volunteer_or_another_stations_mediator_is_refused_and_nothing_changes(client, assistant):
    sign_in(client, assistant, "503")
    assert NUMBER not in client.get("/staff/mediation").text
    assert client.get("/staff/mediation/1").status_code == 404
    assert post(client, "/staff/mediation/1/claim").status_code == 403
    assert post(client, "/staff/mediation/1/reveal").status_code == 403
    client.cookies.clear()
    sign_in(client, assistant, "702")
    assert post(client, "/staff/mediation/1/claim").status_code == 403
    assert post(client, "/staff/mediation/1/schedule", at1="2026-11-28T10:00").status_code == 403
    case = the_case(assistant)
    assert (case.mediator_id, case.status, case.slots) == (None, "accepted", {})
    assert case_events(assistant) == ["applied"]
    refused = audit(assistant, "refused")
    assert len(refused) >= 4 and all("station=luyuan" in detail for detail in refused)
    assert not any(NUMBER in n.text for n in outbox_for(assistant, "1001"))


def test_a_clerk_may_record_but_not_run_the_case(client, assistant):
    sign_in(client, assistant, "705")
    assert 'id="claim"' not in client.get("/staff/mediation/1").text
    assert post(client, "/staff/mediation/1/claim").status_code == 403
    assert the_case(assistant).mediator_id is None
    assert any(detail.startswith("mediate station=luyuan") for detail in audit(assistant, "refused"))


def test_a_forged_csrf_token_is_refused(client, assistant):
    sign_in(client, assistant, "701")
    assert client.post("/staff/mediation/1/claim", data={"csrf": "forged"}).status_code == 403
    assert client.post("/staff/mediation/1/claim").status_code == 403
    assert client.post("/staff/mediation/1/reveal", data={"csrf": "forged"}).status_code == 403
    assert the_case(assistant).mediator_id is None and audit(assistant, "unmasked") == []


def test_the_list_is_masked_and_carries_the_months_figures(client, assistant):
    sign_in(client, assistant, "705")
    page = client.get("/staff/mediation?month=2026-11").text
    assert NUMBER in page and "张*" in page
    assert "张三" not in page and PHONE not in page and "两万元" not in page
    figures = page.split('id="figures"', 1)[1]
    assert "潞源" in figures and "<td>1</td>" in figures and "100%" in figures
    assert "没有案件" in client.get("/staff/mediation?status=declined").text
    assert "该月没有案件" in client.get("/staff/mediation?month=2026-10").text


def test_revealing_the_parties_is_an_explicit_audited_act(client, assistant):
    sign_in(client, assistant, "705")
    page = client.get("/staff/mediation/1").text
    assert PHONE not in page and "138****5678" in page and "张*" in page and "两万元" not in page
    assert audit(assistant, "unmasked") == [], "opening the page reveals nothing"
    shown = post(client, "/staff/mediation/1/reveal")
    assert shown.status_code == 200 and PHONE in shown.text and OTHER_PHONE in shown.text and "两万元" in shown.text
    assert audit(assistant, "unmasked") == [f"console mediation={NUMBER}"]
    assert PHONE not in client.get("/staff/mediation/1").text, "the next page is masked again"


def test_a_bad_term_shows_the_parsers_error_and_records_nothing(client, assistant):
    sign_in(client, assistant, "701")
    post(client, "/staff/mediation/1/claim")
    before = (len(outbox_for(assistant, "1001")), case_events(assistant))
    bad = post(client, "/staff/mediation/1/record", outcome="agreement", facts="借款两万元未还", matters="还款期限",
               terms=GOOD_TERM + "\nparty=respondent;does=支付利息;by=下个月;how=现金")
    assert bad.status_code == 422
    assert "第 2 项" in bad.text and "YYYY-MM-DD" in bad.text and "下个月" in bad.text
    assert "借款两万元未还" in bad.text, "the form keeps what was typed"
    case = the_case(assistant)
    assert (case.status, case.agreement, case.outcome) == ("accepted", {}, None)
    assert (len(outbox_for(assistant, "1001")), case_events(assistant)) == before
    missing = post(client, "/staff/mediation/1/record", outcome="agreement", facts="", matters="", terms=GOOD_TERM)
    assert missing.status_code == 422 and "主要事实" in missing.text and the_case(assistant).status == "accepted"


def test_an_agreement_recorded_in_the_console_goes_to_both_and_its_files_download(client, assistant):
    sign_in(client, assistant, "701")
    post(client, "/staff/mediation/1/claim")
    done = post(client, "/staff/mediation/1/record", outcome="agreement", facts="借款两万元未还", matters="还款期限",
                terms=GOOD_TERM)
    assert done.status_code == 303
    case = the_case(assistant)
    assert case.status == "agreed" and case.agreement["terms"][0]["amount"] == 20000
    deliver_documents(assistant)  # the job that builds them with no lock held
    for party in ("1001", "1002"):
        assert {n.attachment_name for n in outbox_for(assistant, party) if n.attachment_name} == {
            f"调解协议书-{NUMBER}.docx", f"调解协议书-{NUMBER}.pdf"}
    page = client.get("/staff/mediation/1").text
    assert "归还借款" in page and "/documents/agreement.docx" in page and "/documents/application" not in page
    word = client.get("/staff/mediation/1/documents/agreement.docx")
    assert word.status_code == 200 and word.content.startswith(b"PK")
    assert "attachment" in word.headers["content-disposition"]
    assert client.get("/staff/mediation/1/documents/application.pdf").status_code == 404, "not in effect yet"
    assert any("agreement.docx" in detail for detail in audit(assistant, "unmasked"))
    client.cookies.clear()
    sign_in(client, assistant, "503")
    assert client.get("/staff/mediation/1/documents/agreement.docx").status_code == 403


def test_of_two_mediators_claiming_in_the_console_at_once_one_wins(client, assistant, settings, clock):
    staff_cli(settings, clock, "add", "708", "--name", "郑调解", "--role", "mediator", "--station", "luyuan")
    clients = [client, console_client(settings, assistant)]
    sign_in(clients[0], assistant, "701")
    sign_in(clients[1], assistant, "708")
    answers = race(2, lambda n: post(clients[n], "/staff/mediation/1/claim"))
    assert all(answer.status_code in (303, 422) for answer in answers)
    with assistant.sessions() as session:
        claims = session.scalar(select(func.count()).where(MediationEvent.kind == "claimed"))
    assert claims == 1 and the_case(assistant).mediator is not None
    assert sorted(answer.status_code for answer in answers) == [303, 422], "the loser is told who has it"


def test_the_clerk_records_the_effective_date_the_filing_and_the_ruling(client, assistant):
    sign_in(client, assistant, "701")
    post(client, "/staff/mediation/1/claim")
    post(client, "/staff/mediation/1/record", outcome="agreement", facts="借款两万元未还", matters="还款期限",
         terms=GOOD_TERM)
    client.cookies.clear()
    sign_in(client, assistant, "705")
    assert "生效日期不能晚于今天" in post(client, "/staff/mediation/1/effective", on="2026-11-27").text
    assert "YYYY-MM-DD" in post(client, "/staff/mediation/1/effective", on="26/11").text
    assert the_case(assistant).status == "agreed"
    assert post(client, "/staff/mediation/1/effective", on="2026-11-26").status_code == 303
    deliver_documents(assistant)
    assert any(n.attachment_name == f"司法确认申请书-{NUMBER}.pdf" for n in outbox_for(assistant, "1002"))
    assert post(client, "/staff/mediation/1/filed", on="2026-11-26").status_code == 303
    assert post(client, "/staff/mediation/1/ruling", result="confirmed", on="2026-11-26").status_code == 303
    case = the_case(assistant)
    assert (case.status, case.effective_on.isoformat(), case.filed_on.isoformat(), case.ruling) == (
        "confirmed", "2026-11-26", "2026-11-26", "confirmed")
    assert case_events(assistant)[-3:] == ["effective", "filed", "ruling_confirmed"]
    assert client.get("/staff/mediation/1/documents/application.pdf").content.startswith(b"%PDF")
