"""Office hours follow the State Council's holiday schedule, make-up working days (调休) included."""

from __future__ import annotations

import logging
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.core.workdays import DayKind, WorkingDays
from bot.handoff.hours import is_open, next_opening
from bot.settings import Closure, OpeningSpan, load_settings
from tests.conftest import CONFIG

BEIJING = ZoneInfo("Asia/Shanghai")
WEEKDAY_HOURS = (
    OpeningSpan(days=["mon", "tue", "wed", "thu", "fri"], open=time(9), close=time(12)),
    OpeningSpan(days=["mon", "tue", "wed", "thu", "fri"], open=time(13, 30), close=time(17, 30)),
)


def at(day: str, clock: str = "10:00") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=BEIJING)


@pytest.mark.parametrize("day", ["2026-10-01", "2026-10-02", "2026-10-05", "2026-10-06", "2026-10-07"])
def test_national_day_week_is_closed_on_weekdays_too(day):
    assert not is_open(WEEKDAY_HOURS, WorkingDays(), at(day))


def test_after_national_day_staff_are_back_on_the_eighth():
    assert next_opening(WEEKDAY_HOURS, WorkingDays(), at("2026-09-30", "18:00")) == at("2026-10-08", "09:00")
    assert is_open(WEEKDAY_HOURS, WorkingDays(), at("2026-10-08"))


@pytest.mark.parametrize("day", ["2026-10-10", "2026-09-20", "2026-02-14", "2026-02-28"])
def test_a_make_up_weekend_day_is_a_working_day(day):
    days = WorkingDays()
    assert days.kind(date.fromisoformat(day)) is DayKind.MAKE_UP
    assert is_open(WEEKDAY_HOURS, days, at(day)) and not is_open(WEEKDAY_HOURS, days, at(day, "12:30"))


def test_an_ordinary_saturday_stays_closed():
    assert not is_open(WEEKDAY_HOURS, WorkingDays(), at("2026-10-17"))


def test_spring_festival_closes_the_stations_until_it_ends():
    days = WorkingDays()
    for day in ("2026-02-16", "2026-02-17", "2026-02-20", "2026-02-23"):
        assert days.kind(date.fromisoformat(day)) is DayKind.HOLIDAY and not is_open(WEEKDAY_HOURS, days, at(day))
    assert next_opening(WEEKDAY_HOURS, days, at("2026-02-15")) == at("2026-02-24", "09:00")


def test_the_eve_of_the_make_up_saturday_points_to_it():
    """Friday evening before the 调休 Saturday: staff are back the next morning, not on Monday."""
    assert next_opening(WEEKDAY_HOURS, WorkingDays(), at("2026-10-09", "18:00")) == at("2026-10-10", "09:00")


def test_a_year_the_library_does_not_know_falls_back_to_weekdays_with_one_warning(caplog):
    days = WorkingDays()
    with caplog.at_level(logging.WARNING, logger="bot.core.workdays"):
        assert is_open(WEEKDAY_HOURS, days, at("2099-10-01"))  # a Thursday
        assert not is_open(WEEKDAY_HOURS, days, at("2099-10-03"))  # a Saturday
        assert next_opening(WEEKDAY_HOURS, days, at("2099-10-03")) == at("2099-10-05", "09:00")
    warnings = [record for record in caplog.records if "2099" in record.getMessage()]
    assert len(warnings) == 1 and "chinesecalendar" in warnings[0].getMessage()


def test_a_bureau_closure_closes_one_station_or_the_district():
    days = WorkingDays([Closure(first=date(2026, 12, 1), last=date(2026, 12, 3), station="luyuan"),
                        Closure(first=date(2026, 12, 8))])
    assert not is_open(WEEKDAY_HOURS, days, at("2026-12-02"), "luyuan")
    assert is_open(WEEKDAY_HOURS, days, at("2026-12-02"), "taihu")
    assert next_opening(WEEKDAY_HOURS, days, at("2026-12-01"), "luyuan") == at("2026-12-04", "09:00")
    assert not is_open(WEEKDAY_HOURS, days, at("2026-12-08"), "taihu") and not is_open(WEEKDAY_HOURS, days, at("2026-12-08"))


def test_config_holds_no_state_council_holidays():
    settings = load_settings(CONFIG)
    assert settings.closures == [] and settings.handoff.holidays == []


def test_an_older_config_s_holiday_list_becomes_district_closures(tmp_path):
    config = tmp_path / "config.yml"
    config.write_text(CONFIG.read_text(encoding="utf-8") + "\nhandoff: {holidays: ['2026-12-24']}\n", encoding="utf-8")
    (tmp_path / "stations.yml").write_text((CONFIG.parent / "stations.yml").read_text(encoding="utf-8"), encoding="utf-8")
    settings = load_settings(config)
    assert [(c.first, c.station) for c in settings.closures] == [(date(2026, 12, 24), None)]
