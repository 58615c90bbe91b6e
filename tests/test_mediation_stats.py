"""Mediation statistics per station and month, on the command line and in the assessment report."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy.orm import Session

from bot.db.engine import make_engine, make_session_factory
from bot.db.models import MediationCase, User
from bot.mediation import stats
from bot.reports.periods import Period
from bot.reports.service import build_report
from tests.mediation_helpers import mediation_cli

NOV = datetime(2026, 11, 3, 2, 0, tzinfo=timezone.utc)


def _case(n: int, applicant: User, station: str, kind: str, status: str, **values) -> MediationCase:
    created = values.pop("created_at", NOV + timedelta(days=n))
    return MediationCase(number=f"TJ-2026-{n:06d}", applicant_id=applicant.id, station_id=station, kind=kind,
                         fields={"name": f"申请人{n}", "phone": "13812345678"}, status=status, slots={}, agreement={},
                         created_at=created, updated_at=created, **values)


@pytest.fixture
def session(settings):
    engine = make_engine(settings.database_url)
    with make_session_factory(engine)() as session:
        user = User(channel="telegram", external_id="9601", language="zh")
        session.add(user)
        session.flush()
        day = timedelta(days=1)
        session.add_all([
            _case(1, user, "luyuan", "debt", "closed", accepted_at=NOV, outcome="agreement", session_at=NOV + 3 * day,
                  effective_on=date(2026, 11, 10), ruling="confirmed", applicant_performed="yes",
                  respondent_performed="yes"),
            _case(2, user, "luyuan", "debt", "closed", accepted_at=NOV, outcome="agreement", session_at=NOV + 8 * day,
                  effective_on=date(2026, 11, 20), applicant_performed="no"),
            _case(3, user, "luyuan", "neighbour", "failed", accepted_at=NOV, outcome="failure", session_at=NOV + 5 * day,
                  outcome_reason="分歧太大"),
            _case(4, user, "luyuan", "wages", "declined"),
            _case(5, user, "luyuan", "family", "invited"),
            _case(6, user, "taihu", "tenancy", "accepted", accepted_at=NOV),
            _case(7, user, "luyuan", "debt", "invited", created_at=datetime(2026, 10, 30, 2, tzinfo=timezone.utc)),
        ])
        session.commit()
        yield session
    engine.dispose()


def test_station_figures_match_a_count_of_the_cases(session: Session):
    month = Period.parse("month", "2026-11")
    found = stats.figures(session, month.starts_at, month.ends_at, "luyuan")
    assert found.cases == 5 and found.by_kind == {"debt": 2, "family": 1, "neighbour": 1, "wages": 1}
    assert (found.accepted, found.answered) == (3, 4) and found.acceptance_rate == 0.75
    assert (found.agreed, found.with_outcome) == (2, 3)
    assert (found.confirmed, found.effective) == (1, 2) and found.confirmation_rate == 0.5
    assert (found.performed, found.performance_answered) == (1, 2)
    # days from application to session: case 1: 2, case 2: 6, case 3: 2 → median 2
    assert found.median_days_to_session == 2.0
    district = stats.figures(session, month.starts_at, month.ends_at)
    assert district.cases == 6 and district.by_kind["tenancy"] == 1


def test_the_command_prints_each_station_of_the_month(session: Session, settings, clock):
    code, out = mediation_cli(settings, clock, "stats", "--month", "2026-11")
    assert code == 0
    lines = out.splitlines()
    assert any(line.startswith("潞源街道  5  债务纠纷 2") and "75%" in line and "67%" in line and "50%" in line
               and line.endswith("2.0") for line in lines), out
    assert any(line.startswith("台湖镇  1") for line in lines), out
    code, out = mediation_cli(settings, clock, "stats", "--month", "2026-11", "--station", "台湖")
    assert "潞源" not in out


def test_the_report_has_a_mediation_section(session: Session, settings):
    now = datetime(2026, 12, 1, 2, tzinfo=timezone.utc)
    document = build_report(session, settings, Period.parse("month", "2026-11"), "luyuan", "zh", now)
    section = next(s for s in document.sections if s.title == "五、网络调解")
    figures = dict(section.figures)
    assert figures["调解申请"] == 5 and figures["对方同意率"] == "75.0%" and figures["司法确认率"] == "50.0%"
    assert figures["申请到调解中位天数"] == 2.0
    kinds = {row[0]: row[1] for row in section.tables[0].rows}
    assert kinds == {"债务纠纷": 2, "婚姻家庭": 1, "邻里纠纷": 1, "劳动报酬": 1}
    assert section.tables[1].rows == [["潞源街道", 5, 3, 2, 1]]
    assert "申请人1" not in str(document), "no names in the report"
