"""Bodies and answers of the carry-over endpoints (app/api/carry_over.py), for loading and for the OpenAPI spec."""
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from app.api.answers import money_text
from app.api.schemas import money, record_id
from app.services.carry_totals import reason_totals


def _null(field: fields.Field) -> fields.Field:
    field.allow_none = True
    return field


# --- bodies
class CarryOverBody(Schema):
    """The term carried from, the later term of the same school year carried to, and a school (none: every
    school in one's scope; a school officer's own school)."""

    from_term_id = record_id(required=True)
    to_term_id = record_id(required=True)
    school_id = record_id(load_default=None, allow_none=True)


class CarryOverWriteBody(CarryOverBody):
    """The carry-over a preview showed: its `fingerprint` as `expected` (409 when it changed since)."""

    expected = fields.String(required=True, validate=validate.Length(
        max=128, error=_l("may be at most {max} characters long")))


# --- answers
class CarryLineAnswer(Schema):
    """One entitlement of the term before: carried (tier, amount in the new term) or not (reason, message)."""

    student_id, school_id, aid_item_id, grade = fields.Integer(), fields.Integer(), fields.Integer(), fields.Integer()
    name, class_name, item_name = fields.String(), fields.String(), fields.String()
    previous_amount = money()
    carries = fields.Boolean()
    tier_name, amount = _null(fields.String()), _null(money())
    reason, message = _null(fields.String()), _null(fields.String())


class CarryReasonAnswer(Schema):
    """The lines left out for one reason: how many, of how many pupils, worth how much in the term before."""

    reason, message = fields.String(), fields.String()
    count, pupils = fields.Integer(), fields.Integer()
    amount = money()


class CarryOverPreviewAnswer(Schema):
    """What carrying over would do, line by line, with its totals and the fingerprint to carry it over with."""

    from_term_id, to_term_id = fields.Integer(), fields.Integer()
    school_id = _null(fields.Integer())
    fingerprint = fields.String()
    carried, left, pupils, carried_pupils = fields.Integer(), fields.Integer(), fields.Integer(), fields.Integer()
    total = money()
    by_reason = fields.List(fields.Nested(CarryReasonAnswer))
    lines = fields.List(fields.Nested(CarryLineAnswer))


class CarriedOver(Schema):
    """How many entitlements the carry-over wrote (none when run again), their total and ids."""

    from_term_id, to_term_id = fields.Integer(), fields.Integer()
    school_id = _null(fields.Integer())
    count = fields.Integer()
    total = money()
    entitlement_ids = fields.List(fields.Integer())


CARRY_OVER_BODIES = (CarryOverBody, CarryOverWriteBody)
CARRY_OVER_ANSWERS = (CarryLineAnswer, CarryReasonAnswer, CarryOverPreviewAnswer, CarriedOver)


def line_json(line) -> dict:
    """One line of the preview (only what a pupil list shows: no ID number, no account)."""
    return {"student_id": line.student_id, "name": line.student_name, "school_id": line.school_id,
            "grade": line.grade, "class_name": line.class_name, "aid_item_id": line.aid_item_id,
            "item_name": line.item_name, "previous_amount": money_text(line.previous_amount),
            "carries": line.carries, "tier_name": line.tier_name, "amount": money_text(line.amount),
            "reason": line.reason, "message": None if line.message is None else str(line.message)}


def preview_json(preview) -> dict:
    """The preview, its totals per reason and its fingerprint."""
    pupils = preview.pupils
    return {"from_term_id": preview.from_term_id, "to_term_id": preview.to_term_id, "school_id": preview.school_id,
            "fingerprint": preview.fingerprint, "carried": len(preview.carried), "left": len(preview.left),
            "pupils": len(pupils), "carried_pupils": sum(1 for p in pupils if p.carries),
            "total": money_text(preview.total),
            "by_reason": [{"reason": r.reason, "message": str(r.lines[0].message), "count": r.count,
                           "pupils": r.pupils, "amount": money_text(r.amount)} for r in reason_totals(preview.lines)],
            "lines": [line_json(line) for line in preview.lines]}
