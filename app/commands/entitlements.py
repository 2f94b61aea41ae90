"""Entitlements per term (动态调整): made by an approval, stopped when the identification or the pupil's
enrolment no longer stands. Carrying them over from autumn to spring is app/commands/carry_over.py.

- `entitle(ctx, application)`: called by the one approval step (identification.approve, which the
  notice's approval calls for each pupil): the pupil is entitled for the application's term to every
  active item needing identification with a standard in force at the term's start for their tier and
  boarding status (the rules: app/services/entitlement_rules.py), 就高 among exclusive items.
  Idempotent: a row per pupil, item and term (the unique constraint backs it); approving again after a
  re-assessment takes the stopped row up again with the new decision.
- Stopping: cancelling (取消认定) or re-assessing an application stops its active entitlements that
  are not paid (`stop_for_application`, called by those steps); a pupil whose status becomes
  transferred, dropped out or graduated has their active entitlements of the current and later terms
  stopped, by a flush hook (`listen`) that sees every change of the pupil's status, whichever page,
  API, import or command made it. A stopped row keeps its history: status STOPPED and the reason
  ("<code>: <detail>", shown by `stop_reason_text`), never deleted. An entitlement counts as paid once
  a payment line of it is paid or its batch is approved (entitlement_rules.keeps_payment).

Commands never commit; the runner does.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import event, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from app.context import Context, context_of
from app.labels import enum_label
from app.models import (
    AidItem,
    Application,
    DisbursementBatch,
    DisbursementLine,
    Entitlement,
    EntitlementStatus,
    Student,
    StudentStatus,
    Term,
)
from app.queries.aid_awards import LEVEL, plain_items
from app.queries.aid_awards import plain_standards as _standards  # carry_over reads them from here
from app.services import entitlement_rules as rules

STOP_LABELS = {
    rules.STOP_CANCELLED: _l("Identification cancelled"),
    rules.STOP_REASSESSED: _l("Sent back for re-assessment"),
    rules.STOP_LEFT: _l("No longer at the school"),
    rules.STOP_EXCLUSIVE: _l("Another aid item of the same group pays more (the higher one is kept)"),
}
REASON_WITH_DETAIL = _l("%(reason)s: %(detail)s")


# reading the rules' plain values ---------------------------------------------------------------

def _items(session) -> dict[int, AidItem]:
    """Every aid item, by id (a district has a handful)."""
    return {item.id: item for item in session.query(AidItem)}


def _standing(app: Application) -> bool:
    return rules.standing(app.status.value, app.approved_on is not None)


def _paid(session, entitlement_ids) -> set[int]:
    """Those of the entitlements that count as paid (a paid line, or one of an approved batch)."""
    ids = list(entitlement_ids)
    if not ids:
        return set()
    rows = session.execute(
        select(DisbursementLine.entitlement_id, DisbursementLine.status, DisbursementBatch.status)
        .join(DisbursementBatch, DisbursementBatch.id == DisbursementLine.batch_id)
        .where(DisbursementLine.entitlement_id.in_(ids)))
    return {eid for eid, line, batch in rows if rules.keeps_payment(line.value, batch.value)}


def _set(row, **values) -> bool:
    """Set the values that differ (an unchanged row is not written, versioned nor audited)."""
    changed = False
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    return changed


# entitling on approval ---------------------------------------------------------------------------

def entitle(ctx: Context, application: Application) -> list[Entitlement]:
    """Entitle the pupil of an approved application of a needy tier, for the application's term, to
    every item the rules give (none when no standard is in force: not an error); the rows written.

    A row the pupil has already for the item and term is taken up with this decision (tier, amount,
    application; active again if it was stopped) unless it is paid; an active, unpaid row of another
    item of an exclusive group the decision settles otherwise is stopped. Calling it again changes
    nothing.
    """
    session, app = ctx.session, application
    tier = app.final_tier
    pupil = app.student
    if not _standing(app) or tier is None or not tier.is_needy or pupil.status is not StudentStatus.ENROLLED:
        return []
    term = app.term
    items = _items(session)
    existing = {row.aid_item_id: row for row in session.query(Entitlement).filter(
        Entitlement.student_id == pupil.id, Entitlement.term_id == term.id)}
    paid = _paid(session, [row.id for row in existing.values()])
    held = [rules.Award(row.aid_item_id, row.amount, items[row.aid_item_id].exclusivity_group)
            for row in existing.values() if row.id in paid and row.status is EntitlementStatus.ACTIVE]
    kept, _dropped = rules.awards_for(plain_items(items.values()), _standards(session), day=term.start_date,
                                      tier_id=tier.id, boarding=pupil.boarding, school_days=term.school_days,
                                      level=LEVEL, held=held)
    written = []
    for award in kept:
        row = existing.get(award.item_id)
        values = dict(application_id=app.id, tier_id=tier.id, boarding=bool(pupil.boarding), amount=award.amount,
                      aid_standard_id=award.standard_id, school_id=pupil.school_id)
        if row is None:
            row = Entitlement(student_id=pupil.id, term_id=term.id, aid_item_id=award.item_id,
                              status=EntitlementStatus.ACTIVE, **values)
            session.add(row)
            written.append(row)
        elif row.id not in paid and _set(row, **values, status=EntitlementStatus.ACTIVE, stop_reason=None,
                                         carried_from_id=row.carried_from_id if row.application_id == app.id
                                         else None):
            written.append(row)
    groups = {items[a.item_id].exclusivity_group for a in kept} - {None}
    kept_items = {a.item_id for a in kept}
    losers = [row for item_id, row in existing.items() if item_id not in kept_items
              and row.status is EntitlementStatus.ACTIVE and items[item_id].exclusivity_group in groups]
    _stop(session, losers, rules.stop_reason(rules.STOP_EXCLUSIVE), paid)
    session.flush()
    return written


# stopping ----------------------------------------------------------------------------------------

def _stop(session, rows, reason: str, paid: set | None = None) -> list[Entitlement]:
    """Stop the active rows that are not paid, with the stored reason; the rows stopped."""
    rows = [row for row in rows if row.status is EntitlementStatus.ACTIVE]
    if paid is None:
        paid = _paid(session, [row.id for row in rows])
    stopped = [row for row in rows if row.id not in paid]
    for row in stopped:
        row.status, row.stop_reason = EntitlementStatus.STOPPED, reason
    return stopped


def stop_for_application(ctx: Context, application: Application, code: str, detail: str = "") -> list[Entitlement]:
    """Stop the application's active entitlements that are not paid, every term (cancelled:
    rules.STOP_CANCELLED, re-assessed: rules.STOP_REASSESSED, with the reason given); the rows stopped."""
    rows = ctx.session.query(Entitlement).filter(
        Entitlement.application_id == application.id, Entitlement.status == EntitlementStatus.ACTIVE).all()
    stopped = _stop(ctx.session, rows, rules.stop_reason(code, detail))
    ctx.session.flush()
    return stopped


def _current_unpaid(session, today, pupil_ids) -> tuple[list[Entitlement], set[int]]:
    """The pupils' active entitlements of the current and later terms, and which of them count as paid."""
    rows = (session.query(Entitlement).join(Term, Term.id == Entitlement.term_id)
            .filter(Entitlement.student_id.in_(list(pupil_ids)), Entitlement.status == EntitlementStatus.ACTIVE)
            .with_entities(Entitlement, Term.end_date).all())
    rows = [row for row, ends in rows if rules.current_or_later(ends, today)]
    return rows, _paid(session, [row.id for row in rows])


