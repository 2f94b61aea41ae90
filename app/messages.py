"""Reason codes from the services, turned into translated sentences."""
from flask_babel import lazy_gettext as _l

REASONS = {
    "id.empty": _l("is required"),
    "id.length": _l("must be 18 characters long"),
    "id.fullwidth": _l("contains full-width characters; use half-width digits and X"),
    "id.chars": _l("may contain only digits, with X allowed as the last character"),
    "id.birth_date": _l("contains a date of birth that does not exist"),
    "id.check_char": _l("has a wrong check character (the last character should be %(expected)s)"),
    "id.age": _l("gives an age of %(age)s, not plausible for a primary pupil (5 to 15)"),
    "student_no.empty": _l("is required"),
    "student_no.format": _l("must be G or J followed by 18 characters, or L followed by 18 digits"),
    "student_no.mismatch": _l("does not match the ID number (G + the ID number)"),
    "phone.format": _l("is not a valid mobile or landline number"),
    "money.format": _l("is not a valid amount"),
    "money.places": _l("may have at most two decimal places"),
    "money.positive": _l("must be greater than zero"),
    "money.too_large": _l("is too large"),
    "unique": _l("already exists: %(value)s"),
    "reveal.reason": _l("give a reason of at least 4 characters for seeing the full value"),
}


def reason_message(code: str, **params) -> str:
    """The translated sentence for a reason code (the code itself if unknown)."""
    message = REASONS.get(code)
    if message is None:
        return code
    return str(message) % params if params else str(message)
