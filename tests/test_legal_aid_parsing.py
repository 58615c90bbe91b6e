"""Applicants' names, mobile numbers, amounts and work periods are read as they type them, or refused with a reason."""

from datetime import date
from decimal import Decimal

import pytest

from bot.forms.numerals import read_number
from bot.forms.parsing import (
    ERROR_CODES,
    Amount,
    InputError,
    Period,
    mask_phone,
    parse_amount,
    parse_name,
    parse_period,
    parse_phone,
)

TODAY = date(2026, 11, 27)


def error_code(parse, text) -> str:
    with pytest.raises(InputError) as caught:
        parse(text)
    assert caught.value.code in ERROR_CODES
    return caught.value.code


# --- amounts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, yuan",
    [
        ("23000", "23000"),
        ("两万三", "23000"),
        ("2.3万", "23000"),
        ("2万3千", "23000"),
        ("2万3", "23000"),
        ("两万三千五", "23500"),
        ("一万二", "12000"),
        ("3千", "3000"),
        ("三千五", "3500"),
        ("两百五", "250"),
        ("五千块", "5000"),
        ("8000元", "8000"),
        ("8000块钱", "8000"),
        ("1.5w", "15000"),
        ("1.5W", "15000"),
        ("8k", "8000"),
        ("十万", "100000"),
        ("十五万", "150000"),
        ("二十三万", "230000"),
        ("壹万贰仟", "12000"),
        ("叁仟伍佰元整", "3500"),
        ("23,000", "23000"),
        ("23，000", "23000"),
        ("1,234,567.5", "1234567.50"),
        ("２３０００", "23000"),
        ("￥8,000.50", "8000.50"),
        ("人民币 8000 元", "8000"),
        ("两万零三", "20003"),
        ("一千零五十", "1050"),
        ("一万二千三百四十五", "12345"),
        ("1万2000", "12000"),
        ("0.5万", "5000"),
        ("一亿", "100000000"),
    ],
)
def test_amount_is_read_as_residents_type_it(typed, yuan):
    assert parse_amount(typed) == Amount(Decimal(yuan), approximate=False)


@pytest.mark.parametrize(
    "typed, yuan",
    [("两万多", "20000"), ("两万多块钱", "20000"), ("5000左右", "5000"), ("大概三千", "3000"), ("约5000元", "5000"),
     ("十多万", "100000"), ("两万来块", "20000"), ("八千出头", "8000")],
)
def test_rough_amount_is_kept_and_marked_approximate(typed, yuan):
    assert parse_amount(typed) == Amount(Decimal(yuan), approximate=True)


@pytest.mark.parametrize(
    "typed, code",
    [
        ("", "amount_empty"),
        ("   ", "amount_empty"),
        ("abc", "amount_unreadable"),
        ("工资", "amount_unreadable"),
        ("万", "amount_unreadable"),
        ("多", "amount_unreadable"),
        ("一万万", "amount_unreadable"),
        ("5000 6000", "amount_unreadable"),
        ("1e5", "amount_unreadable"),
        ("12.345", "amount_unreadable"),
        ("2,30,00", "amount_unreadable"),
        ("1.5万5千", "amount_unreadable"),
        ("几千", "amount_vague"),
        ("好几万", "amount_vague"),
        ("十几万", "amount_vague"),
        ("5000-6000", "amount_range"),
        ("五千到六千", "amount_range"),
        ("五六千", "amount_range"),
        ("两三万", "amount_range"),
        ("0", "amount_not_positive"),
        ("零", "amount_not_positive"),
        ("-500", "amount_not_positive"),
        ("负五百", "amount_not_positive"),
        ("100000000.01", "amount_too_large"),
        ("20亿", "amount_too_large"),
    ],
)
def test_unusable_amount_is_refused_with_its_reason(typed, code):
    assert error_code(parse_amount, typed) == code


def test_lone_digit_after_a_unit_is_one_place_lower_unless_zero_intervenes():
    assert [read_number(t) for t in ("三百五", "三百零五", "十五", "一亿三")] == [350, 305, 15, 130_000_000]