def stop_for_leaving(session, today, pupils: dict) -> list[Entitlement]:
    """Stop the active, unpaid entitlements of the current and later terms of pupils who left school
    (`pupils`: {student id: their new StudentStatus}); earlier terms keep theirs. Not flushed: the flush
    hook calls it inside a flush."""
    if not pupils:
        return []
    rows, paid = _current_unpaid(session, today, pupils)
    stopped = []
    for student_id, status in pupils.items():
        mine = [row for row in rows if row.student_id == student_id]
        stopped += _stop(session, mine, rules.stop_reason(rules.STOP_LEFT, status.value), paid)
    return stopped


def _status_of(value):
    """A pupil status as its enum member (a form may have set the text)."""
    return value if value is None or isinstance(value, StudentStatus) else StudentStatus(value)


def move_with_pupils(session, today, pupils: dict) -> list[Entitlement]:
    """Pupils moved to another school (`pupils`: {student id: the new school's id}) take their standing
    identification with them (认定结果随学籍转移): their active entitlements of the current and later
    terms not yet paid become the new school's to pay; a payment made or approved stays with the school
    whose batch holds it. Not flushed: the flush hook calls it inside a flush."""
    if not pupils:
        return []
    rows, paid = _current_unpaid(session, today, pupils)
    moved = [row for row in rows if row.id not in paid and row.school_id != pupils[row.student_id]]
    for row in moved:
        row.school_id = pupils[row.student_id]
    return moved


