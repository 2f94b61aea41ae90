"""Request bodies of the custom endpoints (checked on load) and their answers (shown in the OpenAPI spec)."""
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate

import app.api.field_errors  # noqa: F401  (translated messages, before the fields below are made)
from app.messages import reason_message
from app.models import ObjectionOutcome, ReviewOutcome, ReviewRuling
from app.services.validation import InvalidValue
from app.services.value_checks import EARLIEST_DATE, LATEST_DATE, clean_text

ID_MAX = 2**31 - 1  # an INTEGER key on PostgreSQL
TEXT_MAX = 5000  # free text (minutes, findings, an objection): a page or two
MONEY_PATTERN = r"^-?\d+\.\d{2}$"


def _length(maximum: int) -> validate.Length:
    """At most `maximum` characters, with a translated message."""
    return validate.Length(max=maximum, error=_l("may be at most {max} characters long"))


class CleanText(fields.String):
    """Text stripped, line ends made "\\n", control and invisible characters refused (as in the records)."""

    def _deserialize(self, value, attr, data, **kwargs):
        """The cleaned text, or the translated refusal of app/services/value_checks.py."""
        raw = super()._deserialize(value, attr, data, **kwargs)
        try:
            return clean_text(raw, attr or "text", max_length=len(raw), multiline=True)
        except InvalidValue as err:
            raise ValidationError(reason_message(err.code, **err.params)) from None


def text(maximum: int = TEXT_MAX) -> fields.Field:
    """Free text in a body; whether it may be empty is the command's to say."""
    return CleanText(load_default="", validate=_length(maximum))


def optional_text(maximum: int) -> fields.Field:
    """Text that may be left out or null."""
    return CleanText(load_default=None, allow_none=True, validate=_length(maximum))


def day(**kw) -> fields.Field:
    """An ISO date (YYYY-MM-DD) between 1900 and 2100, as every stored date."""
    within = validate.Range(min=EARLIEST_DATE, max=LATEST_DATE, error=_l("must be between {min} and {max}"))
    return fields.Date(**({"load_default": None, "validate": within} | kw))


def record_id(**kw) -> fields.Field:
    """The id of a row: a whole number from 1 (not "5", not 5.5)."""
    return fields.Integer(strict=True, validate=validate.Range(min=1, max=ID_MAX, error=_l("is not a valid id")),
                          **kw)


class WholeNumber(fields.Integer):
    """A whole number, also written as digits ("3"): a job's options come from forms too."""

    def _deserialize(self, value, attr, data, **kwargs):
        """Digits become the number; a float, a bool or other text is refused."""
        if isinstance(value, str) and value.isascii() and value.isdigit():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


def option(minimum: int, maximum: int, message) -> fields.Field:
    """An optional whole-number option of a job, within its range."""
    return WholeNumber(load_default=None, allow_none=True,
                       validate=validate.Range(min=minimum, max=maximum, error=message))


def count() -> fields.Field:
    """A whole number of votes (not "5", not 5.5); below 0 is the command's to refuse."""
    return fields.Integer(strict=True, load_default=None,
                          validate=validate.Range(max=9999, error=_l("may be at most {max}")))


def money(**kw) -> fields.Field:
    """An amount or a score as a string with two places ("67.00"), never a float."""
    return fields.String(metadata={"pattern": MONEY_PATTERN, "example": "67.00"}, **kw)


def instant(**kw) -> fields.Field:
    """A UTC date and time (ISO 8601 with its offset)."""
    return fields.DateTime(**kw)


def enum_text(enum_cls, **kw) -> fields.Field:
    """An enum's value as a string, its values listed in the spec."""
    return fields.String(validate=validate.OneOf([e.value for e in enum_cls]), **kw)


# --- request bodies: unknown fields are refused (422), types checked here, rules by the commands
class EmptyBody(Schema):
    """No fields: the step needs nothing but the application (an empty object or no body)."""


class ReasonBody(Schema):
    """Why: returned for correction, re-assessed or not approved."""

    reason = text()


class CancelBody(Schema):
    """Why the application is cancelled and whether paid aid is to be recovered."""

    reason = text()
    recover_aid = fields.Boolean(load_default=False)


class MeetingBody(Schema):
    """A meeting of the class or the committee: when, who, the votes and the minutes."""

    decided_on = day()
    members = text(200)
    votes_for = count()
    votes_against = count()
    votes_abstain = count()
    minutes = text()


class ClassReviewBody(MeetingBody):
    """The class review (班级评议) and its outcome."""

    outcome = fields.Enum(ReviewOutcome, by_value=True, required=True)


class DecideBody(MeetingBody):
    """The committee decision: the tier's code and why it differs from the suggested one."""

    tier = text(16)
    tier_reason = text()


class HomeVisitBody(Schema):
    """A home visit (家访): when, who, what was found and whether the declared facts held."""

    visited_on = day()
    visitors = text(100)
    findings = text()
    facts_confirmed = fields.Boolean(load_default=True)


class NoticeBody(Schema):
    """A draft notice of the school's decided applications of one term."""

    school_id = record_id(load_default=None, allow_none=True)
    term_id = record_id(required=True)
    starts_on = day()
    title = optional_text(120)
    contact = optional_text(100)


class ObjectionBody(Schema):
    """An objection to one line of a published notice."""

    entry_id = record_id(required=True)
    received_on = day()
    content = text()
    raised_by = optional_text(64)


class AnswerBody(Schema):
    """The school's answer to an objection."""

    answer = text()
    answered_on = day()
    outcome = fields.Enum(ObjectionOutcome, by_value=True, load_default=None)


class ReviewRequestBody(Schema):
    """The family's request for a district review (复核) of a dismissed objection."""

    requested_on = day()
    content = text()
    requested_by = optional_text(64)


class ReviewDecisionBody(Schema):
    """The district's decision on a review."""

    ruling = fields.Enum(ReviewRuling, by_value=True, load_default=None)
    answer = text()
    decided_on = day()


class JobStartBody(Schema):
    """Options of a job; each kind uses its own (the others are ignored), all are optional."""

    school_id = option(1, ID_MAX, _l("is not a valid id"))
    term_id = option(1, ID_MAX, _l("is not a valid id"))
    grade = option(1, 6, _l("must be between {min} and {max}"))
    status = fields.String(load_default=None, allow_none=True, validate=_length(16))


class RevealBody(Schema):
    """Which sensitive column of the record to show in full, and why (the reason is audited)."""

    column = fields.String(required=True, validate=_length(64))
    reason = text(500)


BODIES = (RevealBody, EmptyBody, ReasonBody, CancelBody, ClassReviewBody, DecideBody, HomeVisitBody, NoticeBody,
          ObjectionBody, AnswerBody, ReviewRequestBody, ReviewDecisionBody, JobStartBody)
