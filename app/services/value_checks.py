"""Bounds every stored value keeps: clean text within its length, dates, years and numbers in range (stdlib only)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal

from app.services.validation import InvalidValue

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2100, 12, 31)
MAX_TEXT_LENGTH = 10_000  # a Text column (notes, reasons, minutes): pages stay readable
MIN_GRADE, MAX_GRADE = 1, 6
LINE_BREAKS = "\t\n\r"
_SCHOOL_YEAR_RE = re.compile(r"([0-9]{4})-([0-9]{4})")


# invisible characters that hide or reorder text: zero-width spaces and marks, bidi overrides, the BOM
_INVISIBLE = frozenset("\u200b\u200c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                       "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff")


def _is_control(ch: str) -> bool:
    """Control characters, lone surrogates, line/paragraph separators and invisible reordering marks."""
    return unicodedata.category(ch) in ("Cc", "Cs") or ch in "\u2028\u2029" or ch in _INVISIBLE


def clean_text(raw: str, field: str, *, max_length: int, multiline: bool = False) -> str:
    """Strip the text; refuse control characters (tab and line breaks inside multi-line text only) and overlong text.

    Line ends of multi-line text become "\\n". Codes: text.control, text.too_long (params max).
    """
    if any(_is_control(ch) and ch not in LINE_BREAKS for ch in raw):
        raise InvalidValue("text.control", field)
    text = raw.strip()
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    elif any(ch in LINE_BREAKS for ch in text):
        raise InvalidValue("text.control", field)
    if len(text) > max_length:
        raise InvalidValue("text.too_long", field, max=max_length)
    return text


def check_date(value: date, field: str, *, earliest: date = EARLIEST_DATE, latest: date = LATEST_DATE) -> date:
    """A date (or the day of a date-time) between `earliest` and `latest`. Code: date.range."""
    day = value.date() if isinstance(value, datetime) else value
    if not earliest <= day <= latest:
        raise InvalidValue("date.range", field, earliest=earliest.isoformat(), latest=latest.isoformat())
    return value


def check_birth_date(value: date, field: str, *, today: date) -> date:
    """A birth date from 1900-01-01 to today. Codes: date.future, date.range."""
    if value > today:
        raise InvalidValue("date.future", field)
    return check_date(value, field)


def check_int(value: int, field: str, *, low: int, high: int) -> int:
    """A whole number from `low` to `high`. Code: number.range (params min, max)."""
    if not low <= value <= high:
        raise InvalidValue("number.range", field, min=low, max=high)
    return value


def int_bounds(bits: int) -> tuple[int, int]:
    """The range of a signed integer of `bits` bits (16, 32 or 64)."""
    return -(2 ** (bits - 1)), 2 ** (bits - 1) - 1


def check_grade(value: int, field: str = "grade") -> int:
    """A primary-school grade, 1 to 6. Code: number.range."""
    return check_int(value, field, low=MIN_GRADE, high=MAX_GRADE)


def check_year(value: int, field: str, *, latest: int = LATEST_DATE.year) -> int:
    """A calendar year from 1900 to `latest` (a birth year: this year). Code: number.range."""
    return check_int(value, field, low=EARLIEST_DATE.year, high=latest)


def check_digits(value: Decimal, field: str, *, precision: int, scale: int) -> Decimal:
    """A number that fits Numeric(precision, scale): fewer than precision − scale digits before the point."""
    if value.is_finite() and abs(value) >= Decimal(10) ** (precision - scale):
        raise InvalidValue("number.too_large", field)
    return value


def check_school_year_name(raw: str, field: str = "name") -> str:
    """A school year named by two consecutive years in range, such as 2026-2027. Code: school_year.format."""
    match = _SCHOOL_YEAR_RE.fullmatch(raw.strip())
    if match is None:
        raise InvalidValue("school_year.format", field)
    first, second = int(match[1]), int(match[2])
    if second != first + 1 or not EARLIEST_DATE.year <= first < LATEST_DATE.year:
        raise InvalidValue("school_year.format", field)
    return match[0]
