"""Masking of personal identifiers: one rule per kind of value, used by every output."""
from app.services.validation import InvalidValue

ID = "id_number"
STUDENT_NO = "student_no"
BANK = "bank_account"
PHONE = "phone"

# column name -> kind of value; every model uses these names for these values
SENSITIVE_COLUMNS = {
    "id_number": ID,
    "guardian_id_number": ID,
    "student_no": STUDENT_NO,
    "bank_account": BANK,
    "phone": PHONE,
}


def mask_id_number(value: str) -> str:
    """1101**********1234: first four and last four characters of an ID number."""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_student_no(value: str) -> str:
    """G1101**********1234: a 学籍号 embeds an ID number or a birth date, so it is masked like one."""
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


_MASKERS = {ID: mask_id_number, STUDENT_NO: mask_student_no, BANK: mask_bank_account, PHONE: mask_phone}


def mask(kind: str, value):
    """Mask `value` of a kind (ID, BANK, PHONE); None and empty stay as they are."""
    if value in (None, ""):
        return value
    return _MASKERS[kind](str(value))


def mask_column(column: str, value):
    """Mask `value` if `column` holds a sensitive kind of value, else return it unchanged."""
    kind = SENSITIVE_COLUMNS.get(column)
    return mask(kind, value) if kind else value


def check_reveal_reason(reason: str) -> str:
    """The stripped reason; revealing a full value needs a reason of at least 4 characters."""
    text = (reason or "").strip()
    if len(text) < 4:
        raise InvalidValue("reveal.reason", "reason")
    return text
