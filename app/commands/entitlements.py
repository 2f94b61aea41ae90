"""Entitlements per term (动态调整): made by an approval, stopped when the identification or the pupil's
enrolment no longer stands, carried over from autumn to spring of the same school year.

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
- `carry_over_preview` / `carry_over`: each entitlement of a term to the next term of the same school
  year, or the reason it does not go; `carry_over` writes exactly what the preview shows, in the
  caller's transaction, each new row naming the one it was carried from; run twice, it adds nothing.

Commands never commit; the runner does.
"""
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import event, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from app.commands.locking import lock_all
from app.context import Context, context_of
from app.errors import DomainError, NotFound, Stale
from app.labels import enum_label
from app.models import (
    AidItem,
    AidStandard,
    Application,
    DisbursementBatch,
    DisbursementLine,
    Entitlement,
    EntitlementStatus,
    School,
    SchoolLevel,
    Student,
    StudentStatus,
    Term,
    Tier,
)
from app.security import audit
from app.security.scope import limit
from app.services import entitlement_rules as rules

LEVEL = SchoolLevel.PRIMARY.value  # every school of Zizhu is a primary school

STOP_LABELS = {
    rules.STOP_CANCELLED: _l("Identification cancelled"),
    rules.STOP_REASSESSED: _l("Sent back for re-assessment"),
    rules.STOP_LEFT: _l("No longer at the school"),
    rules.STOP_EXCLUSIVE: _l("Another aid item of the same group pays more (the higher one is kept)"),
}
CARRY_LABELS = {
    rules.NEW_SCHOOL_YEAR: _l("A new school year needs a new identification"),
    rules.NOT_ENROLLED: _l("No longer enrolled (%(status)s)"),
    rules.CANCELLED: _l("Identification cancelled"),
    rules.REASSESSING: _l("Being re-assessed"),
    rules.NOT_APPROVED: _l("The identification is no longer approved"),
    rules.NOT_NEEDY: _l("The final tier is not a needy tier"),
    rules.STOPPED_BEFORE: _l("Stopped in the term before"),
    rules.ALREADY_ENTITLED: _l("Already entitled in the new term"),
    rules.ITEM_INACTIVE: _l("The aid item is no longer in use"),
    rules.NO_STANDARD: _l("No aid standard in force at the start of the new term"),
    rules.EXCLUSIVE: _l("Another aid item of the same group pays more (the higher one is kept)"),
}
REASON_WITH_DETAIL = _l("%(reason)s: %(detail)s")


class TermNotFound(NotFound):
    """No such term."""


class SchoolNotInScope(NotFound):
    """The school asked for does not exist or is not one of the user's (answered as 404)."""


class CarryOverRefused(DomainError):
    """The terms given cannot be carried from one to the other."""


# reading the rules' plain values ---------------------------------------------------------------

def _items(session) -> dict[int, AidItem]:
    """Every aid item, by id (a district has a handful)."""
    return {item.id: item for item in session.query(AidItem)}


def _plain_items(items) -> list[rules.Item]:
    return [rules.Item(i.id, i.exclusivity_group, bool(i.needs_identification), bool(i.active)) for i in items]


