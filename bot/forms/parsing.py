"""Check and normalise what an applicant types: names, mobile numbers, amounts and work periods."""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bot.core.phones import mask
from bot.forms.numerals import DIGITS, read_number, read_small_integer

# Each code has a re-ask text with an example, aid_error_<code>, in menus/texts.yml.
ERROR_CODES = (
    "name_length",
    "name_digits",
    "name_symbols",
    "phone_not_digits",
    "phone_length",
    "phone_prefix",
    "amount_empty",
    "amount_unreadable",
    "amount_vague",
    "amount_range",
    "amount_not_positive",
    "amount_too_large",
)

MAX_AMOUNT = Decimal(10) ** 8  # beyond any one worker's claim: almost certainly a typo
NAME_MIN, NAME_MAX = 2, 20
NAME_PUNCTUATION = "·-'. "


class InputError(ValueError):
    """Input that cannot be used; `code` (one of ERROR_CODES) says why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _normalise(text: str) -> str:
    """Full-width digits, letters and punctuation become their ASCII forms."""
    return unicodedata.normalize("NFKC", text or "").strip()


# --- names -----------------------------------------------------------------------------------


def parse_name(text: str) -> str:
    """A person's name: 2-20 letters, with · for names such as 阿卜杜·热合曼; no digits."""
    name = re.sub(r"\s+", " ", _normalise(text).replace("・", "·").replace("•", "·"))
    if any(ch.isdigit() for ch in name):
        raise InputError("name_digits")
    if not NAME_MIN <= len(name) <= NAME_MAX:
        raise InputError("name_length")
    if not any(ch.isalpha() for ch in name) or any(not ch.isalpha() and ch not in NAME_PUNCTUATION for ch in name):
        raise InputError("name_symbols")
    return name


# --- mobile numbers --------------------------------------------------------------------------

_PHONE_SEPARATORS = re.compile(r"[\s\-()]")
_MAINLAND_MOBILE = re.compile(r"1[3-9]\d{9}")


def parse_phone(text: str) -> str:
    """A mainland mobile number as 11 digits, from forms like +86 138-1234-5678 or 0086 13812345678."""
    number = _PHONE_SEPARATORS.sub("", _normalise(text))
    for prefix in ("+86", "0086"):
        number = number.removeprefix(prefix)
    if len(number) == 13 and number.startswith("86"):
        number = number[2:]
    if number.startswith("+"):
        raise InputError("phone_prefix")  # another country's number
    if number and not (number.isascii() and number.isdigit()):
        raise InputError("phone_not_digits")
    if len(number) != 11:
        raise InputError("phone_length")
    if not _MAINLAND_MOBILE.fullmatch(number):
        raise InputError("phone_prefix")
    return number


def mask_phone(phone: str) -> str:
    """138****5678: enough for the applicant to recognise, too little to call; anything else is all stars."""
    try:
        number = parse_phone(phone)
    except InputError:
        return "*" * len(re.sub(r"\D", "", phone or ""))
    return mask(number)


# --- amounts ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Amount:
    """A sum of money in yuan; `approximate` when the applicant said 多, 左右, 大概 ..."""

    yuan: Decimal
    approximate: bool = False


_PREFIXES = ("人民币", "rmb", "¥", "一共", "总共", "合计", "共计", "共")
_APPROXIMATE_PREFIXES = ("大约", "大概", "差不多", "将近", "接近", "约")
_SUFFIXES = ("元整", "块钱", "人民币", "rmb", "yuan", "元", "块", "圆")
_APPROXIMATE_SUFFIXES = ("左右", "上下", "出头", "多", "余", "来")
_UNITS = "十拾百佰千仟万萬亿億kw"
_APPROXIMATE_INSIDE = re.compile(rf"(?<=[{_UNITS}])[多余来](?=[{_UNITS}])")  # 十多万
_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_RANGE = re.compile(r".[-~到至]|[一二两三四五六七八九壹贰叁肆伍陆柒捌玖]{2}")  # 5000-6000, 五六千


def _strip_decorations(text: str) -> tuple[str, bool]:
    """The bare numeral, and whether words such as 多 or 大概 made it approximate."""
    approximate = False
    changed = True
    while changed:
        changed = False
        for words, approx in ((_PREFIXES, False), (_APPROXIMATE_PREFIXES, True)):
            for word in words:
                if text.startswith(word):
                    text, changed, approximate = text[len(word) :].strip(), True, approximate or approx
        for words, approx in ((_SUFFIXES, False), (_APPROXIMATE_SUFFIXES, True)):
            for word in words:
                if text.endswith(word) and len(text) > len(word):
                    text, changed, approximate = text[: -len(word)].strip(), True, approximate or approx
    text, inside = _APPROXIMATE_INSIDE.subn("", text)
    return text, approximate or inside > 0


def yuan(amount: Decimal) -> str:
    """23,000 or 8,000.50."""
    text = f"{amount:,.2f}"
    return text.removesuffix(".00")


