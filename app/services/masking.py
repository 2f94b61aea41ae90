"""Masking of personal identifiers: one rule per kind of value, used by every output.

A mask must not be undoable from what else a role sees: an ID number keeps only its first four
characters (province and city, known to everyone in the district) and its last two, so the birth
day and most of the sequence stay hidden; the birth date itself is coarsened to the year, because
with it the hidden part of an ID number would be a few hundred guesses, the check digit picking one.
"""
import re

from app.services.validation import InvalidValue

ID = "id_number"
STUDENT_NO = "student_no"
BANK = "bank_account"
PHONE = "phone"
BIRTH = "birth_date"

ID_PREFIX, ID_SUFFIX = 4, 2  # characters of an ID number left visible at each end

# column name -> kind of value; every model uses these names for these values
SENSITIVE_COLUMNS = {
    "id_number": ID,
    "guardian_id_number": ID,
    "student_no": STUDENT_NO,
    "bank_account": BANK,
    "phone": PHONE,
    "contact_phone": PHONE,
    "birth_date": BIRTH,
}
# other names of the same kinds (contact_phone, payee_bank_account…): known by their ending
_KIND_SUFFIXES = (("_id_number", ID), ("_bank_account", BANK), ("_phone", PHONE), ("_birth_date", BIRTH))
_YEAR = re.compile(r"^\s*(\d{4})")


def kind_of(column) -> str | None:
    """The kind of value a column (or JSON key) holds, None when it is not sensitive."""
    if not isinstance(column, str):
        return None
    column = column.rsplit(".", 1)[-1]  # household.phone, student.birth_date
    kind = SENSITIVE_COLUMNS.get(column)
    if kind is None:
        kind = next((k for suffix, k in _KIND_SUFFIXES if column.endswith(suffix)), None)
    return kind


def is_sensitive_column(column) -> bool:
    """Whether a column (or JSON key) holds a value that is masked in every output."""
    return kind_of(column) is not None


def mask_id_number(value: str) -> str:
    """9901************34: the first four and the last two characters of an ID number."""
    if len(value) <= ID_PREFIX + ID_SUFFIX + 2:
        return "*" * len(value)
    return value[:ID_PREFIX] + "*" * (len(value) - ID_PREFIX - ID_SUFFIX) + value[-ID_SUFFIX:]


def mask_student_no(value: str) -> str:
    """G9901************34: a 学籍号 embeds an ID number or a birth date, so it is masked like one."""
    if value[:1].upper() in ("G", "J", "L") and len(value) > 9:
        return value[0] + mask_id_number(value[1:])
    return mask_id_number(value)


def mask_bank_account(value: str) -> str:
    """**** **** **** 1234: only the last four digits of a bank account."""
    digits = value.replace(" ", "")
    if len(digits) <= 4:
        return "*" * len(digits)
    return "**** **** **** " + digits[-4:]


def mask_phone(value: str) -> str:
    """138****8000 for a mobile; the last four digits only for anything else."""
    digits = value.replace(" ", "")
    if len(digits) == 11 and digits.isdigit():
        return digits[:3] + "****" + digits[-4:]
    if len(digits) <= 4:
        return "*" * len(digits)
    return "*" * (len(digits) - 4) + digits[-4:]


def mask_birth_date(value: str) -> str:
    """2016: the year of a birth date (2016-03-01) and nothing finer; anything else hidden."""
    found = _YEAR.match(value)
    return found.group(1) if found else "*" * len(value)


_MASKERS = {ID: mask_id_number, STUDENT_NO: mask_student_no, BANK: mask_bank_account, PHONE: mask_phone,
            BIRTH: mask_birth_date}


def mask(kind: str, value):
    """Mask `value` of a kind (ID, BANK, PHONE, BIRTH…); None, empty and yes/no stay as they are."""
    if value in (None, "") or isinstance(value, bool):
        return value
    return _MASKERS[kind](str(value))


def mask_column(column: str, value):
    """Mask `value` if `column` holds a sensitive kind of value, else return it unchanged."""
    kind = kind_of(column)
    return mask(kind, value) if kind else value


def check_reveal_reason(reason: str) -> str:
    """The stripped reason; revealing a full value needs a reason of at least 4 characters."""
    text = (reason or "").strip()
    if len(text) < 4:
        raise InvalidValue("reveal.reason", "reason")
    return text
