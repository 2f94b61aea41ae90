"""Audit trail entry points: record() for explicit events, init_app() for the automatic capture."""
import logging
import re
from contextlib import contextmanager
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert

from app.context import Context
from app.extensions import db
from app.models.audit import AuditEvent
from app.services.masking import mask_bank_account, mask_column, mask_id_number, mask_phone

log = logging.getLogger(__name__)

CREATE, UPDATE, DELETE = "create", "update", "delete"
LOGIN, LOGIN_FAILED, LOGOUT, DENIED = "login", "login_failed", "logout", "denied"
EXPORT, REVEAL, IMPORT, APPROVE, JOB = "export", "reveal", "import", "approve", "job"
WORKFLOW = "workflow"
MONEY = "money"  # a ledger entry, a batch step

ACTION_LABELS = {
    CREATE: _l("Created"),
    UPDATE: _l("Changed"),
    DELETE: _l("Deleted"),
    LOGIN: _l("Signed in"),
    LOGIN_FAILED: _l("Failed sign-in"),
    LOGOUT: _l("Signed out"),
    DENIED: _l("Access denied"),
    EXPORT: _l("Exported"),
    REVEAL: _l("Full value viewed"),
    IMPORT: _l("Imported"),
    APPROVE: _l("Approval"),
    JOB: _l("Background job"),
    WORKFLOW: _l("Identification step"),
    MONEY: _l("Money"),
}

PENDING = "audit_pending"  # session.info: events to write once the session's transaction ends
WROTE = "audit_wrote"  # session.info: the open transaction holds writes, hence locks
PAUSED = "audit_paused"  # session.info: per-row capture paused (a bulk import records one event)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# ID numbers, card numbers and phone numbers inside any text (学籍号 G + ID number, notes, reasons,
# minutes, objections, old → new values); the first that matches a stretch of digits wins
_EMBEDDED = (
    (re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])"), mask_id_number),
    (re.compile(r"(?<![0-9])[0-9]{16,19}(?![0-9])"), lambda m: mask_bank_account(m).replace(" ", "")),
    (re.compile(r"(?<![0-9])[0-9]{14}[0-9Xx](?![0-9])"), mask_id_number),  # 15-character ID numbers
    (re.compile(r"(?<![0-9])1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}(?![0-9])"), mask_phone),  # mobiles
    (re.compile(r"(?<![0-9])0[0-9]{2,3}[ -]?[0-9]{7,8}(?![0-9])"), mask_phone),  # landlines
)


def json_safe(value):
    """A value JSON can hold: dates as ISO strings, decimals as strings, enums by value."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return json_safe(value.value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return [json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    return str(value)


def scrub(value):
    """Mask ID, card and phone numbers embedded in a text (a 学籍号 contains the ID number)."""
    if not isinstance(value, str):
        return value
    for pattern, hide in _EMBEDDED:
        value = pattern.sub(lambda m, hide=hide: hide(m.group()), value)
    return value


def _clean(key, value):
    """One JSON-safe value: masked by its key's kind, nested keys too, free text scrubbed."""
    if isinstance(value, dict):
        return {k: _clean(k, v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(key, v) for v in value]
    return scrub(mask_column(key, value))


def masked(values: dict | None) -> dict | None:
    """Values made JSON-safe, sensitive columns masked as in the UI (in nested JSON too), embedded
    numbers scrubbed from every text."""
    if values is None:
        return None
    return _clean(None, json_safe(values))


def _text(value, length: int) -> str | None:
    """A short one-line text: control characters (CR, LF…) escaped, cut to the column length."""
    if value is None:
        return None
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", str(value))
    return text[:length]


def event_row(ctx: Context, action: str, *, entity=None, entity_id=None, detail=None, old=None, new=None,
              school_id=None, row_count=None) -> dict:
    """The column values of one audit_event row: who, when and from where as the context says."""
    return {
        "occurred_at": ctx.now,
        "user_id": ctx.actor.user_id,
        "username": _text(ctx.actor.username, 128),
        "ip": _text(ctx.actor.ip, 45),
        "action": _text(action, 24),
        "entity": _text(entity, 64),
        "entity_id": _text(entity_id, 64),
        "school_id": school_id,
        "summary": _text(scrub(detail), 255),
        "old_values": masked(old),
        "new_values": masked(new),
        "row_count": row_count,
        "request_id": ctx.request_id,
    }


def record(ctx: Context, action: str, *, entity: str | None = None, entity_id=None, detail: str | None = None,
           old: dict | None = None, new: dict | None = None, school_id: int | None = None,
           row_count: int | None = None, commit: bool = False) -> None:
    """Append one AuditEvent for the context's actor, at the context's time, in its session.

    commit=False: the event joins the caller's transaction (it exists iff the change commits).
    commit=True: the event is written in a transaction of its own, so that a rollback of the
    caller's work cannot lose it (sign-ins, failed sign-ins, sign-outs, denials): at once, or,
    when the session holds uncommitted writes, as soon as its transaction ends.
    """
    row = event_row(ctx, action, entity=entity, entity_id=entity_id, detail=detail, old=old, new=new,
                    school_id=school_id, row_count=row_count)
    session = ctx.session
    if not commit:
        session.add(AuditEvent(**row))
    elif session.info.get(WROTE):
        # a second connection could wait forever for this session's locks (SQLite: its one
        # write lock): the event is written as soon as the session's transaction ends, either way
        session.info.setdefault(PENDING, []).append(row)
    else:
        write_now([row])


def write_now(rows: list[dict]) -> None:
    """Insert events through a connection and transaction of their own."""
    with db.engine.begin() as conn:
        conn.execute(insert(AuditEvent.__table__), rows)


@contextmanager
def paused(session=None):
    """Pause the per-row capture, e.g. for an import that records one summary event instead."""
    session = session or db.session
    session.info[PAUSED] = True
    try:
        yield session
    finally:
        session.info.pop(PAUSED, None)


def init_app(app: Flask) -> None:
    """Attach the capture of every ORM change and the append-only guard (once per process)."""
    from app.security import audit_capture

    audit_capture.listen()
