"""The wage-claim calculator: what was earned, what was paid and what is still owed, step by step."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from bot.forms.parsing import InputError, Period

# Step kinds; each is rendered by the text aid_wage_step_<kind> in menus/texts.yml.
DAILY = "daily"  # days worked × daily wage
DAILY_MONTHS = "daily_months"  # whole months × days a month × daily wage
DAILY_PART_MONTH = "daily_part_month"  # part of a month: days a month scaled to the days covered
MONTHLY = "monthly"  # whole months × monthly wage
MONTHLY_PART_MONTH = "monthly_part_month"  # part of a month: monthly wage × days covered / days in month
STEP_KINDS = (DAILY, DAILY_MONTHS, DAILY_PART_MONTH, MONTHLY, MONTHLY_PART_MONTH)

ERROR_CODES = (
    "wage_missing_rate",
    "wage_rate_conflict",
    "wage_bad_rate",
    "wage_missing_days",
    "wage_missing_period",
    "wage_missing_end",
    "wage_bad_days",
    "wage_days_exceed_period",
    "wage_bad_days_per_month",
    "wage_bad_paid",
)

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Step:
    """One line of the calculation; which fields are set depends on `kind`."""

    kind: str
    rate: Decimal  # yuan a day for the daily kinds, yuan a month for the monthly kinds
    subtotal: Decimal
    days: Decimal | None = None  # days paid for
    months: int | None = None  # whole months
    days_per_month: int | None = None
    start: date | None = None
    end: date | None = None
    covered_days: int | None = None  # calendar days worked in a part month
    month_days: int | None = None  # calendar days in that month


@dataclass(frozen=True)
class WageCalculation:
    steps: tuple[Step, ...]
    total_earned: Decimal
    paid: Decimal
    owed: Decimal
    overpaid: Decimal  # paid beyond what was earned; owed is then 0
    estimated: bool  # a part month was scaled, so the figure is an estimate


@dataclass(frozen=True)
class _Stretch:
    """The days of one calendar month that fall inside the period."""

    start: date
    end: date
    month_days: int

    @property
    def covered_days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def whole(self) -> bool:
        return self.covered_days == self.month_days


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _stretches(period: Period) -> list[_Stretch]:
    """The period cut at month boundaries."""
    assert period.end is not None
    stretches, day = [], period.start
    while day <= period.end:
        month_days = calendar.monthrange(day.year, day.month)[1]
        month_end = date(day.year, day.month, month_days)
        stretches.append(_Stretch(day, min(month_end, period.end), month_days))
        day = month_end + timedelta(days=1)
    return stretches


def _positive(value: Decimal | int | None, code: str) -> Decimal | None:
    if value is None:
        return None
    value = Decimal(value)
    if value <= 0:
        raise InputError(code)
    return value


def calculate_wages(
    *,
    daily_wage: Decimal | None = None,
    monthly_wage: Decimal | None = None,
    days_worked: Decimal | int | None = None,
    period: Period | None = None,
    days_per_month: int | None = None,
    paid: Decimal | None = None,
) -> WageCalculation:
    """What is owed, from the agreed wage and either days worked or a period (plus days a month for a daily wage)."""
    daily_wage = _positive(daily_wage, "wage_bad_rate")
    monthly_wage = _positive(monthly_wage, "wage_bad_rate")
    days = _positive(days_worked, "wage_bad_days")
    paid = Decimal(paid or 0)
    if paid < 0:
        raise InputError("wage_bad_paid")
    if daily_wage is None and monthly_wage is None:
        raise InputError("wage_missing_rate")
    if daily_wage is not None and monthly_wage is not None:
        raise InputError("wage_rate_conflict")
    if daily_wage is not None:
        steps = _daily_steps(daily_wage, days, period, days_per_month)
    else:
        steps = _monthly_steps(monthly_wage, period)
    earned = sum((step.subtotal for step in steps), Decimal(0))
    paid = _money(paid)
    return WageCalculation(
        steps=tuple(steps),
        total_earned=earned,
        paid=paid,
        owed=_money(max(earned - paid, Decimal(0))),
        overpaid=_money(max(paid - earned, Decimal(0))),
        estimated=any(step.kind in (DAILY_PART_MONTH, MONTHLY_PART_MONTH) for step in steps),
    )


def _daily_steps(rate: Decimal, days: Decimal | None, period: Period | None, days_per_month: int | None) -> list[Step]:
    if days is not None:
        # Days counted by the worker beat days estimated from the period.
        if period is not None and period.end is not None and days > (period.end - period.start).days + 1:
            raise InputError("wage_days_exceed_period")
        start, end = (period.start, period.end) if period else (None, None)
        return [Step(DAILY, rate, _money(days * rate), days=days, start=start, end=end)]
    if period is None or days_per_month is None:
        raise InputError("wage_missing_days")
    if period.end is None:
        raise InputError("wage_missing_end")
    if not 1 <= days_per_month <= 31:
        raise InputError("wage_bad_days_per_month")
    steps: list[Step] = []
    for stretch in _stretches(period):
        if stretch.whole:
            month_days = min(days_per_month, stretch.month_days)  # 30 days a month is 28 in February
            subtotal = _money(month_days * rate)
            steps.append(
                Step(DAILY_MONTHS, rate, subtotal, Decimal(month_days), 1, month_days, stretch.start, stretch.end)
            )
            continue
        scaled = Decimal(days_per_month * stretch.covered_days) / stretch.month_days
        part_days = min(scaled.quantize(Decimal(1), rounding=ROUND_HALF_UP), Decimal(stretch.covered_days))
        steps.append(
            Step(
                DAILY_PART_MONTH,
                rate,
                _money(part_days * rate),
                days=part_days,
                days_per_month=days_per_month,
                start=stretch.start,
                end=stretch.end,
                covered_days=stretch.covered_days,
                month_days=stretch.month_days,
            )
        )
    return _merge_whole_months(steps)


def _monthly_steps(rate: Decimal, period: Period | None) -> list[Step]:
    if period is None:
        raise InputError("wage_missing_period")
    if period.end is None:
        raise InputError("wage_missing_end")
    steps: list[Step] = []
    for stretch in _stretches(period):
        if stretch.whole:
            steps.append(Step(MONTHLY, rate, _money(rate), months=1, start=stretch.start, end=stretch.end))
            continue
        steps.append(
            Step(
                MONTHLY_PART_MONTH,
                rate,
                _money(rate * stretch.covered_days / stretch.month_days),
                start=stretch.start,
                end=stretch.end,
                covered_days=stretch.covered_days,
                month_days=stretch.month_days,
            )
        )
    return _merge_whole_months(steps)


def _same_terms(earlier: Step, later: Step) -> bool:
    """Both are whole months of one kind, with the same days a month."""
    whole = bool(earlier.months and later.months)
    return whole and (earlier.kind, earlier.days_per_month) == (later.kind, later.days_per_month)


def _merge_whole_months(steps: list[Step]) -> list[Step]:
    """Consecutive whole months on the same terms become one step: 6 个月 × 26 天 × 300 元."""
    merged: list[Step] = []
    for step in steps:
        if merged and _same_terms(merged[-1], step):
            last = merged[-1]
            merged[-1] = replace(
                last,
                months=last.months + step.months,
                end=step.end,
                subtotal=last.subtotal + step.subtotal,
                days=None if last.days is None else last.days + step.days,
            )
        else:
            merged.append(step)
    return merged
