"""Mainland China phone numbers, for every feature: a mobile (1[3-9] and nine digits) or a landline with its area code."""

from __future__ import annotations

import re
import unicodedata

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0[1-9]\d{1,2}\d{7,8}$")
_SEPARATORS = re.compile(r"[\s\-–—()（）]")


def normalise_phone(text: str) -> str | None:
    """The number as digits (a landline as area code, dash, number), or None when it is no mainland number."""
    digits = _SEPARATORS.sub("", unicodedata.normalize("NFKC", text))
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix):]
    if _MOBILE.match(digits):
        return digits
    if _LANDLINE.match(digits):
        # Beijing, Tianjin, Shanghai, Chongqing and the 02x cities have two-digit area codes after the 0.
        area = 3 if digits[1] in "12" else 4
        return f"{digits[:area]}-{digits[area:]}"
    return None


def mask(phone: str) -> str:
    """Hide the middle digits, as staff lists show a number before someone takes the case."""
    digits = phone.replace("-", "")
    return digits[:3] + "*" * max(len(digits) - 7, 0) + digits[-4:]
