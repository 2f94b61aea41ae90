"""HTTP helpers of the notice pages: refusals as flashes, notices past their end taken down on page load."""

from flask import abort, flash
from sqlalchemy.orm.exc import StaleDataError

from app.errors import DomainError, FieldErrors
from app.commands.locking import STALE
from app.commands.notices import NoticeNotFound, withdraw_expired
from app.commands.objections import ObjectionNotFound
from app.extensions import db
from app.models.base import utcnow
from app.workbench.context import local_today as today


def refuse(err: DomainError | StaleDataError) -> None:
    """Undo the transaction and flash why (every refused field, labelled); 404 for things out of scope;
    a save overtaken by another (StaleDataError) asks to open the page again."""
    db.session.rollback()
    if isinstance(err, (NoticeNotFound, ObjectionNotFound)):
        abort(404)
    if isinstance(err, StaleDataError):
        flash(str(STALE), "danger")
        return
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
