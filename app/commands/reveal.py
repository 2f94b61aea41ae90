"""Reveal one full sensitive value: in scope, with a reason, always audited."""

from app.context import Context
from app.errors import FieldErrors, NotFound
from app.messages import reason_message
from app.security import audit
from app.security.scope import limit
from app.services.masking import check_reveal_reason, is_sensitive_column
from app.services.validation import InvalidValue


class RecordNotFound(NotFound):
    """The record does not exist or lies outside the user's scope (answered as 404)."""


def reveal_value(ctx: Context, model, pk, column: str, reason: str) -> str:
    """The full value of `column` of one record in the context's scope; the reveal is audited with
    its reason (the event exists once the runner commits)."""
    if not is_sensitive_column(column) or column not in model.__table__.columns:
        raise RecordNotFound()
    try:
        reason = check_reveal_reason(reason)
    except InvalidValue as err:
        raise FieldErrors({"reason": [reason_message(err.code)]}) from None
    try:
        key = int(pk)
    except (TypeError, ValueError):
        raise RecordNotFound() from None
    row = limit(ctx.session.query(model).filter(model.id == key), model, ctx.scope).one_or_none()
    if row is None:
        raise RecordNotFound()
    audit.record(ctx, audit.REVEAL, entity=model.__tablename__, entity_id=row.id, detail=f"{column}: {reason}",
                 school_id=getattr(row, "school_id", None))
    value = getattr(row, column)
    return value.isoformat() if hasattr(value, "isoformat") else (value or "")
