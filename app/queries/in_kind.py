"""Read models of aid in kind, scoped: a term's distributions and meal records, a distribution's register
(实物发放登记表) and the canteen's meal register of a term; money summed as Decimal."""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.models import (
    AidItem,
    CanteenMealRecord,
    Distribution,
    DistributionLine,
    FundAccount,
    InKindStatus,
    School,
    Student,
    Term,
    Tier,
)
from app.security.scope import Scope, criterion, limit

ZERO = Decimal("0.00")
PAGE = 50


def _where(model, scope: Scope) -> list:
    found = criterion(model, scope)
    return [] if found is None else [found]


def distributions(session, scope: Scope, term_id: int, *, page: int = 1) -> tuple[list, dict, bool]:
    """(the term's distributions in scope, newest first, one page; {id: pupils listed}; whether there are more)."""
    rows = limit(session.query(Distribution), Distribution, scope).options(
        joinedload(Distribution.school), joinedload(Distribution.aid_item)).filter(
        Distribution.term_id == term_id).order_by(Distribution.handed_on.desc(), Distribution.id.desc()).offset(
        (page - 1) * PAGE).limit(PAGE + 1).all()
    ids = [row.id for row in rows[:PAGE]]
    counts = dict(session.execute(select(DistributionLine.distribution_id, func.count()).where(
        DistributionLine.distribution_id.in_(ids)).group_by(DistributionLine.distribution_id)).all()) if ids else {}
    return rows[:PAGE], counts, len(rows) > PAGE


def several_paying(allocations) -> list[FundAccount]:
    """Of allocations, the fund accounts of each school's item allocated by more than one account (for a
    form to ask which pays; none when every school's item has one)."""
    by_pair: dict = {}
    for allocation in allocations:
        by_pair.setdefault((allocation.school_id, allocation.aid_item_id), []).append(allocation.fund_account)
    found = {a.id: a for accounts in by_pair.values() if len(accounts) > 1 for a in accounts}
    return sorted(found.values(), key=lambda a: (a.fiscal_year, a.code))


def meal_records(session, scope: Scope, term_id: int) -> list[CanteenMealRecord]:
    """The term's meal records in scope (a few per school), by school and month."""
    return limit(session.query(CanteenMealRecord), CanteenMealRecord, scope).options(
        joinedload(CanteenMealRecord.school)).filter(
        CanteenMealRecord.term_id == term_id).join(School, School.id == CanteenMealRecord.school_id).order_by(
        School.code, CanteenMealRecord.month, CanteenMealRecord.id).all()


@dataclass(frozen=True)
class DistributionHeading:
    """What the register says of its distribution."""

    id: int
    school: str
    term: str
    item: str
    handed_on: date
    description: str
    unit_value: Decimal
    status: InKindStatus


@dataclass(frozen=True)
class DistributionRow:
    """One pupil's line of the register."""

    seq: int
    name: str
    grade: int
    class_name: str
    tier: str
    quantity: int
    value: Decimal
    received: bool


@dataclass(frozen=True)
class DistributionRegister:
    distribution: DistributionHeading
    lines: list[DistributionRow]

    @property
    def count(self) -> int:
        return len(self.lines)

    @property
    def total(self) -> Decimal:
        """The value of what the pupils listed received (all of them, before confirmation)."""
        return sum((line.value for line in self.lines if line.received), ZERO)


def distribution_register(session, scope: Scope, distribution_id: int) -> DistributionRegister | None:
    """The register of a distribution in scope (None otherwise), pupils by grade and class."""
    head = session.execute(
        select(Distribution.id, School.name, Term.name, AidItem.name, Distribution.handed_on, Distribution.description,
               Distribution.unit_value, Distribution.status)
        .join(School, School.id == Distribution.school_id).join(Term, Term.id == Distribution.term_id)
        .join(AidItem, AidItem.id == Distribution.aid_item_id)
        .where(Distribution.id == distribution_id, *_where(Distribution, scope))).first()
    if head is None:
        return None
    rows = session.execute(
        select(Student.name, Student.grade, Student.class_name, Tier.name, DistributionLine.quantity,
               DistributionLine.value, DistributionLine.received)
        .join(Student, Student.id == DistributionLine.student_id).outerjoin(Tier, Tier.id == DistributionLine.tier_id)
        .where(DistributionLine.distribution_id == distribution_id)
        .order_by(Student.grade, Student.class_name, Student.id)).all()
    lines = [DistributionRow(n, name, grade, class_name, tier or "", quantity, value, received)
             for n, (name, grade, class_name, tier, quantity, value, received) in enumerate(rows, start=1)]
    return DistributionRegister(DistributionHeading(*head), lines)


@dataclass(frozen=True)
class MealRegister:
    """The canteen's meal records of a school's term (drafts and confirmed ones)."""

    school: str
    term: str
    records: list[CanteenMealRecord]

    @property
    def total(self) -> Decimal:
        return sum((r.amount for r in self.records), ZERO)


def meal_register(session, scope: Scope, school_id: int, term_id: int) -> MealRegister | None:
    """The meal register of a school in scope for a term (None when the school is not in scope)."""
    school = limit(session.query(School).filter(School.id == school_id), School, scope).one_or_none()
    term = session.get(Term, term_id)
    if school is None or term is None:
        return None
    records = limit(session.query(CanteenMealRecord), CanteenMealRecord, scope).filter(
        CanteenMealRecord.school_id == school.id, CanteenMealRecord.term_id == term.id,
        CanteenMealRecord.status != InKindStatus.CANCELLED).order_by(CanteenMealRecord.month).all()
    return MealRegister(school.name, term.name, records)
