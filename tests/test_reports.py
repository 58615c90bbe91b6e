"""The assessment reports: periods, figures checked against a count in Python, formats, and no personal data."""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import subprocess
import zipfile
from datetime import date, datetime, timezone

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from bench.activity import Activity, generate
from bot.reports.commands import add_parser as add_report_parser
from bot.reports.commands import run as run_report_command
from bot.db.engine import make_engine, make_session_factory
from bot.db.models import AidApplication, Ticket
from bot.reports.figures import build_figures
from bot.reports.periods import Period, PeriodError
from bot.reports.service import build_report, report_bytes

NOW = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("kind, value, first, end, previous, year_before", [
    ("month", "2026-11", date(2026, 11, 1), date(2026, 12, 1), "2026-10", "2025-11"),
    ("month", "2026-01", date(2026, 1, 1), date(2026, 2, 1), "2025-12", "2025-01"),
    ("quarter", "2026-Q4", date(2026, 10, 1), date(2027, 1, 1), "2026-Q3", "2025-Q4"),
    ("quarter", "2026-q1", date(2026, 1, 1), date(2026, 4, 1), "2025-Q4", "2025-Q1"),
    ("year", "2026", date(2026, 1, 1), date(2027, 1, 1), "2025", "2025"),
])
def test_periods_know_their_days_and_the_periods_they_are_compared_with(kind, value, first, end, previous,
                                                                      year_before):
    period = Period.parse(kind, value)
    assert (period.first_day, period.end_day) == (first, end)
    assert period.previous().label == previous and period.year_before().label == year_before


def test_a_month_starts_at_midnight_beijing_time():
    november = Period.parse("month", "2026-11")
    assert november.starts_at == datetime(2026, 10, 31, 16, 0, tzinfo=timezone.utc)
    assert november.contains(datetime(2026, 11, 30, 15, 59, tzinfo=timezone.utc))
    assert not november.contains(datetime(2026, 11, 30, 16, 0, tzinfo=timezone.utc))
    assert Period.parse("quarter", "2026-Q2").month_keys == ["2026-04", "2026-05", "2026-06"]


@pytest.mark.parametrize("kind, value", [("month", "2026-13"), ("month", "2026-1"), ("quarter", "2026-Q5"),
                                         ("year", "26"), ("week", "2026-01")])
def test_a_malformed_period_is_refused_with_the_expected_form(kind, value):
    with pytest.raises(PeriodError, match="expected"):
        Period.parse(kind, value)


@pytest.fixture
def activity(settings) -> Activity:
    engine = make_engine(settings.database_url)
    with make_session_factory(engine)() as session:
        made = generate(session, Activity(stations=[s.id for s in settings.stations], residents=150,
                                          messages=1500, tickets=400, applications=150, lectures=24, seed=11))
    engine.dispose()
    return made


@pytest.fixture
def session(settings, activity):
    engine = make_engine(settings.database_url)
    with make_session_factory(engine)() as opened:
        yield opened
    engine.dispose()


def test_ticket_figures_match_a_count_of_the_rows(session: Session):
    period = Period.parse("quarter", "2026-Q2")
    tickets = [t for t in session.scalars(select(Ticket)) if period.contains(t.opened_at)]
    totals = build_figures(session, period).totals
    in_window = [t for t in tickets if t.claimed_at and t.claimed_at <= t.window_ends_at]
    assert totals["tickets"] == len(tickets) > 0
    assert totals["claimed_in_window"] == len(in_window)
    assert totals["share_in_window"] == round(len(in_window) / len(tickets), 4)
    minutes = sorted((t.claimed_at - t.opened_at).total_seconds() / 60 for t in tickets if t.claimed_at)
    assert totals["claim_minutes_median"] == pytest.approx(minutes[int(0.5 * (len(minutes) - 1) + 0.5)], abs=0.06)
    ratings = [t.rating for t in tickets if t.rating]
    assert totals["rating_average"] == pytest.approx(statistics.mean(ratings), abs=0.006)