def _standards(session) -> list[rules.Standard]:
    """Every aid standard as plain values (a few per item)."""
    return [rules.Standard(id=s.id, aid_item_id=s.aid_item_id, amount=Decimal(s.amount),
                           effective_from=s.effective_from, effective_to=s.effective_to, tier_id=s.tier_id,
                           boarding=s.boarding, level=s.level.value, unit=s.unit.value)
            for s in session.query(AidStandard)]


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
    kept, _dropped = rules.awards_for(_plain_items(items.values()), _standards(session), day=term.start_date,
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


def stop_for_leaving(session, today, pupils: dict) -> list[Entitlement]:
    """Stop the active, unpaid entitlements of the current and later terms of pupils who left school
    (`pupils`: {student id: their new StudentStatus}); earlier terms keep theirs. Not flushed: the flush
    hook calls it inside a flush."""
    if not pupils:
        return []
    rows = (session.query(Entitlement).join(Term, Term.id == Entitlement.term_id)
            .filter(Entitlement.student_id.in_(list(pupils)), Entitlement.status == EntitlementStatus.ACTIVE)
            .with_entities(Entitlement, Term.end_date).all())
    rows = [row for row, ends in rows if rules.current_or_later(ends, today)]
    paid = _paid(session, [row.id for row in rows])
    stopped = []
    for student_id, status in pupils.items():
        mine = [row for row in rows if row.student_id == student_id]
        stopped += _stop(session, mine, rules.stop_reason(rules.STOP_LEFT, status.value), paid)
    return stopped


def _status_of(value):
    """A pupil status as its enum member (a form may have set the text)."""
    return value if value is None or isinstance(value, StudentStatus) else StudentStatus(value)


def _pupils_leaving(session, _flush_context, _instances) -> None:
    """Before every flush: pupils whose status this flush changes to transferred, dropped out or
    graduated have their current and later entitlements stopped, in the same flush."""
    leaving = {}
    for obj in session.dirty:
        if not isinstance(obj, Student):
            continue
        history = sa_inspect(obj).attrs.status.history
        if not history.added:
            continue
        new, old = _status_of(history.added[0]), _status_of(history.deleted[0]) if history.deleted else None
        if new is not None and rules.leaves_school(old.value if old else None, new.value):
            leaving[obj.id] = new
    if leaving:
        with session.no_autoflush:
            stop_for_leaving(session, context_of(session).today, leaving)


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


# carrying over to the next term -----------------------------------------------------------------

@dataclass(frozen=True)
class CarryLine:
    """One entitlement of the term before: carried over (`reason` None: the tier, amount and standard of
    the new term) or not, and why (`reason`, a code of entitlement_rules; `message` in words)."""

    student_id: int
    student_name: str
    school_id: int
    grade: int
    class_name: str
    aid_item_id: int
    item_name: str
    from_entitlement_id: int
    previous_amount: Decimal
    boarding: bool
    tier_id: int | None = None
    tier_name: str | None = None
    amount: Decimal | None = None
    aid_standard_id: int | None = None
    application_id: int | None = None
    reason: str | None = None
    detail: str = ""  # the pupil's status, for NOT_ENROLLED
    reactivates_id: int | None = None  # the new term's stopped row of the pupil and item, taken up again

    @property
    def carries(self) -> bool:
        """Whether it carries over."""
        return self.reason is None

    @property
    def message(self):
        """Why it does not carry over, in words (None when it does)."""
        if self.reason is None:
            return None
        label = CARRY_LABELS[self.reason]
        if self.reason == rules.NOT_ENROLLED:
            return label % {"status": enum_label(StudentStatus(self.detail))}
        return label

    def key(self) -> tuple:
        """What the line decides, for the preview's fingerprint."""
        return (self.student_id, self.aid_item_id, self.from_entitlement_id, self.reason, self.tier_id,
                str(self.amount), self.aid_standard_id, self.boarding, self.application_id, self.reactivates_id,
                self.school_id)


@dataclass(frozen=True)
class PupilCarry:
    """A pupil's lines: `carries` when any item carries over; `reasons` the codes of those that do not."""

    student_id: int
    student_name: str
    lines: tuple

    @property
    def carries(self) -> bool:
        return any(line.carries for line in self.lines)

    @property
    def reasons(self) -> tuple:
        return tuple(dict.fromkeys(line.reason for line in self.lines if line.reason is not None))


@dataclass(frozen=True)
class CarryOverPreview:
    """What carrying the term's entitlements over to the next term would do, line by line (by pupil,
    then item); `fingerprint` names it, so that carry_over may refuse when it changed meanwhile."""

    from_term_id: int
    to_term_id: int
    school_id: int | None
    lines: tuple

    @property
    def carried(self) -> list[CarryLine]:
        return [line for line in self.lines if line.carries]

    @property
    def left(self) -> list[CarryLine]:
        return [line for line in self.lines if not line.carries]

    @property
    def pupils(self) -> list[PupilCarry]:
        """The lines per pupil, in order."""
        found: dict[int, list] = {}
        for line in self.lines:
            found.setdefault(line.student_id, []).append(line)
        return [PupilCarry(sid, lines[0].student_name, tuple(lines)) for sid, lines in found.items()]

    @property
    def total(self) -> Decimal:
        """The sum of the amounts carried over."""
        return sum((line.amount for line in self.carried), Decimal("0.00"))

    @property
    def fingerprint(self) -> str:
        text = repr((self.from_term_id, self.to_term_id, self.school_id, [line.key() for line in self.lines]))
        return hashlib.sha256(text.encode()).hexdigest()


def _term(session, term_id: int) -> Term:
    term = session.get(Term, term_id) if term_id is not None else None
    if term is None:
        raise TermNotFound(_l("No such term."))
    return term


def _check_school(ctx: Context, school_id: int | None) -> None:
    """A school outside the user's scope is refused as if it did not exist."""
    if school_id is None:
        return
    query = limit(ctx.session.query(School.id).filter(School.id == school_id), School, ctx.scope)
    if (ctx.scope.school_id is not None and school_id != ctx.scope.school_id) or query.first() is None:
        raise SchoolNotInScope(_l("No such school, or it is not yours."))


def _plan(ctx: Context, from_term_id: int, to_term_id: int, school_id: int | None, *, lock: bool) -> CarryOverPreview:
    session = ctx.session
    source, target = _term(session, from_term_id), _term(session, to_term_id)
    if target.start_date <= source.start_date:
        raise CarryOverRefused(_l("The new term must start after the term carried over from."))
    _check_school(ctx, school_id)
    query = limit(session.query(Entitlement).filter(Entitlement.term_id == source.id), Entitlement, ctx.scope)
    if school_id is not None:
        query = query.filter(Entitlement.school_id == school_id)
    ids = query.with_entities(Entitlement.id).subquery()
    pupil_ids = select(Entitlement.student_id).where(Entitlement.id.in_(select(ids.c.id)))
    app_ids = select(Entitlement.application_id).where(Entitlement.id.in_(select(ids.c.id)))
    if lock:  # what the plan reads stays as read until the carry-over commits (a step, a pupil's edit)
        apps = lock_all(session, session.query(Application).filter(Application.id.in_(app_ids)), Application)
        pupils = lock_all(session, session.query(Student).filter(Student.id.in_(pupil_ids)), Student)
    else:
        apps = session.query(Application).filter(Application.id.in_(app_ids)).all()
        pupils = session.query(Student).filter(Student.id.in_(pupil_ids)).all()
    apps, pupils = {a.id: a for a in apps}, {p.id: p for p in pupils}
    rows = query.order_by(Entitlement.student_id, Entitlement.aid_item_id).all()
    later = {}
    for row in session.query(Entitlement).filter(Entitlement.term_id == target.id,
                                                 Entitlement.student_id.in_(pupil_ids)):
        later.setdefault(row.student_id, {})[row.aid_item_id] = row
    items, standards = _items(session), _standards(session)
    tiers = {tier.id: tier for tier in session.query(Tier)}
    by_pupil: dict[int, list] = {}
    for row in rows:
        by_pupil.setdefault(row.student_id, []).append(row)
    lines = []
    for student_id, mine in by_pupil.items():
        lines += _pupil_lines(pupils[student_id], mine, apps, later.get(student_id, {}), items, standards, tiers,
                              source, target)
    return CarryOverPreview(source.id, target.id, school_id, tuple(lines))


def _pupil_lines(pupil, rows, apps, later, items, standards, tiers, source, target) -> list[CarryLine]:
    """The lines of one pupil's entitlements of the term before."""
    found, candidates, plans = [], [], {}
    held = [rules.Award(row.aid_item_id, row.amount, items[row.aid_item_id].exclusivity_group)
            for row in later.values() if row.status is EntitlementStatus.ACTIVE]
    for row in rows:
        app = apps[row.application_id]
        tier = tiers.get(app.final_tier_id) if _standing(app) and app.final_tier_id else tiers[row.tier_id]
        base = dict(student_id=pupil.id, student_name=pupil.name, school_id=pupil.school_id, grade=pupil.grade,
                    class_name=pupil.class_name, aid_item_id=row.aid_item_id, item_name=items[row.aid_item_id].name,
                    from_entitlement_id=row.id, previous_amount=row.amount, boarding=bool(pupil.boarding))
        reason = rules.pupil_reason(
            same_school_year=source.school_year_id == target.school_year_id, pupil_status=pupil.status.value,
            application_status=app.status.value, approved=app.approved_on is not None, needy=bool(tier.is_needy),
            stopped=row.status is EntitlementStatus.STOPPED)
        standard = None
        if reason is None:
            standard = rules.standard_for(standards, aid_item_id=row.aid_item_id, day=target.start_date,
                                          tier_id=tier.id, boarding=pupil.boarding, level=LEVEL)
            existing = later.get(row.aid_item_id)
            reason = rules.item_reason(
                entitled_already=existing is not None and existing.status is EntitlementStatus.ACTIVE,
                item_active=bool(items[row.aid_item_id].active), has_standard=standard is not None)
        if reason is not None:
            found.append(CarryLine(**base, reason=reason,
                                   detail=pupil.status.value if reason == rules.NOT_ENROLLED else ""))
            continue
        award = rules.Award(row.aid_item_id, rules.term_amount(standard, target.school_days),
                            items[row.aid_item_id].exclusivity_group, standard.id)
        candidates.append(award)
        existing = later.get(row.aid_item_id)
        plans[row.aid_item_id] = CarryLine(**base, tier_id=tier.id, tier_name=tier.name, amount=award.amount,
                                           aid_standard_id=standard.id, application_id=app.id,
                                           reactivates_id=existing.id if existing is not None else None)
    kept, dropped = rules.settle(candidates, held)
    found += [plans[a.item_id] for a in kept]
    found += [_without(plans[a.item_id], rules.EXCLUSIVE) for a in dropped]
    return sorted(found, key=lambda line: line.aid_item_id)


def _without(line: CarryLine, reason: str) -> CarryLine:
    """The line as not carried over, for `reason`."""
    return CarryLine(student_id=line.student_id, student_name=line.student_name, school_id=line.school_id,
                     grade=line.grade, class_name=line.class_name, aid_item_id=line.aid_item_id,
                     item_name=line.item_name, from_entitlement_id=line.from_entitlement_id,
                     previous_amount=line.previous_amount, boarding=line.boarding, reason=reason)


def carry_over_preview(ctx: Context, *, from_term_id: int, to_term_id: int,
                       school_id: int | None = None) -> CarryOverPreview:
    """Each entitlement of `from_term_id` in the user's scope (of `school_id` when given): carried over
    to `to_term_id` with the tier of the standing decision and the amount of the standard in force at
    the new term's start for the pupil as they are now, or the reason it is not. Writes nothing."""
    return _plan(ctx, from_term_id, to_term_id, school_id, lock=False)


def carry_over(ctx: Context, *, from_term_id: int, to_term_id: int, school_id: int | None = None,
               expected: str | None = None) -> list[Entitlement]:
    """Write what `carry_over_preview` shows, in the caller's transaction: a new row per line that
    carries (naming the row it was carried from), or the new term's stopped row taken up again. The
    pupils and applications read are locked until the transaction ends. `expected`, a preview's
    fingerprint: Stale when the carry-over would now differ from what was previewed. Returns the rows
    written; run again, nothing (each line then reads "already entitled")."""
    plan = _plan(ctx, from_term_id, to_term_id, school_id, lock=True)
    if expected is not None and expected != plan.fingerprint:
        raise Stale(_l("The carry-over changed after it was previewed (a pupil or an identification changed "
                       "meanwhile); nothing was carried over. Preview it again."))
    session, written = ctx.session, []
    for line in plan.carried:
        values = dict(school_id=line.school_id, application_id=line.application_id, tier_id=line.tier_id,
                      boarding=line.boarding, amount=line.amount, aid_standard_id=line.aid_standard_id,
                      carried_from_id=line.from_entitlement_id, status=EntitlementStatus.ACTIVE)
        if line.reactivates_id is not None:
            row = session.get(Entitlement, line.reactivates_id)
            _set(row, **values, stop_reason=None)
        else:
            row = Entitlement(student_id=line.student_id, term_id=plan.to_term_id, aid_item_id=line.aid_item_id,
                              **values)
            session.add(row)
        written.append(row)
    session.flush()
    if written:
        audit.record(ctx, audit.MONEY, entity="entitlement", school_id=school_id or ctx.scope.school_id,
                     detail=f"carry_over: term {plan.from_term_id} → {plan.to_term_id}", row_count=len(written),
                     new={"carried": len(written), "left": len(plan.left), "total": plan.total})
    return written
