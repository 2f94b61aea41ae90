"""Carrying entitlements over (结转) from one term to the next term of the same school year.

`carry_over_preview` shows, for each entitlement of the term before, whether it goes to the new term
(with the tier of the standing decision and the amount of the standard in force at the new term's
start) or the reason it does not. `carry_over` writes exactly what the preview shows, in the caller's
transaction, each new row naming the one it was carried from; run twice, it adds nothing.

Commands never commit; the runner does.
"""
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.commands.entitlements import LEVEL, _items, _set, _standards, _standing
from app.commands.locking import lock_all
from app.context import Context
from app.errors import DomainError, NotFound, Stale
from app.labels import enum_label
from app.models import Application, Entitlement, EntitlementStatus, School, Student, StudentStatus, Term, Tier
from app.security import audit
from app.security.scope import limit
from app.services import entitlement_rules as rules

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


class TermNotFound(NotFound):
    """No such term."""


class SchoolNotInScope(NotFound):
    """The school asked for does not exist or is not one of the user's (answered as 404)."""


class CarryOverRefused(DomainError):
    """The terms given cannot be carried from one to the other."""


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
