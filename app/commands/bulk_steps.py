"""Many applications taking one workflow step at once (batch scoring): the bulk form of
`identification.transition`.

`transition_many` checks every application before any is written (one refusal refuses them all),
writes them together on their versions (StaleDataError when one changed meanwhile) and inserts
their workflow events together. It comes in two halves a caller may run apart: `plan_many` (the
Python half: check, convert, build the audit rows) and `BulkStep.write()` (the two statements), so
that a chunk's writing can overlap the reading of the next (`Chunks` in app/runner.py).
"""
from dataclasses import dataclass
from operator import attrgetter

from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm.exc import StaleDataError

from app.clock import utcnow
from app.commands import bulk_writes
from app.commands.identification import AUDITED, _state, _summary, check_step
from app.context import Context
from app.models import Application, ApplicationStatus
from app.models.audit import AuditEvent
from app.security import audit

APPLICATION = Application.__table__
AUDIT_EVENT = AuditEvent.__table__
_KEPT = object()  # an audited column a bulk step leaves as it is
# the columns of a workflow event as transition_many inserts them (the application's own two last)
EVENT_COLUMNS = ("occurred_at", "user_id", "username", "ip", "action", "entity", "summary", "old_values",
                 "new_values", "row_count", "request_id", "entity_id", "school_id")


def transition_many(ctx: Context, apps: list, step: str, change=None, *, detail="", memo: dict | None = None) -> list:
    """Take `step` on every one of `apps` as `transition` does, in bulk: all checked before any is
    written (one refusal refuses them all), written together on their versions (StaleDataError when
    one changed meanwhile), and their workflow events inserted together; returns the new statuses.

    `apps` are the applications as the step read and locked them: ORM objects, or plain rows
    carrying what is checked, written and audited (id, version, status, school_id, school_year_id,
    student.district_id and the AUDITED columns). `change(app)` gives the columns the step sets beside
    the status, as a dict many applications may share (one result): each distinct change is converted
    and masked once (app/commands/bulk_writes.py). `detail` is a text, or a function of the
    application giving its own (a score per application). `memo`, a dict the caller keeps across the
    chunks of one bulk job, keeps each change's conversion for the next chunks. An ORM object written
    is expired.
    """
    planned = plan_many(ctx, apps, step, change, detail=detail, memo=memo)
    planned.write()
    return planned.targets


@dataclass(frozen=True)
class BulkStep:
    """A bulk step checked and converted, not yet written (`plan_many`): `write()` sends its
    statements on the connection of the transaction that read and locked the applications."""

    connection: object
    apps: list
    targets: list
    updates: list  # (changed columns, distinct converted values, rows: (case, id, version))
    events: tuple  # (cases, rows) of the workflow events, for bulk_writes.insert_cases

    def write(self) -> None:
        """Write every application on its id and version (StaleDataError when one changed meanwhile:
        nothing of the step is then kept) and insert their events; an ORM object written is expired."""
        for keys, cases, rows in self.updates:
            if bulk_writes.update_cases(self.connection, APPLICATION, keys, cases, rows) != len(rows):
                raise StaleDataError("an application changed while a bulk step was written")
        cases, rows = self.events
        bulk_writes.insert_cases(self.connection, AUDIT_EVENT, EVENT_COLUMNS[:-2], cases, EVENT_COLUMNS[-2:], rows)
        _expire(self.apps)


def plan_many(ctx: Context, apps: list, step: str, change=None, *, detail="", memo: dict | None = None) -> BulkStep:
    """transition_many up to its writing: every application checked, its change and its event
    converted for the database (the Python half of a bulk step, which a caller may overlap with the
    writing of the chunk before, `Chunks` in app/runner.py)."""
    session = ctx.session
    with audit.paused(session):  # what the step touched beside them is its part (a standard's first use)
        session.flush()  # every application stored (with its id) before the step
    checked, reviews = {}, {}  # a step's outcome depends on the status, the district and the school year only
    targets = [_checked(ctx, app, step, checked, reviews) for app in apps]
    changes = [change(app) if change is not None else {} for app in apps]
    connection = session.connection()
    events = _events(ctx, connection.dialect, apps, targets, changes, step, detail)  # the states before
    updates = _updates(ctx, connection.dialect, apps, targets, changes, {} if memo is None else memo)
    return BulkStep(connection, apps, targets, updates, events)


