"""Bodies and answers of the money endpoints (app/api/money.py), for loading and for the OpenAPI spec.

Amounts travel as strings with two places ("312.50"), never as JSON numbers: a float is refused
("must be text"), and the command checks the amount itself (at most two places, above zero).
"""
from marshmallow import Schema, fields

from app.api.answers import day_text, instant_text, money_text
from app.api.schemas import day, enum_text, money, optional_text, record_id, text
from app.models import BatchStatus, EntryKind
from app.queries.money import AllocationState


def _null(field: fields.Field) -> fields.Field:
    field.allow_none = True
    return field


# --- bodies
class ReceiptBody(Schema):
    """Funds received into the account (a budget's transfer, a donation)."""

    amount = money(required=True)
    booked_on = day()
    reference = optional_text(64)
    memo = optional_text(200)


class AllocationBody(Schema):
    """Money of an account allocated to a school for an item and term."""

    fund_account_id = record_id(required=True)
    school_id = record_id(required=True)
    aid_item_id = record_id(required=True)
    term_id = record_id(required=True)
    amount = money(required=True)
    memo = optional_text(200)


class TakeBackBody(Schema):
    """Part of an allocation not reserved yet, taken back to the account."""

    amount = money(required=True)
    memo = optional_text(200)


class QuotaBody(Schema):
    """How many pupils of a school may receive an item in a term."""

    school_id = record_id(required=True)
    aid_item_id = record_id(required=True)
    term_id = record_id(required=True)
    places = fields.Integer(strict=True, required=True)
    notes = optional_text(200)


class BatchPreviewBody(Schema):
    """Which school, item and term (and account, when several allocated) a batch would pay."""

    term_id = record_id(required=True)
    aid_item_id = record_id(required=True)
    school_id = record_id(load_default=None, allow_none=True)
    fund_account_id = record_id(load_default=None, allow_none=True)


class BatchCreateBody(BatchPreviewBody):
    """The batch the preview shows, made once per idempotency key (a UUID the client makes)."""

    idempotency_key = fields.String(required=True)
    title = optional_text(120)
    background = fields.Boolean(load_default=False)  # made by a job (202) whatever its size


class StepBody(Schema):
    """A batch step; `version`, when given, refuses a batch changed since it was read (409)."""

    version = fields.Integer(strict=True, load_default=None, allow_none=True)


class StepReasonBody(StepBody):
    """A step that says why (sending back, withdrawing)."""

    reason = text(200)


class RecoverBody(Schema):
    """How a paid line's money came back (a receipt number, a note): required."""

    reason = text(200)


class ExportBody(Schema):
    """The bank file layout (none: the district's default)."""

    layout_id = record_id(load_default=None, allow_none=True)


class AnswersRecorded(Schema):
    """What the bank's answer did: lines paid and failed, and their amounts."""

    id = fields.Integer(required=True)
    paid, failed = fields.Integer(), fields.Integer()
    paid_amount, failed_amount = money(), money()


class ReissueBody(Schema):
    """A new batch for the pupils whose payment failed, once their accounts are corrected."""

    idempotency_key = fields.String(required=True)


# --- answers
class EntryMade(Schema):
    """A ledger entry posted."""

    id = fields.Integer(required=True)
    kind = enum_text(EntryKind, required=True)
    amount = money()
    booked_on = fields.Date()


class AllocationAnswer(Schema):
    """An allocation and its figures, read from the ledger."""

    id = fields.Integer(required=True)
    fund_account_id, school_id, aid_item_id, term_id = (fields.Integer(), fields.Integer(), fields.Integer(),
                                                        fields.Integer())
    allocated, available, reserved, paid = money(), money(), money(), money()
    # of the available money, what batches made and not yet approved hold, and what a new batch can draw on
    held, drawable = money(), money()
    places, places_used = _null(fields.Integer()), fields.Integer()


class QuotaAnswer(Schema):
    """A quota and how many of its places are used."""

    id = fields.Integer(required=True)
    school_id, aid_item_id, term_id, places, places_used = (fields.Integer(), fields.Integer(), fields.Integer(),
                                                            fields.Integer(), fields.Integer())


class PreviewLine(Schema):
    """One entitled pupil: paid by the batch (reason null) or left out, and why."""

    entitlement_id, student_id = fields.Integer(), fields.Integer()
    name, class_name, tier_name = fields.String(), fields.String(), fields.String()
    grade = fields.Integer()
    amount = money()
    reason = _null(fields.String())


