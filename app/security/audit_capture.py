"""Automatic audit of ORM changes: one event per created, changed or deleted business row."""
import logging

from flask_appbuilder.security.sqla.models import Role, User
from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from app.context import context_of
from app.models.audit import AuditEvent
from app.models.base import Stamped
from app.models.in_kind import CanteenMealRecord, Distribution, DistributionLine
from app.models.money import DisbursementBatch, DisbursementLine, Entitlement, LedgerEntry, LedgerLine
from app.models.org import School, UserScope
from app.security.audit import CREATE, DELETE, PAUSED, PENDING, UPDATE, WROTE, event_row, write_now

log = logging.getLogger(__name__)

# never stored: secrets, and bookkeeping that changes on every sign-in or save
SKIP_COLUMNS = frozenset({
    "password", "last_login", "login_count", "fail_login_count",
    "created_on", "changed_on", "created_by_fk", "changed_by_fk",
})
# many-to-many relations recorded as lists of names; others are FK columns already
RELATIONS = {User: ("roles", "groups"), Role: ()}
SUMMARY_COLUMNS = ("name", "username", "guardian_name", "code")


class AuditEventImmutable(RuntimeError):
    """Someone tried to change or delete an audit event through the ORM."""


def is_audited(obj) -> bool:
    """Business rows (Stamped), user scopes, and FAB's users and roles."""
    return isinstance(obj, (Stamped, UserScope, User, Role)) and not isinstance(obj, AuditEvent)


def _columns(state):
    """Keys of the mapped columns worth recording."""
    for prop in state.mapper.column_attrs:
        if prop.key not in SKIP_COLUMNS:
            yield prop.key


def _relations(state):
    """Keys of the many-to-many relations recorded for this kind of row."""
    names = RELATIONS.get(type(state.obj()))
    if names is not None:
        return [n for n in names if n in state.mapper.relationships]
    return [r.key for r in state.mapper.relationships if r.secondary is not None]


def _names(items) -> list[str]:
    """A collection as a sorted list of display names."""
    return sorted(str(i) for i in items or ())


def _loaded_values(state) -> dict:
    """Loaded column and relation values of a row (nothing is fetched from the database)."""
    values = {key: state.dict[key] for key in _columns(state) if key in state.dict}
    for key in _relations(state):
        if state.dict.get(key):
            values[key] = _names(state.dict[key])
    return values


def _diff(state) -> tuple[dict, dict]:
    """Old and new values of the columns and relations that really changed."""
    old, new = {}, {}
    for key in _columns(state):
        hist = state.attrs[key].history
        if not hist.added:
            continue
        before = hist.deleted[0] if hist.deleted else None
        if hist.deleted and before == hist.added[0]:
            continue
        old[key], new[key] = before, hist.added[0]
    for key in _relations(state):
        hist = state.attrs[key].history
        if hist.added or hist.deleted:
            old[key] = _names(list(hist.unchanged) + list(hist.deleted))
            new[key] = _names(list(hist.unchanged) + list(hist.added))
    return old, new


def _school_id(state):
    """The school a row belongs to: its school_id, itself, or its loaded pupil's school."""
    if "school_id" in state.dict:
        return state.dict["school_id"]
    if isinstance(state.obj(), School):
        return state.dict.get("id")
    student = state.dict.get("student")
    return getattr(student, "school_id", None)


def _summary(state) -> str | None:
    """A short name of the row from its own loaded columns (no lazy loading)."""
    for key in SUMMARY_COLUMNS:
        if state.dict.get(key):
            return str(state.dict[key])
    return None


def _row(ctx, action: str, state, old, new) -> dict:
    """One event row for a changed ORM instance, by the context's actor."""
    mapper = state.mapper
    key = [state.dict.get(mapper.get_property_by_column(col).key) for col in mapper.primary_key]
    return event_row(
        ctx, action, entity=state.mapper.persist_selectable.name,
        entity_id=",".join(str(k) for k in key if k is not None) or None, detail=_summary(state),
        old=old, new=new, school_id=_school_id(state),
    )


def _changes(session) -> list[dict]:
    """Event rows for the instances of this flush (pks of new rows are known by now)."""
    rows, ctx = [], context_of(session)
    for obj in session.new:
        if is_audited(obj):
            rows.append(_row(ctx, CREATE, inspect(obj), None, _loaded_values(inspect(obj))))
    for obj in session.dirty:
        if is_audited(obj):
            old, new = _diff(inspect(obj))
            if new or old:
                rows.append(_row(ctx, UPDATE, inspect(obj), old, new))
    for obj in session.deleted:
        if is_audited(obj):
            rows.append(_row(ctx, DELETE, inspect(obj), _loaded_values(inspect(obj)), None))
    return rows


def _after_flush(session, flush_context) -> None:
    """Insert this flush's events in the same transaction: one statement, whatever the row count."""
    session.info[WROTE] = True
    if session.info.get(PAUSED):
        return
    rows = _changes(session)
    if rows:
        session.connection().execute(insert(AuditEvent.__table__), rows)


APPEND_ONLY = (AuditEvent, LedgerEntry, LedgerLine)  # never changed nor deleted
NEVER_DELETED = (*APPEND_ONLY, DisbursementBatch, DisbursementLine, Entitlement, Distribution, DistributionLine,
                 CanteenMealRecord)  # kept (30 years for the books)


def _guard(session, flush_context, instances) -> None:
    """Refuse to flush a changed audit event or ledger row, or a deleted one or payment record (the
    database refuses them too: triggers of migrations 7b00de66d6d9 and e13a01money)."""
    for obj in session.deleted:
        if isinstance(obj, NEVER_DELETED):
            raise AuditEventImmutable(f"{type(obj).__tablename__} rows cannot be deleted")
    for obj in session.dirty:
        if isinstance(obj, APPEND_ONLY) and session.is_modified(obj):
            raise AuditEventImmutable(f"{type(obj).__tablename__} rows cannot be changed")


def _mark_write(orm_execute_state) -> None:
    """Bulk UPDATE/DELETE/INSERT through the session also take SQLite's write lock."""
    if not orm_execute_state.is_select:
        orm_execute_state.session.info[WROTE] = True


def _after_transaction_end(session, transaction) -> None:
    """When the outermost transaction ends, write the events deferred for SQLite's lock."""
    if transaction.parent is not None:
        return
    session.info.pop(WROTE, None)
    rows = session.info.pop(PENDING, None)
    if rows:
        try:
            write_now(rows)
        except Exception:  # an event hook must not break the request that ended the transaction
            log.exception("could not write %d deferred audit events", len(rows))


LISTENERS = (
    ("before_flush", _guard),
    ("after_flush", _after_flush),
    ("do_orm_execute", _mark_write),
    ("after_transaction_end", _after_transaction_end),
)


def listen() -> None:
    """Attach the listeners to every Session, once per process."""
    for name, fn in LISTENERS:
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)