def _new_school(state) -> int | None:
    """The school a pupil's pending change sets (by the relation, as a form does, or the column), or
    None; move_with_pupils leaves the rows already at that school alone."""
    column, relation = state.attrs.school_id.history, state.attrs.school.history
    if relation.added and relation.added[0] is not None:
        return relation.added[0].id
    if column.added and (not column.deleted or column.added[0] != column.deleted[0]):  # an expired row: no old
        return column.added[0]
    return None


def _pupils_leaving(session, _flush_context, _instances) -> None:
    """Before every flush: pupils whose status this flush changes to transferred, dropped out or
    graduated have their current and later entitlements stopped; pupils moved to another school have
    those not yet paid moved with them; in the same flush."""
    leaving, moving, returning = {}, {}, []  # returning: pupils enrolled again
    for obj in session.dirty:
        if not isinstance(obj, Student):
            continue
        state = sa_inspect(obj)
        moved_to = _new_school(state)
        if moved_to is not None:
            moving[obj.id] = moved_to
        history = state.attrs.status.history
        if not history.added:
            continue
        new, old = _status_of(history.added[0]), _status_of(history.deleted[0]) if history.deleted else None
        if new is not None and rules.leaves_school(old.value if old else None, new.value):
            leaving[obj.id] = new
        elif new is StudentStatus.ENROLLED:
            returning.append(obj)
    moving = {pupil: school for pupil, school in moving.items() if pupil not in leaving and school is not None}
    gone = [obj for obj in session.new if isinstance(obj, Student) and _recorded_gone(obj)]
    if leaving or moving or returning or gone:
        with session.no_autoflush:
            today = context_of(session).today
            _mark_left(today, gone + [obj for obj in session.dirty if isinstance(obj, Student) and obj.id in leaving],
                       returning)
            stop_for_leaving(session, today, leaving)
            move_with_pupils(session, today, moving)


def _recorded_gone(pupil: Student) -> bool:
    """A new pupil recorded as already gone (a form, the API, an import): they left by the day it is
    recorded, at the latest."""
    status = _status_of(pupil.status)
    return status is not None and rules.leaves_school(None, status.value)


def _mark_left(today, leaving: list[Student], returning: list[Student]) -> None:
    """The day of leaving on the pupils leaving school (the first kept when a status changes from one way
    of leaving to another), none on those enrolled again."""
    for pupil in leaving:
        if pupil.left_on is None:
            pupil.left_on = today
    for pupil in returning:
        pupil.left_on = None


def listen() -> None:
    """Attach the pupils' status hook to every Session, once per process (app/hooks.py), ahead of the
    stamp hook, so that the rows it stops are stamped and audited like any change."""
    if not event.contains(Session, "before_flush", _pupils_leaving):
        event.listen(Session, "before_flush", _pupils_leaving, insert=True)


def stop_reason_text(stored: str | None) -> str:
    """A stored stop reason in words ("Identification cancelled: 提供虚假收入证明")."""
    code, detail = rules.parse_stop_reason(stored)
    if code is None:
        return detail
    label = STOP_LABELS[code]
    if code == rules.STOP_LEFT and detail:
        try:
            detail = enum_label(StudentStatus(detail))
        except ValueError:
            pass
    return str(REASON_WITH_DETAIL % {"reason": label, "detail": detail}) if detail else str(label)
