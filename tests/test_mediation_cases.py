"""Plain rules of a mediation case: numbers, invitation tokens, agreed terms, permissions, the form's data."""

from __future__ import annotations

from datetime import date

import pytest

from bot.core.content import load_texts
from bot.db.models import StaffMember, StaffStation
from bot.handoff.permissions import MEDIATE, RECORD_MEDIATION, Permissions
from bot.handoff.permissions import load as load_permissions
from bot.mediation.cases import (
    Party, Status, TermError, case_number, new_token, normalise_number, parse_term, perform_by, token_hash, token_of,
)
from bot.mediation.context import service_data
from bot.settings import load_settings
from tests.conftest import CONFIG


def test_case_numbers_are_per_year_and_six_digits():
    assert case_number(2026, 1) == "TJ-2026-000001"
    assert normalise_number("tj-2026-12") == "TJ-2026-000012"
    assert normalise_number("ＴＪ２０２６０００００３") == "TJ-2026-000003"
    assert normalise_number("FY-2026-000001") is None
    with pytest.raises(ValueError):
        case_number(2026, 1_000_000)


def test_invitation_tokens_are_unguessable_and_only_their_hash_is_kept():
    tokens = {new_token() for _ in range(200)}
    assert len(tokens) == 200 and all(len(t) >= 24 for t in tokens)
    token = tokens.pop()
    assert token_of(f"m_{token}") == token and len(token_hash(token)) == 64 and token not in token_hash(token)
    assert token_of("m_short") is None and token_of("x_" + token) is None and token_of("m_" + "a" * 80) is None


def test_a_term_reads_who_what_how_much_by_when_and_how():
    term = parse_term("party=respondent；does=支付拖欠工资；amount=3,000；by=2026-12-20；how=银行转账")
    assert (term.party, term.does, term.amount, term.by, term.how) == (
        Party.RESPONDENT, "支付拖欠工资", 3000.0, date(2026, 12, 20), "银行转账")
    assert parse_term("party=applicant;does=赔礼道歉;by=2026-12-01;how=当面").amount is None
    assert perform_by([term, parse_term("party=applicant;does=撤诉;by=2027-01-02;how=书面")]) == date(2027, 1, 2)


@pytest.mark.parametrize("text, code", [
    ("party=respondent;does=还钱;by=2026-12-20", "term_missing"),
    ("party=neighbour;does=还钱;by=2026-12-20;how=现金", "term_party"),
    ("party=respondent;does=还钱;by=下个月;how=现金", "term_date"),
    ("party=respondent;does=还钱;amount=-5;by=2026-12-20;how=现金", "term_amount"),
    ("party=respondent;does=还钱;when=2026-12-20;how=现金", "term_field"),
])
def test_a_malformed_term_is_refused_with_its_reason(text, code):
    with pytest.raises(TermError) as raised:
        parse_term(text)
    assert raised.value.code == code


def test_mediation_rights_come_from_the_staff_permission_table():
    settings = load_settings(CONFIG)
    permissions = Permissions(load_permissions(settings.handoff.permissions_file))

    def member(role: str, *stations: str) -> StaffMember:
        return StaffMember(name=role, role=role, active=True, stations=[StaffStation(station_id=s) for s in stations])

    assert permissions.allows(member("mediator", "luyuan"), MEDIATE, "luyuan")
    assert not permissions.allows(member("lawyer", "luyuan"), MEDIATE, "luyuan")
    assert not permissions.allows(member("mediator", "taihu"), MEDIATE, "luyuan"), "another station's case"
    assert permissions.allows(member("mediator"), MEDIATE, "luyuan"), "a district-wide member"
    assert permissions.allows(member("station_staff", "luyuan"), RECORD_MEDIATION, "luyuan")
    assert not permissions.allows(member("volunteer", "luyuan"), RECORD_MEDIATION, "luyuan")


def test_every_status_option_and_event_has_its_texts():
    texts = load_texts(CONFIG.parent / "menus")
    data = service_data()
    for status in Status:
        assert f"md_status_{status.value}" in texts
    for party in Party:
        assert f"md_party_{party.value}" in texts
    kinds = [choice.key for choice in data.form.step("kind").choices]
    assert kinds == ["neighbour", "family", "wages", "debt", "tenancy", "traffic", "consumer", "other"]
    assert data.option("kind", "wages", "zh") == "劳动报酬" and data.option("kind", "wages", "en") == "Unpaid wages"
    for step in data.form.steps:
        assert step.label.keys() >= {"zh", "en"} and step.ask.keys() >= {"zh", "en"}
        for choice in step.choices:
            assert choice.label.keys() >= {"zh", "en"}


def test_staff_read_stored_utc_moments_in_beijing_time():
    from bot.mediation.context import MediationContext
    from bot.settings import load_settings

    ctx = MediationContext.load(load_settings(CONFIG))
    stored = "2026-12-03T02:00:00+00:00, 2026-12-04T06:30:00.123+00:00"
    assert ctx.local_times(stored) == "2026-12-03 10:00, 2026-12-04 14:30"
    assert ctx.local_times("2026-11-30") == "2026-11-30", "a date stays a date"
    assert ctx.local_times("reason: 对方失联") == "reason: 对方失联"