def parse_amount(text: str) -> Amount:
    """Yuan from 两万三, 2.3万, 23,000, 1.5w, 壹万贰仟, 两万多 (approximate) and the like."""
    raw = _normalise(text).lower()
    if not raw:
        raise InputError("amount_empty")
    if raw.startswith(("-", "负")):
        raise InputError("amount_not_positive")
    numeral, approximate = _strip_decorations(raw)
    if "几" in numeral:
        raise InputError("amount_vague")
    if _THOUSANDS.fullmatch(numeral):
        numeral = numeral.replace(",", "")
    if _RANGE.search(numeral):
        raise InputError("amount_range")
    value = read_number(numeral)
    if value is None or value != value.quantize(Decimal("0.01")):
        raise InputError("amount_unreadable")
    if value <= 0:
        raise InputError("amount_not_positive")
    if value > MAX_AMOUNT:
        raise InputError("amount_too_large")
    exponent = Decimal(1) if value == value.to_integral_value() else Decimal("0.01")
    return Amount(value.quantize(exponent), approximate)


# --- work periods ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """When someone worked. Month-only dates span whole months; `end` is None while unknown."""

    start: date
    end: date | None
    start_exact: bool = True
    end_exact: bool = True


_CHINESE_DATE_NUMBER = re.compile(r"[%s十]+(?=\s*(?:年|月|日|号))" % "".join(DIGITS))
_POINT = re.compile(
    r"(?P<y>\d{4})\s*[./-]\s*(?P<m>\d{1,2})(?:\s*[./-]\s*(?P<d>\d{1,2})(?!\d))?"
    r"|(?:(?P<y2>\d{4})\s*年\s*)?(?P<m2>\d{1,2})\s*月份?(?:\s*(?P<d2>\d{1,2})\s*[日号])?"
)
_CONNECTOR = re.compile(r"\s*(?:到|至|-|~|—|–|一直到|干到|做到)\s*")
_STARTED = re.compile(r"开始|起|以来|进场|来的")
_UNTIL_NOW = re.compile(r"至今|现在|今天|目前|如今")


@dataclass(frozen=True)
class _Point:
    year: int | None
    month: int
    day: int | None


def _relative_years(text: str, today: date) -> str:
    for word, offset in (("前年", -2), ("去年", -1), ("今年", 0)):
        text = text.replace(word, f"{today.year + offset}年")
    return text


def _arabic_dates(text: str) -> str | None:
    """三月 → 3月, 二〇二六年 → 2026年; None if a date number is not a number."""
    failed = False

    def replace(match: re.Match[str]) -> str:
        nonlocal failed
        value = read_small_integer(match.group())
        failed = failed or value is None
        return str(value)

    text = _CHINESE_DATE_NUMBER.sub(replace, text)
    return None if failed else text


def _points(text: str) -> list[tuple[_Point, int, int]]:
    found = []
    for match in _POINT.finditer(text):
        year, month, day = (match.group(a) or match.group(b) for a, b in (("y", "y2"), ("m", "m2"), ("d", "d2")))
        found.append((_Point(int(year) if year else None, int(month), int(day) if day else None), *match.span()))
    return found


def _first_day(point: _Point, year: int) -> date:
    return date(year, point.month, point.day or 1)


def _last_day(point: _Point, year: int) -> date:
    return date(year, point.month, point.day or calendar.monthrange(year, point.month)[1])


def parse_period(text: str, today: date) -> Period | None:
    """A work period from 2026年3月到8月, 3月1号到6月30号, 今年三月份开始干的; None when unsure."""
    normalised = _arabic_dates(_relative_years(_normalise(text), today))
    if normalised is None:
        return None
    points = _points(normalised)
    try:
        if len(points) == 2:
            (first, _, first_end), (second, second_start, _) = points
            if not _CONNECTOR.fullmatch(normalised[first_end:second_start]):
                return None
            return _two_points(first, second, today)
        if len(points) == 1:
            point, _, point_end = points[0]
            return _one_point(point, normalised[point_end:], today)
    except ValueError:  # 2月30号, 13月
        return None
    return None


def _start_year(point: _Point, today: date) -> int:
    """The stated year, or the latest year in which the date is not in the future."""
    if point.year is not None:
        return point.year
    return today.year if _first_day(point, today.year) <= today else today.year - 1


def _two_points(first: _Point, second: _Point, today: date) -> Period | None:
    start_year = _start_year(first, today)
    wraps = second.year is None and second.month < first.month  # 11月到2月 crosses New Year
    if wraps and first.year is None and _first_day(second, start_year + 1) > today:
        start_year -= 1  # 11月到2月, said in November: the winter just past
    start = _first_day(first, start_year)
    end_year = second.year if second.year is not None else start_year + wraps
    end = _last_day(second, end_year)
    if end < start or start > today or _first_day(second, end_year) > today:
        return None
    return Period(start, end, first.day is not None, second.day is not None)


def _one_point(point: _Point, rest: str, today: date) -> Period | None:
    start = _first_day(point, _start_year(point, today))
    if start > today:
        return None
    if _UNTIL_NOW.search(rest):
        return Period(start, today, point.day is not None, True)
    if _STARTED.search(rest):
        return Period(start, None, point.day is not None, False)
    if point.day is None and not rest.strip(" ，,。的"):
        return Period(start, _last_day(point, start.year), False, False)  # just "8月": that whole month
    return None