class BatchPreview(Schema):
    """Who a new batch would pay and who not, with the allocation's money and places left."""

    allocation_id = _null(fields.Integer())
    count = fields.Integer()
    # available: the allocation's free money, as in its state; held: by batches made and not yet approved;
    # drawable: what this batch can draw on (available − held), the figure the batch page shows
    total, available, held, drawable = money(), money(), money(), money()
    places_left = _null(fields.Integer())
    excluded_by_reason = fields.Dict(keys=fields.String(), values=fields.Integer())
    eligible = fields.List(fields.Nested(PreviewLine))
    excluded = fields.List(fields.Nested(PreviewLine))


class BatchAnswer(Schema):
    """A batch, its control totals and where it stands."""

    id = fields.Integer(required=True)
    status = enum_text(BatchStatus, required=True)
    title = fields.String()
    school_id, term_id, aid_item_id, allocation_id = (fields.Integer(), fields.Integer(), fields.Integer(),
                                                      fields.Integer())
    line_count, version = fields.Integer(), fields.Integer()
    total = money()
    submitted_on, approved_on = _null(fields.DateTime()), _null(fields.DateTime())


class BatchCreated(Schema):
    """The batch's id and the batch (the same one again for a repeated key)."""

    id = fields.Integer(required=True)
    result = fields.Nested(BatchAnswer, required=True)


class BatchJobStarted(Schema):
    """The job making a large batch (its summary names the batch once made)."""

    job_id = fields.Integer(required=True)
    status = fields.String(required=True)


MONEY_BODIES = (ReceiptBody, AllocationBody, TakeBackBody, QuotaBody, BatchPreviewBody, BatchCreateBody, StepBody,
                StepReasonBody, ReissueBody, ExportBody, RecoverBody)
MONEY_ANSWERS = (EntryMade, AllocationAnswer, QuotaAnswer, PreviewLine, BatchPreview, BatchAnswer, BatchCreated,
                 AnswersRecorded, BatchJobStarted)


def entry_json(entry) -> dict:
    """A ledger entry: its kind, the amount it moved and its date."""
    moved = sum((line.amount for line in entry.lines if line.amount > 0), 0)
    return {"id": entry.id, "kind": entry.kind.value, "amount": money_text(moved),
            "booked_on": day_text(entry.booked_on)}


def allocation_json(allocation, state: AllocationState) -> dict:
    """An allocation with its figures."""
    return {"id": allocation.id, "fund_account_id": allocation.fund_account_id, "school_id": allocation.school_id,
            "aid_item_id": allocation.aid_item_id, "term_id": allocation.term_id,
            "allocated": money_text(state.allocated), "available": money_text(state.available),
            "reserved": money_text(state.reserved), "paid": money_text(state.paid),
            "held": money_text(state.held), "drawable": money_text(state.drawable), "places": state.places,
            "places_used": state.places_used}


def preview_json(preview) -> dict:
    """The preview of a batch."""
    def line(candidate) -> dict:
        return {"entitlement_id": candidate.entitlement_id, "student_id": candidate.student_id,
                "name": candidate.name, "grade": candidate.grade, "class_name": candidate.class_name,
                "tier_name": candidate.tier_name, "amount": money_text(candidate.amount), "reason": candidate.reason}

    return {"allocation_id": preview.allocation.id if preview.allocation else None, "count": preview.count,
            "total": money_text(preview.total), "available": money_text(preview.available + preview.held),
            "held": money_text(preview.held), "drawable": money_text(preview.available),
            "places_left": preview.places_left, "excluded_by_reason": preview.excluded_by_reason(),
            "eligible": [line(c) for c in preview.eligible], "excluded": [line(c) for c in preview.excluded]}


def batch_json(batch) -> dict:
    """A batch and where it stands."""
    return {"id": batch.id, "status": batch.status.value, "title": batch.title, "school_id": batch.school_id,
            "term_id": batch.term_id, "aid_item_id": batch.aid_item_id, "allocation_id": batch.allocation_id,
            "line_count": batch.line_count, "total": money_text(batch.total), "version": batch.version,
            "submitted_on": instant_text(batch.submitted_on), "approved_on": instant_text(batch.approved_on)}
