"""Session epochs: raising a user's epoch ends every browser session and JWT issued before it.

Browser sessions keep the epoch they were opened under (app/security/sessions.py), JWTs carry it
as the `ep` claim. Logout raises it explicitly; a password change or reset and disabling the
account raise it from a flush hook, so FAB's forms, FAB's user API, our user pages and the CLI
all end the user's sessions without knowing about it.
"""
from flask import jsonify
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.models import User, UserSession

CLAIM = "ep"
ENDED = _l("Your session has ended (signed out, password changed or account disabled). Please sign in again.")
_TABLE = UserSession.__table__


def current_epoch(session, user_id) -> int:
    """The user's epoch now (0 when it was never raised), read from the database."""
    found = session.execute(select(_TABLE.c.epoch).where(_TABLE.c.user_id == int(user_id))).scalar()
    return found or 0


def epoch_of(user) -> int:
    """The epoch loaded with the user (joined into the user's own query; 0 when never raised)."""
    row = user.session_row
    return row.epoch if row is not None else 0


def raise_epoch(connection, user_id: int) -> None:
    """Add one to the user's epoch in one atomic upsert (also under concurrent logouts)."""
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(_TABLE).values(user_id=int(user_id), epoch=1)
    stmt = stmt.on_conflict_do_update(index_elements=[_TABLE.c.user_id],
                                      set_={"epoch": _TABLE.c.epoch + 1})
    connection.execute(stmt)


def end_sessions(session, user_id: int) -> None:
    """End every session and token of a user, in the caller's transaction."""
    raise_epoch(session.connection(), user_id)


def _ends_sessions(user) -> bool:
    """A stored user whose password changed or who was disabled in this flush."""
    state = inspect(user)
    if not state.persistent:
        return False
    if state.attrs.password.history.has_changes():
        return True
    return state.attrs.active.history.has_changes() and not user.active


def _before_flush(session, _flush_context, _instances) -> None:
    """Raise the epoch of every user whose credentials changed, with the change itself."""
    for obj in list(session.dirty):
        if isinstance(obj, User) and _ends_sessions(obj):
            raise_epoch(session.connection(), obj.id)


def watch_credentials() -> None:
    """Install the flush hook once per process (every app and worker shares it)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)


def _user(identity):
    """The user a token names, through the identity map (the same load FAB's user lookup uses)."""
    from app.extensions import db

    return db.session.get(User, int(identity)) if str(identity).isdigit() else None


def token_claims(identity) -> dict:
    """additional_claims_loader: every access and refresh token carries the user's epoch."""
    user = _user(identity)
    return {CLAIM: epoch_of(user) if user is not None else -1}


def token_revoked(_jwt_header, jwt_data: dict) -> bool:
    """token_in_blocklist_loader: a token of an older epoch (or none, or of no user) is dead."""
    user = _user(jwt_data.get("sub"))
    return user is None or jwt_data.get(CLAIM) != epoch_of(user)


def revoked_answer(_jwt_header, _jwt_data):
    """revoked_token_loader: 401 with a translated JSON message."""
    return jsonify(message=str(ENDED)), 401, {"WWW-Authenticate": "Bearer"}


def init_jwt(jwt_manager) -> None:
    """Put the epoch into new tokens and refuse tokens of an older epoch."""
    jwt_manager.additional_claims_loader(token_claims)
    jwt_manager.token_in_blocklist_loader(token_revoked)
    jwt_manager.revoked_token_loader(revoked_answer)
