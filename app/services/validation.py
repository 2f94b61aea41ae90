"""Validation of ID numbers, student numbers, phone numbers and money amounts (stdlib only)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Context, Decimal

__all__ = [
    "ID_CHECK_CHARS",
    "ID_WEIGHTS",
    "MAX_PUPIL_AGE",
    "MIN_PUPIL_AGE",
    "MONEY_MAX_INTEGER_DIGITS",
    "IdInfo",
    "InvalidValue",
    "age_on",
    "check_birth_date_matches_id",
    "check_sex_matches_id",
    "id_facts",
    "id_check_char",
    "make_id_number",
    "normalize_id_number",
    "normalize_phone",
    "normalize_student_no",
    "parse_id_number",
    "parse_money",
]

# GB 11643-1999: weight of each of the first 17 digits, and the check
# character indexed by (weighted sum mod 11).
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"

MIN_PUPIL_AGE = 5
MAX_PUPIL_AGE = 15

# Numeric(14, 2): at most 12 digits before the decimal point.
MONEY_MAX_INTEGER_DIGITS = 12

_ID_RE = re.compile(r"[0-9]{17}[0-9X]")
_DIGITS17_RE = re.compile(r"[0-9]{17}")
_L_FORM_RE = re.compile(r"L[0-9]{18}")
_MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")
_FIXED_LINE_RE = re.compile(r"0[0-9]{2,3}-[0-9]{7,8}(?:-[0-9]{1,6})?")
_MONEY_RE = re.compile(r"[+-]?(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)(?:\.[0-9]+)?")
_CENT = Decimal("0.01")
_MONEY_LIMIT = Decimal(10) ** MONEY_MAX_INTEGER_DIGITS
_MONEY_CONTEXT = Context(prec=MONEY_MAX_INTEGER_DIGITS + 16)


class InvalidValue(ValueError):
    """A value refused by a rule.

    `code` is a stable reason code, `field` the field name, `params` extra data for the message.
    """

    def __init__(self, code: str, field: str = "", **params: object) -> None:
        """Keep the reason code, the field name and the message parameters."""
        super().__init__(code)
        self.code = code
        self.field = field
        self.params = params

    def __str__(self) -> str:
        """Render as 'field: code (k=v, ...)' for logs and test output."""
        text = f"{self.field}: {self.code}" if self.field else self.code
        if self.params:
            extras = ", ".join(f"{k}={v!r}" for k, v in sorted(self.params.items()))
            text = f"{text} ({extras})"
        return text

    def __repr__(self) -> str:
        """Show the code, field and params."""
        return (
            f"InvalidValue({self.code!r}, field={self.field!r}, params={self.params!r})"
        )


@dataclass(frozen=True)
class IdInfo:
    """What an 18-character resident ID number encodes."""

    address_code: str
    birth_date: date
    sex: str  # "M" or "F"
    sequence: int  # 0..999, the three digits after the birth date


def _has_fullwidth(text: str) -> bool:
    """Tell whether text holds full-width ASCII variants (U+FF01..U+FF5E) or the ideographic space."""
    return any("\uff01" <= ch <= "\uff5e" or ch == "\u3000" for ch in text)


def _reference_day(today: date | None) -> date:
    """Return the day rules are judged on: `today` if given (a datetime is cut to its date), else the current date."""
    if today is None:
        return date.today()
    if isinstance(today, datetime):
        return today.date()
    return today


def _parse_yyyymmdd(text: str) -> date | None:
    """Parse 8 ASCII digits as a calendar date; None when it is not a real date."""
    try:
        return date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def age_on(birth: date, day: date) -> int:
    """Completed years of age on `day` for someone born on `birth`."""
    before_birthday = (day.month, day.day) < (birth.month, birth.day)
    return day.year - birth.year - int(before_birthday)


def id_check_char(first17: str) -> str:
    """GB 11643 check character for the first 17 digits of an ID number."""
    if not isinstance(first17, str) or not _DIGITS17_RE.fullmatch(first17):
        raise InvalidValue("id.chars", "id_number")
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def _clean_text(raw: object, empty_code: str, field: str) -> str:
    """Strip a text input and refuse full-width characters; None and blanks raise `empty_code`."""
    if raw is None:
        raise InvalidValue(empty_code, field)
    if not isinstance(raw, str):
        raise TypeError(f"{field} must be a str, not {type(raw).__name__}")
    text = raw.strip()
    if _has_fullwidth(text):
        raise InvalidValue("id.fullwidth", field)
    if not text:
        raise InvalidValue(empty_code, field)
    return text


def _check_id_body(text: str, day: date, *, check_age: bool, field: str) -> str:
    """Apply the ID rules to an upper-cased 18-character candidate; returns it unchanged."""
    if len(text) != 18:
        raise InvalidValue("id.length", field, length=len(text))
    if not _ID_RE.fullmatch(text):
        raise InvalidValue("id.chars", field)
    birth = _parse_yyyymmdd(text[6:14])
    if birth is None or birth > day:
        raise InvalidValue("id.birth_date", field)
    expected = id_check_char(text[:17])
    if text[17] != expected:
        raise InvalidValue("id.check_char", field, expected=expected)
    if check_age:
        age = age_on(birth, day)
        if not MIN_PUPIL_AGE <= age <= MAX_PUPIL_AGE:
            raise InvalidValue("id.age", field, age=age)
    return text


def normalize_id_number(
    raw: str,
    *,
    today: date | None = None,
    check_age: bool = True,
    field: str = "id_number",
) -> str:
    """Validate an 18-character resident ID number and return it normalised (trimmed, upper-case X).

    Codes: id.empty, id.fullwidth, id.length, id.chars, id.birth_date,
    id.check_char (params expected), id.age (params age; only when check_age).
    """
    text = _clean_text(raw, "id.empty", field).replace("x", "X")
    return _check_id_body(text, _reference_day(today), check_age=check_age, field=field)


def parse_id_number(valid_id: str) -> IdInfo:
    """Split a valid ID number into address code, birth date, sex and sequence; invalid input raises InvalidValue."""
    text = normalize_id_number(valid_id, check_age=False)
    sex = "M" if int(text[16]) % 2 == 1 else "F"
    birth = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    return IdInfo(
        address_code=text[:6], birth_date=birth, sex=sex, sequence=int(text[14:17])
    )


def id_facts(raw: object) -> IdInfo | None:
    """What a typed ID number says (birth date, sex…), or None when it is not a valid ID number.

    For reading a form's other fields: the ID number's own rule reports why it is not valid.
    """
    if not isinstance(raw, str) or not raw.strip():
        return None
    try:
        return parse_id_number(raw)
    except InvalidValue:
        return None


def check_birth_date_matches_id(birth: date, id_number: object, field: str = "birth_date") -> date:
    """A date of birth that agrees with the ID number's (YYYYMMDD at positions 7–14); anything
    goes when the ID number is missing or not valid. Code: id.birth_mismatch (params expected)."""
    info = id_facts(id_number)
    if info is not None and birth != info.birth_date:
        raise InvalidValue("id.birth_mismatch", field, expected=info.birth_date.isoformat())
    return birth


def check_sex_matches_id(sex: str, id_number: object, field: str = "sex") -> str:
    """A sex ("M" or "F") that agrees with the ID number's 17th digit (odd: male, even: female);
    anything goes when the ID number is missing or not valid. Code: id.sex_mismatch."""
    info = id_facts(id_number)
    if info is not None and sex != info.sex:
        raise InvalidValue("id.sex_mismatch", field)
    return sex


def make_id_number(address_code: str, birth: date, sequence: int) -> str:
    """Build a valid ID number from a 6-digit address code, a birth date and a sequence 0..999."""
    if not isinstance(address_code, str) or not re.fullmatch(r"[0-9]{6}", address_code):
        raise ValueError("address_code must be 6 ASCII digits")
    if (
        isinstance(sequence, bool)
        or not isinstance(sequence, int)
        or not 0 <= sequence <= 999
    ):
        raise ValueError("sequence must be an int in 0..999")
    if not isinstance(birth, date) or birth.year < 1000:
        raise ValueError("birth must be a date with a 4-digit year")
    first17 = (
        f"{address_code}{birth.year:04d}{birth.month:02d}{birth.day:02d}{sequence:03d}"
    )
    return first17 + id_check_char(first17)


def normalize_student_no(
    raw: str,
    *,
    id_number: str | None = None,
    today: date | None = None,
    field: str = "student_no",
) -> str:
    """Validate a 学籍号 in one of its three forms and return it normalised.

    Forms: "G" + the pupil's ID number (ID rules including age; must equal
    `id_number` when given), "J" + an 18-character code built by the ID rules
    (no age check), "L" + 6-digit area + 8-digit real birth date + 4 digits.
    Codes: student_no.empty, student_no.format, student_no.mismatch, and the
    inner id.* codes (id.fullwidth included) reported with this field.
    """
    text = _clean_text(raw, "student_no.empty", field)
    if len(text) != 19 or text[0] not in "GJLgjl":
        raise InvalidValue("student_no.format", field)
    prefix, body = text[0].upper(), text[1:].replace("x", "X")
    day = _reference_day(today)
    if prefix == "L":
        if not _L_FORM_RE.fullmatch(prefix + body):
            raise InvalidValue("student_no.format", field)
        birth = _parse_yyyymmdd(body[6:14])
        if birth is None or birth > day:
            raise InvalidValue("id.birth_date", field)
        return prefix + body
    body = _check_id_body(body, day, check_age=prefix == "G", field=field)
    if (
        prefix == "G"
        and id_number is not None
        and body != id_number.strip().replace("x", "X")
    ):
        raise InvalidValue("student_no.mismatch", field)
    return prefix + body


def normalize_phone(raw: str, field: str = "phone") -> str:
    """Validate a mainland mobile (1[3-9] + 9 digits) or fixed line (0xx[x]-7/8 digits[-ext]); spaces are removed.

    Code: phone.format (also for full-width characters and blanks).
    """
    if not isinstance(raw, str) or _has_fullwidth(raw):
        raise InvalidValue("phone.format", field)
    text = re.sub(r"\s+", "", raw)
    if _MOBILE_RE.fullmatch(text) or _FIXED_LINE_RE.fullmatch(text):
        return text
    raise InvalidValue("phone.format", field)


def _to_decimal(raw: object, field: str) -> Decimal:
    """Turn a Decimal, int or numeric string into a finite Decimal; floats, bools and the rest raise money.format."""
    if isinstance(raw, (bool, float)):
        raise InvalidValue("money.format", field)
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, str):
        text = raw.strip()
        if _has_fullwidth(text) or not _MONEY_RE.fullmatch(text):
            raise InvalidValue("money.format", field)
        return Decimal(text.replace(",", ""))
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise InvalidValue("money.format", field)
        return raw
    raise InvalidValue("money.format", field)


def _has_at_most_two_places(value: Decimal) -> bool:
    """Tell whether value equals itself rounded to cents (1.5, 2.50 and 3.000 do; 0.005 does not)."""
    _sign, digits, exponent = value.as_tuple()
    if not isinstance(exponent, int):  # NaN / infinity
        return False
    if exponent >= -2:
        return True
    extra = -2 - exponent
    return all(d == 0 for d in digits[-extra:])


def parse_money(
    raw: object, field: str = "amount", *, allow_zero: bool = False
) -> Decimal:
    """Parse an amount of yuan into a Decimal with exactly 2 places, never rounding.

    Accepts Decimal, int, or str such as "1250", "1,250.00", " 625.00 ".
    Codes: money.format, money.places, money.positive, money.too_large.
    """
    value = _to_decimal(raw, field)
    if not _has_at_most_two_places(value):
        raise InvalidValue("money.places", field)
    if value < 0 or (value == 0 and not allow_zero):
        raise InvalidValue("money.positive", field)
    if value >= _MONEY_LIMIT:
        raise InvalidValue(
            "money.too_large", field, max_digits=MONEY_MAX_INTEGER_DIGITS
        )
    result = value.quantize(_CENT, context=_MONEY_CONTEXT)
    return result.copy_abs() if result == 0 else result