def test_legal_aid_figures_match_a_count_of_the_rows(session: Session):
    period = Period.parse("year", "2026")
    applications = [a for a in session.scalars(select(AidApplication)) if period.contains(a.submitted_at)]
    totals = build_figures(session, period).totals
    wages = [a for a in applications if a.claim == "wages"]
    assert totals["aid_applications"] == len(applications)
    assert totals["aid_wage_claims"] == len(wages)
    assert totals["aid_wage_amount"] == pytest.approx(sum(float(a.fields["amount"].replace(",", "")) for a in wages))
    assert totals["aid_fast_tracked"] == sum(1 for a in applications if a.decision["fast_track"])


def test_one_station_report_counts_only_that_station(session: Session, settings):
    station = settings.stations[0].id
    period = Period.parse("year", "2026")
    district, one = build_figures(session, period).totals, build_figures(session, period, station).totals
    expected = session.query(Ticket).filter(Ticket.station_id == station).count()
    assert one["tickets"] == expected < district["tickets"]


def test_the_report_compares_with_the_previous_period_and_last_year(session: Session, settings):
    document = build_report(session, settings, Period.parse("month", "2026-11"), None, "zh", NOW)
    comparison = document.sections[-1].tables[0]
    assert "2026-10" in comparison.columns[2] and "2025-11" in comparison.columns[4]
    tickets_row = next(row for row in comparison.rows if row[0] == "转人工工单")
    assert tickets_row[1] > 0 and tickets_row[4] == 0  # the synthetic year has no 2025 activity


@pytest.mark.parametrize("kind, value", [("month", "2026-11"), ("quarter", "2026-Q4"), ("year", "2026")])
def test_no_report_holds_a_residents_name_phone_or_id_number(session: Session, settings, activity, kind, value):
    period = Period.parse(kind, value)
    html = report_bytes(session, settings, period, None, "zh", "html", NOW).decode("utf-8")
    workbook = report_bytes(session, settings, period, None, "zh", "xlsx", NOW)
    sheets = "\n".join(str(cell.value) for sheet in load_workbook(io.BytesIO(workbook))
                        for row in sheet.iter_rows() for cell in row if cell.value is not None)
    assert "转人工工单" in html and "转人工工单" in sheets
    for secret in [*activity.names, *activity.phones, *activity.id_numbers]:
        assert secret not in html and secret not in sheets, secret


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is installed by scripts/setup_system.sh")
def test_the_pdf_carries_its_chinese_text_and_no_personal_data(session: Session, settings, activity, tmp_path):
    pdf = report_bytes(session, settings, Period.parse("month", "2026-11"), None, "zh", "pdf", NOW)
    (tmp_path / "report.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "report.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "月度自查报告" in text and "吹哨报到与响应" in text and "法律援助" in text
    for secret in [*activity.names, *activity.phones, *activity.id_numbers]:
        assert secret not in text


def test_the_workbook_has_one_sheet_per_section(session: Session, settings):
    data = report_bytes(session, settings, Period.parse("quarter", "2026-Q4"), None, "en", "xlsx", NOW)
    names = load_workbook(io.BytesIO(data)).sheetnames
    assert names == ["1. Demand", "2. Whistles and response", "3. Legal aid", "4. Micro-lectures",
                     "5. Online mediation", "6. Comparisons"]


def _report_command(settings, *argv: str) -> int:
    parser = argparse.ArgumentParser(prog="legalbot")
    add_report_parser(parser.add_subparsers(dest="command"))
    return run_report_command(parser.parse_args(["report", *argv]), settings, clock=lambda: NOW)


def test_report_command_writes_the_file_and_refuses_a_bad_period(settings, activity, tmp_path, capsys):
    output = tmp_path / "q4.xlsx"
    assert _report_command(settings, "quarter", "2026-Q4", "--format", "xlsx", "--output", str(output)) == 0
    assert zipfile.is_zipfile(output)
    assert _report_command(settings, "month", "2026-13") == 2
    assert "expected month 2026-11" in capsys.readouterr().err
    assert _report_command(settings, "month", "2026-11", "--station", "nowhere") == 2
    assert settings.stations[0].id in capsys.readouterr().err
