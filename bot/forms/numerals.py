"""Read numbers written the way people type them: 23000, 2.3万, 两万三, 壹万贰仟, 1.5w."""

from __future__ import annotations

import re
from decimal import Decimal

DIGITS = {
    "零": 0, "〇": 0,
    "一": 1, "壹": 1,
    "二": 2, "两": 2, "贰": 2, "貳": 2,
    "三": 3, "叁": 3, "參": 3,
    "四": 4, "肆": 4,
    "五": 5, "伍": 5,
    "六": 6, "陆": 6, "陸": 6,
    "七": 7, "柒": 7,
    "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}  # fmt: skip
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000, "k": 1000}
BIG_UNITS = {"万": 10**4, "萬": 10**4, "w": 10**4, "亿": 10**8, "億": 10**8}

_TOKEN = re.compile(
    r"(?P<arabic>\d+(?:\.\d+)?)|(?P<digit>[%s])|(?P<small>[%s])|(?P<big>[%s])|(?P<space>\s+)"
    % ("".join(DIGITS), "".join(SMALL_UNITS), "".join(BIG_UNITS))
)


def _tokens(text: str) -> list[tuple[str, str]] | None:
    """(kind, text) pairs covering the whole text, or None if anything else is in it."""
    tokens, position = [], 0
    for match in _TOKEN.finditer(text):
        if match.start() != position:
            return None
        position = match.end()
        if match.lastgroup != "space":
            tokens.append((match.lastgroup, match.group()))
    return tokens if position == len(text) else None


def read_number(text: str) -> Decimal | None:
    """The value of a Chinese, Arabic or mixed numeral, or None when it is not one.

    Spoken shortcuts count: a lone digit after a unit is one place lower (两万三 = 23000,
    三千五 = 3500, 2万3 = 23000), unless 零 stands between them (两万零三 = 20003).
    """
    tokens = _tokens(text)
    if not tokens:
        return None
    total = section = Decimal(0)
    pending: Decimal | None = None
    pending_is_lone_digit = False
    small_unit: int | None = None
    big_unit: int | None = None
    after_zero = False
    finished = False  # a fraction has taken its unit (2.3万); nothing may follow
    for kind, word in tokens:
        if finished:
            return None
        if kind == "digit" and DIGITS[word] == 0:
            if pending is not None:
                return None
            after_zero = True
            continue
        if kind in ("arabic", "digit"):
            if pending is not None:
                return None  # two numbers in a row: 5000 6000, 二三
            pending = Decimal(word) if kind == "arabic" else Decimal(DIGITS[word])
            pending_is_lone_digit = len(word) == 1
            continue
        unit = SMALL_UNITS.get(word) or BIG_UNITS[word]
        if pending is None:
            if kind == "big" and section > 0:
                pending = Decimal(0)  # 二十万: the number is already in the section
            elif unit == 10:
                pending = Decimal(1)  # 十五, 十万
            else:
                return None  # a unit with no number before it: 万, 一千百
        fractional = pending != pending.to_integral_value()
        if kind == "small":
            if small_unit is not None and unit >= small_unit:
                return None
            section += pending * unit
            small_unit = unit
        else:
            if big_unit is not None and unit >= big_unit:
                return None
            total += (section + pending) * unit
            section, small_unit, big_unit = Decimal(0), None, unit
        finished = fractional
        pending, after_zero = None, False
    if pending is not None:
        place = small_unit if small_unit is not None else big_unit if section == 0 else None
        if pending_is_lone_digit and not after_zero and place is not None:
            pending *= Decimal(place) / 10
        section += pending
    return total + section


def read_small_integer(word: str) -> int | None:
    """1-99 written in Chinese (三, 十二, 二十三) or a digit-by-digit year (二〇二六)."""
    if word.isdigit():
        return int(word)
    if "十" not in word and all(ch in DIGITS for ch in word):
        return int("".join(str(DIGITS[ch]) for ch in word))
    value = read_number(word)
    return int(value) if value is not None and value == value.to_integral_value() else None
