"""Masking, property-tested: phones, ID numbers and bank cards inside Chinese sentences never survive masking."""

from __future__ import annotations

import logging
import re
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.masking import MaskingFilter, mask_text

# Chinese text that cannot itself form a number or an address unit, so what survives masking is exactly known.
_UNITS = set("号院楼栋幢弄单元层室")
CHINESE = st.text(
    alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5).filter(lambda ch: ch not in _UNITS)
    | st.sampled_from("，。：！？ 、"),
    min_size=1,
    max_size=12,
)
_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_check_digit(first17: str) -> str:
    """GB 11643: the ISO 7064 MOD 11-2 check character."""
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS)) % 11]


def luhn_complete(partial: str) -> str:
    total = 0
    for index, digit in enumerate(reversed(partial)):
        value = int(digit) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return partial + str((10 - total % 10) % 10)


def grouped(digits: str, sizes: list[int], separator: str) -> str:
    parts, start = [], 0
    for size in sizes:
        parts.append(digits[start:start + size])
        start += size
    if start < len(digits):
        parts.append(digits[start:])
    return separator.join(p for p in parts if p)


@st.composite
def mobiles(draw) -> tuple[str, str]:
    """(as typed, digits a masked copy may show: the first three and the last four)."""
    digits = "1" + draw(st.sampled_from("3456789")) + draw(st.text("0123456789", min_size=9, max_size=9))
    separator = draw(st.sampled_from(["", " ", "-"]))
    typed = grouped(digits, [3, 4, 4], separator)
    if draw(st.booleans()):
        typed = draw(st.sampled_from(["+86", "+86 ", "86-"])) + typed
    return typed, digits[:3] + digits[-4:]


@st.composite
def id_numbers(draw, ending_in_x: bool = False) -> tuple[str, str]:
    area = draw(st.integers(110000, 659999))
    born = draw(st.dates(date(1930, 1, 1), date(2012, 12, 31)))
    sequence = draw(st.integers(0, 999))
    first17 = f"{area}{born:%Y%m%d}{sequence:03d}"
    number = first17 + id_check_digit(first17)
    if ending_in_x:
        number = first17[:-3] + draw(st.sampled_from(_sequences_ending_in_x(first17[:-3]))) + "X"
    if number.endswith("X") and draw(st.booleans()):
        number = number[:-1] + "x"
    return number, _digits(number[-4:])


def _sequences_ending_in_x(first14: str) -> list[str]:
    return [f"{s:03d}" for s in range(1000) if id_check_digit(first14 + f"{s:03d}") == "X"]


@st.composite
def bank_cards(draw) -> tuple[str, str]:
    length = draw(st.integers(16, 19))
    prefix = draw(st.sampled_from(["62", "4", "51", "52", "53", "54", "55"]))
    body = prefix + draw(st.text("0123456789", min_size=length - 1 - len(prefix), max_size=length - 1 - len(prefix)))
    digits = luhn_complete(body)
    typed = grouped(digits, [4, 4, 4, 4], draw(st.sampled_from(["", " ", "-"])))
    return typed, digits[-4:]


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


NUMBERS = mobiles() | id_numbers() | id_numbers(ending_in_x=True) | bank_cards()


@settings(max_examples=300, deadline=None)
@given(before=CHINESE, number=NUMBERS, after=CHINESE)
def test_a_number_in_a_chinese_sentence_is_masked_to_its_allowed_digits(before, number, after):
    typed, visible = number
    masked = mask_text(f"{before}{typed}{after}")
    assert _digits(masked) == visible
    assert typed not in masked
    assert masked.startswith(before) and masked.endswith(after)


@settings(max_examples=150, deadline=None)
@given(parts=st.lists(st.tuples(CHINESE, NUMBERS), min_size=2, max_size=5), tail=CHINESE)
def test_several_numbers_in_one_message_are_each_masked(parts, tail):
    text = "".join(words + typed for words, (typed, _) in parts) + tail
    assert _digits(mask_text(text)) == "".join(visible for _, (_, visible) in parts)


@settings(max_examples=100, deadline=None)
@given(number=id_numbers(ending_in_x=True))
def test_an_id_number_ending_in_x_keeps_only_its_last_four(number):
    typed, _ = number
    masked = mask_text(f"身份证号{typed}。")
    assert masked == "身份证号" + "*" * 14 + typed[-4:] + "。"


@settings(max_examples=100, deadline=None)
@given(text=st.text(st.characters(blacklist_categories=("Nd",)), max_size=80))
def test_text_without_digits_is_never_changed(text):
    assert mask_text(text) == text


def test_a_street_address_is_hidden_but_the_town_kept():
    masked = mask_text("我住通州区梨园镇云景东路12号院3号楼2单元501室，房东不退押金")
    assert masked.startswith("我住通州区梨园镇") and "云景东路" not in masked and "501" not in masked
    assert masked.endswith("房东不退押金")


def test_amounts_and_dates_are_kept_for_staff():
    text = "11月12号发工资，欠我23000元，2026-11-26开庭"
    assert mask_text(text) == text


@settings(max_examples=100, deadline=None)
@given(before=CHINESE, number=NUMBERS)
def test_the_log_filter_masks_arguments_and_tracebacks(before, number):
    typed, _ = number
    try:
        raise ValueError(f"bad value {typed}")
    except ValueError as error:
        record = logging.LogRecord("t", logging.ERROR, __file__, 1, "saw %s in %s", (before + typed, "x"),
                                   (type(error), error, error.__traceback__))
    MaskingFilter().filter(record)
    written = logging.Formatter().format(record)
    assert typed not in written and _digits(typed) not in written


def test_the_log_filter_keeps_update_and_chat_ids():
    record = logging.LogRecord("t", logging.INFO, __file__, 1, "update %s from chat %s: phone %s", (
        100000061, -1001234567890, "13812345678"), None)
    MaskingFilter().filter(record)
    assert record.getMessage() == "update 100000061 from chat -1001234567890: phone 138****5678"
