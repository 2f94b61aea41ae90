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
    "unique": _l("already exists"),
    "text.blank": _l("is required"),
    "text.control": _l("contains control characters (only line breaks and tabs are allowed, in multi-line text)"),
    "text.too_long": _l("must be at most %(max)s characters long"),
    "date.range": _l("must be a date from %(earliest)s to %(latest)s"),
    "date.future": _l("cannot be in the future"),
    "number.range": _l("must be a whole number from %(min)s to %(max)s"),
    "number.too_large": _l("is too large"),
    "school_year.format": _l("must be two consecutive years, such as 2026-2027"),
    "reveal.reason": _l("give a reason of at least 4 characters for seeing the full value"),
}


def reason_message(code: str, **params) -> str:
    """The translated sentence for a reason code (the code itself if unknown)."""
    message = REASONS.get(code)
    if message is None:
        return code
    return str(message) % params if params else str(message)


TOO_LONG = _l("may be at most {max} characters long")  # the wording of app/api/schemas.py


NOT_A_CHOICE = _l("is not one of the allowed values")
FIELD_MESSAGES = {"required": _l("is required"), "null": _l("may not be empty"),
                  "invalid": _l("has a value of the wrong type")}
INVALID_BY_KIND = (("Date", _l("is not a valid date (YYYY-MM-DD)")), ("DateTime", _l("is not a valid date and time")),
                   ("Integer", _l("must be a whole number")), ("Boolean", _l("must be true or false")),
                   ("String", _l("must be text")), ("Decimal", _l("must be a number")))


def translate_validators() -> None:
    """marshmallow's messages in the request's language; runs before any schema is built (create_app's start)."""
    from marshmallow import fields, validate

    validate.Length.message_max = TOO_LONG
    validate.OneOf.default_message = NOT_A_CHOICE
    fields.Enum.default_error_messages = {**fields.Enum.default_error_messages, "unknown": NOT_A_CHOICE}
    fields.Field.default_error_messages.update(FIELD_MESSAGES)
    for name, message in INVALID_BY_KIND:
        kind = getattr(fields, name)
        kind.default_error_messages = {**kind.default_error_messages, "invalid": message}
