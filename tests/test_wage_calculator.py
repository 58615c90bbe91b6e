"""The wage-claim calculator works out what is owed, step by step, from what a worker can tell us."""

from datetime import date
from decimal import Decimal

import pytest

from bot.forms.parsing import InputError, Period
from bot.legal_aid.wages import (
    DAILY,
    DAILY_MONTHS,
    DAILY_PART_MONTH,
    ERROR_CODES,
    MONTHLY,
    MONTHLY_PART_MONTH,
    Step,
    calculate_wages,
)

MARCH_TO_AUGUST = Period(date(2026, 3, 1), date(2026, 8, 31), start_exact=False, end_exact=False)


def D(value) -> Decimal:
    return Decimal(str(value))


def test_daily_wage_times_days_worked_less_paid_is_owed():
    calculation = calculate_wages(daily_wage=D(350), days_worked=120, paid=D(10000))
    assert calculation.steps == (Step(DAILY, D(350), D("42000.00"), days=D(120)),)
    assert (calculation.total_earned, calculation.paid, calculation.owed) == (D(42000), D(10000), D(32000))
    assert calculation.overpaid == 0 and not calculation.estimated


def test_half_days_count():
    assert calculate_wages(daily_wage=D(300), days_worked=D("45.5")).owed == D("13650.00")


def test_whole_months_at_a_daily_wage_are_one_step():
    calculation = calculate_wages(daily_wage=D(300), period=MARCH_TO_AUGUST, days_per_month=26, paid=D(10000))
    [step] = calculation.steps
    assert (step.kind, step.months, step.days_per_month, step.days) == (DAILY_MONTHS, 6, 26, D(156))
    assert (step.start, step.end, step.subtotal) == (date(2026, 3, 1), date(2026, 8, 31), D(46800))
    assert calculation.owed == D(36800) and not calculation.estimated


def test_part_month_at_a_daily_wage_is_scaled_and_marked_estimated():
    period = Period(date(2026, 3, 10), date(2026, 4, 30))
    calculation = calculate_wages(daily_wage=D(350), period=period, days_per_month=26)
    part, whole = calculation.steps
    # 22 of March's 31 days at 26 days a month: 18.45 → 18 days.
    assert (part.kind, part.covered_days, part.month_days, part.days, part.subtotal) == (
        DAILY_PART_MONTH, 22, 31, D(18), D(6300)
    )
    assert (whole.kind, whole.months, whole.days) == (DAILY_MONTHS, 1, D(26))
    assert calculation.total_earned == D(6300 + 26 * 350) and calculation.estimated


def test_a_month_never_holds_more_working_days_than_it_has():
    period = Period(date(2026, 1, 1), date(2026, 3, 31))
    calculation = calculate_wages(daily_wage=D(100), period=period, days_per_month=30)
    assert [(step.start.month, step.days) for step in calculation.steps] == [(1, D(30)), (2, D(28)), (3, D(30))]
    assert calculation.total_earned == D(8800)


def test_scaled_part_month_never_exceeds_the_days_it_covers():
    period = Period(date(2026, 2, 27), date(2026, 2, 28))
    calculation = calculate_wages(daily_wage=D(100), period=period, days_per_month=31)
    assert calculation.steps[0].days == D(2)


def test_monthly_wage_counts_whole_months_and_scales_part_months():
    period = Period(date(2026, 3, 10), date(2026, 6, 15))
    calculation = calculate_wages(monthly_wage=D(6000), period=period, paid=D(5000))
    kinds = [(step.kind, step.months, step.covered_days, step.month_days, step.subtotal) for step in calculation.steps]
    assert kinds == [
        (MONTHLY_PART_MONTH, None, 22, 31, D("4258.06")),
        (MONTHLY, 2, None, None, D(12000)),
        (MONTHLY_PART_MONTH, None, 15, 30, D(3000)),
    ]
    assert calculation.total_earned == D("19258.06") and calculation.owed == D("14258.06") and calculation.estimated


def test_monthly_wage_over_month_only_period_is_exact():
    calculation = calculate_wages(monthly_wage=D(6000), period=MARCH_TO_AUGUST, paid=D(0))
    assert [(s.kind, s.months) for s in calculation.steps] == [(MONTHLY, 6)]
    assert calculation.owed == D(36000) and not calculation.estimated


def test_paying_more_than_was_earned_owes_nothing_and_says_by_how_much():
    calculation = calculate_wages(daily_wage=D(350), days_worked=60, paid=D(30000))
    assert (calculation.owed, calculation.overpaid) == (0, D(9000))


def test_paid_in_full_owes_nothing_and_is_not_overpaid():
    calculation = calculate_wages(daily_wage=D(350), days_worked=60, paid=D(21000))
    assert (calculation.owed, calculation.overpaid) == (0, 0)


def test_counted_days_beat_the_period_when_both_are_given():
    calculation = calculate_wages(daily_wage=D(300), days_worked=100, period=MARCH_TO_AUGUST, days_per_month=26)
    assert [(s.kind, s.days, s.start, s.end) for s in calculation.steps] == [
        (DAILY, D(100), date(2026, 3, 1), date(2026, 8, 31))
    ]


@pytest.mark.parametrize(
    "facts, code",
    [
        ({"days_worked": 10}, "wage_missing_rate"),
        ({"daily_wage": D(300), "monthly_wage": D(6000), "days_worked": 10}, "wage_rate_conflict"),
        ({"daily_wage": D(0), "days_worked": 10}, "wage_bad_rate"),
        ({"monthly_wage": D(-1), "period": MARCH_TO_AUGUST}, "wage_bad_rate"),
        ({"daily_wage": D(300)}, "wage_missing_days"),
        ({"daily_wage": D(300), "period": MARCH_TO_AUGUST}, "wage_missing_days"),
        ({"daily_wage": D(300), "days_worked": 0}, "wage_bad_days"),
        ({"daily_wage": D(300), "days_worked": 200, "period": MARCH_TO_AUGUST}, "wage_days_exceed_period"),
        ({"daily_wage": D(300), "period": MARCH_TO_AUGUST, "days_per_month": 32}, "wage_bad_days_per_month"),
        ({"daily_wage": D(300), "period": MARCH_TO_AUGUST, "days_per_month": 0}, "wage_bad_days_per_month"),
        ({"daily_wage": D(300), "period": Period(date(2026, 3, 1), None), "days_per_month": 26}, "wage_missing_end"),
        ({"monthly_wage": D(6000)}, "wage_missing_period"),
        ({"monthly_wage": D(6000), "days_worked": 40}, "wage_missing_period"),
        ({"monthly_wage": D(6000), "period": Period(date(2026, 3, 1), None)}, "wage_missing_end"),
        ({"daily_wage": D(300), "days_worked": 10, "paid": D(-5)}, "wage_bad_paid"),
    ],
)
def test_missing_or_inconsistent_facts_are_refused_with_a_reason(facts, code):
    with pytest.raises(InputError) as caught:
        calculate_wages(**facts)
    assert caught.value.code == code and code in ERROR_CODES
