"""Request and session hooks: who/when stamps on every flush, entitlements stopped when a pupil leaves
school, translated error pages."""
from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from app.commands import entitlements
from app.context import context_of
from app.models.base import Stamped
from app.security import audit, request_context


def _stamp(session: Session, flush_context, instances) -> None:
    """Set created_by/changed_by on new and dirty business rows: the actor of the session's context."""
    uid = context_of(session).actor.user_id
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
    """Attach the stamp and pupil-status hooks once per process."""
    if not event.contains(Session, "before_flush", _stamp):
        event.listen(Session, "before_flush", _stamp)
    entitlements.listen()  # a pupil who leaves school: their current and later entitlements stop
    audit.init_app(app)
    request_context.init_app(app)
    init_error_pages(app)


def _error_page(status: int):
    """A translated error page (JSON under /api/) that never shows a stack trace or SQL."""
    from flask import current_app, jsonify, render_template, request
    from flask_babel import lazy_gettext as _l

    messages = {
        400: _l("The request could not be understood."),
        403: _l("You do not have permission to do this."),
        404: _l("The page or record was not found."),
        405: _l("This action is not allowed here."),
        500: _l("Something went wrong on the server. The error has been logged."),
    }
    lazy_message = messages.get(status, messages[500])

    def handler(error):
        message = str(lazy_message)  # in the language of this request, not of start-up
        if status == 500:
            current_app.logger.exception("unhandled error: %s", error)
        if request.path.startswith("/api/"):
            return jsonify(message=message), status, _kept_headers(error)
        return render_template("zizhu/error.html", status=status, message=message,
                               appbuilder=current_app.appbuilder), status, _kept_headers(error)

    return handler


def _kept_headers(error) -> dict:
    """The error's own headers (a 405's Allow, a 401's WWW-Authenticate), without its body's type."""
    if not isinstance(error, HTTPException):
        return {}
    return {k: v for k, v in error.get_headers() if k.lower() not in ("content-type", "content-length")}


def init_error_pages(app: Flask) -> None:
    """Register the translated error pages."""
    for status in (400, 403, 404, 405, 500):
        app.register_error_handler(status, _error_page(status))
