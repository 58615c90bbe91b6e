"""Office hours follow the State Council's holiday schedule, make-up working days (调休) included, and the law's
public holidays for a year whose schedule the package does not have yet."""

from __future__ import annotations

import logging
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.core.workdays import DayKind, WorkingDays, official_kind, statutory_holidays
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


def unpublished(day: date) -> DayKind:
    raise NotImplementedError(f"no schedule for {day.year}")


@pytest.mark.parametrize("year", range(2014, 2027))
def test_every_holiday_the_law_fixes_is_a_holiday_in_the_years_the_package_knows(year):
    days = statutory_holidays(year)
    assert len(days) >= (12 if year >= 2025 else 10)  # Mid-Autumn may fall on National Day
    assert {day: official_kind(day) for day in days} == {day: DayKind.HOLIDAY for day in days}


@pytest.mark.parametrize("year", range(2027, 2101))
def test_the_law_s_holidays_fall_where_the_calendar_puts_them(year):
    """A lunar month holds its principal solar term (正月 雨水, 五月 夏至, 八月 秋分): that bounds each festival."""
    days = statutory_holidays(year)
    spring = sorted(day for day in days if day.month in (1, 2) and day != date(year, 1, 1))
    assert [(day - spring[0]).days for day in spring] == [0, 1, 2, 3]
    assert date(year, 1, 19) <= spring[0] <= date(year, 2, 19)  # the eve
    [qingming] = [day for day in days if day.month == 4]
    assert date(year, 4, 4) <= qingming <= date(year, 4, 6)
    [dragon_boat] = [day for day in days if date(year, 5, 25) <= day <= date(year, 6, 26)]
    fixed = {date(year, 1, 1), date(year, 5, 1), date(year, 5, 2), date(year, 10, 1), date(year, 10, 2),
             date(year, 10, 3)}
    mid_autumn = days - fixed - set(spring) - {qingming, dragon_boat}  # empty when it falls on National Day
    assert fixed <= days and len(mid_autumn) <= 1
    assert all(date(year, 9, 6) <= day <= date(year, 10, 9) for day in mid_autumn)


def test_2027_closes_on_new_year_and_the_spring_festival_before_its_schedule_is_published():
    days = WorkingDays()
    for day in ("2027-01-01", "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08"):
        assert days.kind(date.fromisoformat(day)) is DayKind.HOLIDAY and not is_open(WEEKDAY_HOURS, days, at(day))
    assert next_opening(WEEKDAY_HOURS, days, at("2027-02-04", "18:00")) == at("2027-02-09", "09:00")
    assert days.kind(date(2027, 3, 3)) is DayKind.WORKDAY and is_open(WEEKDAY_HOURS, days, at("2027-03-03"))
    assert days.kind(date(2027, 3, 6)) is DayKind.WEEKEND and not is_open(WEEKDAY_HOURS, days, at("2027-03-06"))
    assert next_opening(WEEKDAY_HOURS, days, at("2026-12-31", "18:00")) == at("2027-01-04", "09:00")


def test_an_unpublished_year_falls_back_to_the_law_s_holidays_with_one_warning(caplog):
    days = WorkingDays(official=unpublished)
    with caplog.at_level(logging.WARNING, logger="bot.core.workdays"):
        assert not is_open(WEEKDAY_HOURS, days, at("2099-10-01"))  # National Day, a Thursday
        assert not is_open(WEEKDAY_HOURS, days, at("2099-09-29"))  # Mid-Autumn, a Tuesday
        assert is_open(WEEKDAY_HOURS, days, at("2099-10-08"))  # an ordinary Thursday
        assert next_opening(WEEKDAY_HOURS, days, at("2099-09-30", "18:00")) == at("2099-10-05", "09:00")
    warnings = [record.getMessage() for record in caplog.records if "2099" in record.getMessage()]
    assert len(warnings) == 1 and "chinesecalendar" in warnings[0] and "调休" in warnings[0]


def test_beyond_the_solar_term_tables_the_fallback_is_monday_to_friday(caplog):
    days = WorkingDays()
    with caplog.at_level(logging.WARNING, logger="bot.core.workdays"):
        assert not is_open(WEEKDAY_HOURS, days, at("2101-10-01"))  # a Saturday
        assert is_open(WEEKDAY_HOURS, days, at("2101-10-03"))  # National Day, a Monday, not known so far ahead
    assert len([record for record in caplog.records if "2101" in record.getMessage()]) == 1


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