def _checked(ctx: Context, app, step: str, memo: dict, reviews: dict) -> ApplicationStatus:
    """check_step of one application of a bulk step, remembered per (status, district, school year)."""
    key = (app.status, app.student.district_id, app.school_year_id)
    found = memo.get(key)
    if found is None:
        found = memo[key] = ApplicationStatus(check_step(ctx, app, step, reviews=reviews))
    return found


def _events(ctx: Context, dialect, apps: list, targets: list, changes: list, step: str, detail) -> tuple:
    """The workflow event of each application (audit.event_row), converted for the database, as
    (cases, rows) for bulk_writes.insert_cases: events alike but for the application (same former
    state, audited change and summary) are one case, made once; each row is its case and the
    application's id and school."""
    made, audited, cases, rows, state = {}, {}, [], [], attrgetter(*AUDITED)
    for app, target, sets in zip(apps, targets, changes, strict=True):
        after = audited.get(id(sets))
        if after is None:  # `sets` kept in the memo, so its id stays its own
            after = audited[id(sets)] = (tuple(sets.get(name, _KEPT) for name in AUDITED), sets)
        key = (state(app), target, after[0], detail(app) if callable(detail) else detail)
        found = made.get(key)
        if found is None:
            old = _state(app)
            new = {name: sets.get(name, value) for name, value in old.items()} | {"status": target}
            row = audit.event_row(ctx, audit.WORKFLOW, entity="application", old=old, new=new,
                                  detail=_summary(step, key[-1]))
            if set(row) != set(EVENT_COLUMNS):  # an event column added: written here too, never dropped
                raise ValueError(f"audit event columns changed: {sorted(set(row) ^ set(EVENT_COLUMNS))}")
            found = made[key] = len(cases)
            cases.append(bulk_writes.converter(dialect, AUDIT_EVENT, EVENT_COLUMNS[:-2])(
                [row[column] for column in EVENT_COLUMNS[:-2]]))
        rows.append((found, str(app.id), app.school_id))
    return cases, rows


def _updates(ctx: Context, dialect, apps: list, targets: list, changes: list, memo: dict) -> list:
    """Each application's new status and values, its id and version, and the change's stamp, grouped
    by the columns changed: (columns, distinct converted values, rows) for one bulk_writes.update_cases
    each (each distinct change given once)."""
    stamped = {"changed_on": utcnow()} | ({"changed_by_fk": ctx.actor.user_id} if ctx.actor.user_id is not None else {})
    stamps = bulk_writes.converter(dialect, APPLICATION, tuple(stamped))(stamped.values())
    if len(memo) > 100_000:
        memo.clear()
    groups = {}  # changed columns → (cases, their positions by change, rows)
    for app, target, sets in zip(apps, targets, changes, strict=True):
        key = (target, id(sets))
        found = memo.get(key)
        if found is None:  # converted once per distinct change; `sets` kept so its id stays its own
            keys = ("status", *sets)
            found = memo[key] = (keys, bulk_writes.converter(dialect, APPLICATION, keys)(
                (target, *sets.values())), sets)
        group = groups.get(found[0])
        if group is None:
            group = groups[found[0]] = ([], {}, [])
        case = group[1].get(key)
        if case is None:
            case = group[1][key] = len(group[0])
            group[0].append((*found[1], *stamps))
        group[2].append((case, app.id, app.version))
    return [((*keys, *stamped), cases, rows) for keys, (cases, _positions, rows) in groups.items()]


def _expire(apps: list) -> None:
    """ORM objects among `apps` expired, so that they read what was written (plain rows have nothing
    to expire)."""
    for app in apps:
        if hasattr(app, "_sa_instance_state"):
            owner = sa_inspect(app).session  # the Session itself (ctx.session may be its scoped proxy)
            if owner is not None:
                owner.expire(app)
