"""Request and session hooks: who/when stamps on every flush."""
from flask import Flask, has_request_context
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.models.base import Stamped


def _current_user_id() -> int | None:
    """The logged-in user's id, or None outside a request (CLI, seed, jobs)."""
    if not has_request_context():
        return None
    try:
        return current_user.id if current_user.is_authenticated else None
    except AttributeError:
        return None


def _stamp(session: Session, flush_context, instances) -> None:
    """Set created_by/changed_by on new and dirty business rows."""
    uid = _current_user_id()
    if uid is None:
        return
    for obj in session.new:
        if isinstance(obj, Stamped):
            obj.created_by_fk = obj.created_by_fk or uid
            obj.changed_by_fk = uid
    for obj in session.dirty:
        if isinstance(obj, Stamped) and session.is_modified(obj, include_collections=False):
            obj.changed_by_fk = uid


def init_app(app: Flask) -> None:
    """Attach the stamp hook once per process."""
    if not event.contains(Session, "before_flush", _stamp):
        event.listen(Session, "before_flush", _stamp)
