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
    "id.birth_mismatch": _l("does not match the date of birth in the ID number (%(expected)s)"),
    "id.sex_mismatch": _l("does not match the sex given by the ID number (its 17th digit)"),
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


NOT_VALID = _l("is not a valid value")
NOT_AN_OBJECT = _l("must be an object")
NOT_A_LIST = _l("must be a list")
NOT_A_DATE_TIME = _l("is not a valid date and time")
NOT_AN_IP = _l("is not a valid IP address")
# every other message of marshmallow's fields ({class: {key: message}}), none left in English
MORE_FIELD_MESSAGES = {
    "Field": {"validator_failed": NOT_VALID},
    "Nested": {"type": NOT_AN_OBJECT}, "List": {"invalid": NOT_A_LIST}, "Tuple": {"invalid": NOT_A_LIST},
    "String": {"invalid_utf8": _l("is not valid UTF-8 text")}, "UUID": {"invalid_uuid": _l("is not a valid UUID")},
    "Number": {"invalid": _l("must be a number"), "too_large": _l("is too large")},
    "Float": {"special": _l("must be a finite number")}, "Decimal": {"special": _l("must be a finite number")},
    "DateTime": {"invalid_awareness": NOT_A_DATE_TIME, "format": NOT_A_DATE_TIME},
    "Date": {"format": _l("is not a valid date (YYYY-MM-DD)")}, "Time": {"invalid": _l("is not a valid time"),
                                                                        "format": _l("is not a valid time")},
    "TimeDelta": {"invalid": _l("is not a valid period of time"), "format": _l("is not a valid period of time")},
    "Mapping": {"invalid": NOT_AN_OBJECT}, "Url": {"invalid": _l("is not a valid web address")},
    "Email": {"invalid": _l("is not a valid email address")},
    "IP": {"invalid_ip": NOT_AN_IP}, "IPv4": {"invalid_ip": NOT_AN_IP}, "IPv6": {"invalid_ip": NOT_AN_IP},
    "IPInterface": {"invalid_ip_interface": NOT_AN_IP}, "IPv4Interface": {"invalid_ip_interface": NOT_AN_IP},
    "IPv6Interface": {"invalid_ip_interface": NOT_AN_IP},
}
SCHEMA_MESSAGES = {"type": NOT_AN_OBJECT, "unknown": _l("is not an accepted field")}
# validators' messages: {class: {attribute: message}}; a message may name the validator's {min}, {max}…
VALIDATOR_MESSAGES = {
    "And": {"default_error_message": NOT_VALID}, "URL": {"default_message": _l("is not a valid web address")},
    "Email": {"default_message": _l("is not a valid email address")},
    "Length": {"message_min": _l("must be at least {min} characters long"),
               "message_all": _l("must be {min} to {max} characters long"),
               "message_equal": _l("must be exactly {equal} characters long")},
    "Equal": {"default_message": _l("must be {other}")},
    "Regexp": {"default_message": _l("is not in the expected format")},
    "Predicate": {"default_message": NOT_VALID}, "NoneOf": {"default_message": NOT_VALID},
    "ContainsOnly": {"default_message": _l("may only contain: {choices}")},
    "ContainsNoneOf": {"default_message": _l("may not contain: {values}")},
}


class RangeMessage:
    """A Range message chosen by its bounds' inclusivity when the validator is made (marshmallow formats its
    template with min_op/max_op in __init__, outside any request), translated when it is shown."""

    def __init__(self, **by_ops):
        self.by_ops = by_ops  # "gte" / "gte_lte"… → lazy message naming {min} and {max}

    def format(self, min_op: str = "", max_op: str = ""):
        """The lazy message for these bounds (the ops are the sentinels set on Range below)."""
        return self.by_ops["_".join(op for op in (min_op, max_op) if op)]


RANGE_MESSAGES = {
    "message_min": RangeMessage(gte=_l("must be at least {min}"), gt=_l("must be greater than {min}")),
    "message_max": RangeMessage(lte=_l("may be at most {max}"), lt=_l("must be less than {max}")),
    "message_all": RangeMessage(gte_lte=_l("must be between {min} and {max}"),
                                gt_lte=_l("must be greater than {min} and at most {max}"),
                                gte_lt=_l("must be at least {min} and less than {max}"),
                                gt_lt=_l("must be greater than {min} and less than {max}")),
    "message_gte": "gte", "message_gt": "gt", "message_lte": "lte", "message_lt": "lt",
}


def translate_validators() -> None:
    """marshmallow's messages in the request's language; runs before any schema is built (create_app's start)."""
    from marshmallow import Schema, fields, validate

    validate.Length.message_max = TOO_LONG
    validate.OneOf.default_message = NOT_A_CHOICE
    fields.Enum.default_error_messages = {**fields.Enum.default_error_messages, "unknown": NOT_A_CHOICE}
    fields.Field.default_error_messages.update(FIELD_MESSAGES)
    for name, message in INVALID_BY_KIND:
        kind = getattr(fields, name)
        kind.default_error_messages = {**kind.default_error_messages, "invalid": message}
    for name, messages in MORE_FIELD_MESSAGES.items():
        kind = getattr(fields, name)
        kind.default_error_messages = {**kind.__dict__.get("default_error_messages", {}), **messages}
    Schema._default_error_messages = {**Schema._default_error_messages, **SCHEMA_MESSAGES}
    for name, messages in {**VALIDATOR_MESSAGES, "Range": RANGE_MESSAGES}.items():
        for attribute, message in messages.items():
            setattr(getattr(validate, name), attribute, message)
    _translate_related()


def _translate_related() -> None:
    """marshmallow-sqlalchemy's relation fields (FAB's model schemas use them)."""
    from marshmallow_sqlalchemy import fields as related

    related.Related.default_error_messages = {**related.Related.default_error_messages,
                                              "invalid": FIELD_MESSAGES["invalid"]}
