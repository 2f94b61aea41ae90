"""HTTP helpers of the notice pages: reading dates and ids from forms, refusals as flashes, the clock."""
from datetime import date

from flask import abort, flash
from flask_babel import lazy_gettext as _l

from app.commands.errors import DomainError, FieldErrors
from app.commands.notices import NoticeNotFound, withdraw_expired
from app.commands.objections import ObjectionNotFound
from app.extensions import db
from app.models.base import utcnow
from app.workbench.context import local_now

NOT_A_DATE = _l("is not a valid date (YYYY-MM-DD)")


def today() -> date:
    """Today in China."""
    return local_now().date()


def parse_date(form, field: str, errors: dict) -> date | None:
    """The ISO date in `form[field]`; an unreadable one is noted in `errors` (empty → None)."""
    text = (form.get(field) or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[field] = [NOT_A_DATE]
        return None


def parse_id(value) -> int | None:
    """An id from a form or query string (None when missing or not a number)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def refuse(err: DomainError) -> None:
    """Undo the transaction and flash why (every refused field, labelled); 404 for things out of scope."""
    db.session.rollback()
    if isinstance(err, (NoticeNotFound, ObjectionNotFound)):
        abort(404)
    if isinstance(err, FieldErrors):
        for messages in err.as_dict().values():
            for message in messages:
                flash(message, "danger")
        return
    flash(str(err), "danger")


def expire_notices() -> None:
    """Withdraw notices past their end date (also done by the periodic task); commit if any."""
    if withdraw_expired(db.session, today=today(), now=utcnow()):
        db.session.commit()