# --- mobile numbers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["13812345678", "138 1234 5678", "138-1234-5678", "+86 138 1234 5678", "+8613812345678", "0086 13812345678",
     "86 13812345678", "(+86) 138-1234-5678", "１３８１２３４５６７８", " 13812345678 "],
)
def test_mainland_mobile_number_is_normalised_to_eleven_digits(typed):
    assert parse_phone(typed) == "13812345678"


@pytest.mark.parametrize(
    "typed, code",
    [
        ("", "phone_length"),
        ("1381234567", "phone_length"),
        ("138123456789", "phone_length"),
        ("+1 415 555 0100", "phone_prefix"),
        ("138abc45678", "phone_not_digits"),
        ("138.1234.5678", "phone_not_digits"),
        ("12812345678", "phone_prefix"),
        ("23812345678", "phone_prefix"),
        ("010-12345678", "phone_prefix"),
    ],
)
def test_bad_mobile_number_is_refused_with_its_reason(typed, code):
    assert error_code(parse_phone, typed) == code


@pytest.mark.parametrize(
    "phone, masked",
    [("13812345678", "138****5678"), ("+86 138-1234-5678", "138****5678"), ("12345", "*****"),
     ("010-12345678", "***********"), ("", "")],
)
def test_masked_phone_shows_only_the_ends_and_never_a_malformed_number(phone, masked):
    assert mask_phone(phone) == masked


# --- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, name",
    [("张三", "张三"), (" 张建国 ", "张建国"), ("阿卜杜·热合曼", "阿卜杜·热合曼"), ("阿卜杜・热合曼", "阿卜杜·热合曼"),
     ("Li  Ming", "Li Ming"), ("欧阳" + "娜" * 18, "欧阳" + "娜" * 18)],
)
def test_name_is_accepted_and_tidied(typed, name):
    assert parse_name(typed) == name


@pytest.mark.parametrize(
    "typed, code",
    [("张", "name_length"), ("", "name_length"), ("张" * 21, "name_length"), ("张三3", "name_digits"),
     ("张三１", "name_digits"), ("138张三", "name_digits"), ("张三!", "name_symbols"), ("张三😀", "name_symbols"),
     ("··", "name_symbols")],
)
def test_bad_name_is_refused_with_its_reason(typed, code):
    assert error_code(parse_name, typed) == code


# --- work periods ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, period",
    [
        ("2026年3月到8月", Period(date(2026, 3, 1), date(2026, 8, 31), False, False)),
        ("3月1号到6月30号", Period(date(2026, 3, 1), date(2026, 6, 30), True, True)),
        ("今年三月份开始干的", Period(date(2026, 3, 1), None, False, False)),
        ("从5月10日起", Period(date(2026, 5, 10), None, True, False)),
        ("三月到六月", Period(date(2026, 3, 1), date(2026, 6, 30), False, False)),
        ("二〇二六年三月至八月", Period(date(2026, 3, 1), date(2026, 8, 31), False, False)),
        ("去年10月到今年2月", Period(date(2025, 10, 1), date(2026, 2, 28), False, False)),
        ("2025.10-2026.2", Period(date(2025, 10, 1), date(2026, 2, 28), False, False)),
        ("2026-03-01至2026-06-15", Period(date(2026, 3, 1), date(2026, 6, 15), True, True)),
        ("11月到2月", Period(date(2025, 11, 1), date(2026, 2, 28), False, False)),
        ("2025年11月到2月", Period(date(2025, 11, 1), date(2026, 2, 28), False, False)),
        ("从3月干到现在", Period(date(2026, 3, 1), TODAY, False, True)),
        ("8月", Period(date(2026, 8, 1), date(2026, 8, 31), False, False)),
    ],
)
def test_work_period_is_read_from_everyday_phrasing(typed, period):
    assert parse_period(typed, TODAY) == period


@pytest.mark.parametrize(
    "typed",
    ["", "干了3个月", "好久了", "3月1号", "3月到12月", "2月30号到3月", "3月15号到3月10号", "2027年1月到3月",
     "3月 6月 9月", "3月和6月"],
)
def test_unclear_or_impossible_period_gives_none(typed):
    assert parse_period(typed, TODAY) is None


def test_date_without_a_year_is_the_latest_one_not_in_the_future():
    assert parse_period("3月到8月", date(2026, 2, 10)) == Period(date(2025, 3, 1), date(2025, 8, 31), False, False)
