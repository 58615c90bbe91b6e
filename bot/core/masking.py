"""The one place personal data is masked: phones, ID numbers, bank cards and street addresses in free text, and logs.

Whatever is shown to someone other than its owner (a staff group before a claim, a log line) goes through `mask_text`.
"""

from __future__ import annotations

import logging
import re

from bot.core.phones import mask as mask_phone

MASK = "*"
HIDDEN_ADDRESS = "＊＊＊"

# Order matters: the longest, most specific shapes first, so an ID number is never half taken for a phone.
_NUMBER = re.compile(
    r"""
    (?<!\d)
    (?:
        (?P<id>\d{17}[\dXx])                                   # resident ID card (居民身份证), 18 characters
      | (?P<card>\d{4}(?:[ \-]?\d{4}){3}(?:[ \-]?\d{1,3})?      # bank card, 16-19 digits, grouped or not
           |\d{15,19})                                          # (15: a first-generation ID number too)
      | (?P<mobile>(?:\+?86[ \-]?)?1[3-9]\d(?:[ \-]?\d{4}){2}) # mainland mobile, 138-1234-5678 too
      | (?P<landline>0\d{2,3}[ \-]?\d{7,8})                    # landline with its area code
      | (?P<digits>\d{7,})                                     # any other long number (an account, a case number)
    )
    (?!\d)
    """,
    re.VERBOSE,
)

# A street or estate name (never the district, town or city before it), then house, building, unit and room numbers.
_PLACE = r"(?:(?![省市区县镇乡])[\u4e00-\u9fff]){1,6}?(?:路|街|大街|巷|胡同|大道|小区|花园|家园|公寓|大厦|村|里|苑|园)"
_UNIT = r"\d+\s*(?:号院|号楼|号|栋|幢|弄|单元|层|楼|室)"
_ADDRESS = re.compile(rf"(?:{_PLACE}\s*{_UNIT}|{_UNIT}\s*{_UNIT})(?:\s*(?:{_UNIT}|-?\d+))*")


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def mask_number(match: re.Match[str], long_numbers: bool = True) -> str:
    """A phone keeps its first three and last four digits (138****5678); anything else only its last four.
    Without `long_numbers`, other long numbers (update and chat ids in a log) are kept as they are."""
    if match.group("digits") and not long_numbers:
        return match.group()
    if match.group("mobile") or match.group("landline"):
        digits = _digits(match.group())
        return mask_phone(digits[-11:] if match.group("mobile") else digits)
    characters = re.sub(r"[ \-]", "", match.group())
    return MASK * (len(characters) - 4) + characters[-4:]


def mask_text(text: str, long_numbers: bool = True) -> str:
    """The text with every phone, ID number, bank card and street address hidden; everything else kept.

    `long_numbers=False` (for logs) keeps other numbers of seven digits or more, such as update and chat ids."""
    if not text:
        return text
    return _NUMBER.sub(lambda match: mask_number(match, long_numbers), _ADDRESS.sub(HIDDEN_ADDRESS, text))


def mask_lines(lines: list[str]) -> list[str]:
    return [mask_text(line) for line in lines]


def mask_name(name: str) -> str:
    """A person's name as its first character (the surname, mostly) and one mark per other character: 张**."""
    name = name.strip()
    return name[:1] + MASK * (len(name) - 1) if name else name


# PostgreSQL's error details quote the row or key that failed ("Failing row contains (…)", "Key (…)=(…)"): values
# that hide_parameters cannot reach, so a logged database error keeps its first line and loses the detail.
_DATABASE_DETAIL = re.compile(r"^(\s*DETAIL:).*$", re.MULTILINE)


def hide_database_details(text: str) -> str:
    return _DATABASE_DETAIL.sub(r"\1 (hidden: may quote row values)", text)


def mask_for_log(text: str) -> str:
    """Phones, ID numbers, bank cards, addresses and database row quotes hidden; ids kept for whoever reads the log."""
    return mask_text(hide_database_details(text), long_numbers=False)


class MaskingFilter(logging.Filter):
    """Mask personal data in every log record before any handler writes it: message, arguments and traceback."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "masked", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must not hide the record
            message = str(record.msg)
        record.msg, record.args = mask_for_log(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_for_log(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_for_log(record.stack_info)
        record.masked = True
        return True


def install_log_masking(logger: logging.Logger | None = None) -> MaskingFilter:
    """Put one masking filter on every handler of the root logger (once), so no handler writes personal data."""
    root = logger or logging.getLogger()
    existing = next((f for h in root.handlers for f in h.filters if isinstance(f, MaskingFilter)), None)
    masking = existing or MaskingFilter()
    for handler in root.handlers:
        if masking not in handler.filters:
            handler.addFilter(masking)
    return masking
