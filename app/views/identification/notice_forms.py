"""The notice pages' forms: posted text to the plain values the notice and objection commands take."""
from app.commands import objections
from app.context import Context
from app.errors import FieldErrors
from app.models import ObjectionOutcome
from app.views.framework.form_values import parse_date, parse_id


def _outcome(value) -> ObjectionOutcome | None:
    """The outcome chosen in the form (None when missing or unknown)."""
    try:
        return ObjectionOutcome(value)
    except ValueError:
        return None


def record_objection(ctx: Context, form):
    """Record an objection from the form against one of the notice's entries."""
    errors = {}
    received_on = parse_date(form, "received_on", errors)
    if errors:
        raise FieldErrors(errors)
    return objections.record_objection(ctx, parse_id(form.get("entry_id")) or 0, received_on=received_on,
                                       content=form.get("content", ""), raised_by=form.get("raised_by"))


def answer_objection(ctx: Context, pk: int, form):
    """Answer an objection from the form (answered today unless another day is given)."""
    errors = {}
    answered_on = parse_date(form, "answered_on", errors) or (None if errors else ctx.today)
    if errors:
        raise FieldErrors(errors)
    return objections.answer_objection(ctx, pk, answer=form.get("answer", ""),
                                       outcome=_outcome(form.get("outcome")), answered_on=answered_on)
