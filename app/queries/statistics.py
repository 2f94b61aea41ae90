"""The statistical reports' figures (统计报表), scoped, every count and sum made in SQL (GROUP BY), money as
Decimal to the fen: the aided pupils of a term (受助学生名单), the approved identifications per school and tier
(认定结果汇总), the aid per school, item and term (资助统计汇总表) and the use of each fund account per item
(资金使用情况表), the latter read from the ledger's books as app/queries/money.py reads them."""
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, distinct, func, or_, select
from sqlalchemy.orm import aliased

from app.models import (
    AidItem,
    Application,
    ApplicationStatus,
    Book,
    DisbursementLine,
    Entitlement,
    EntitlementStatus,
    FundAccount,
    LedgerLine,
    LineStatus,
    School,
    Student,
    Term,
    Tier,
)
from app.queries.money import book_sum, cents
from app.security.scope import Scope, criterion

ZERO = Decimal("0.00")


def _scoped(model, scope: Scope, school_id: int | None) -> list:
    """The scope's condition on `model`, and the school chosen (for a district user)."""
    found = [w for w in (criterion(model, scope),) if w is not None]
    if school_id is not None:
        found.append(model.school_id == school_id)
    return found


def schools_in_scope(session, scope: Scope, school_id: int | None = None) -> list[tuple[int, str]]:
    """(id, name) of the schools in scope (or the one chosen), by name."""
    query = select(School.id, School.name).where(*_scoped(School, scope, None)).order_by(School.name, School.id)
    if school_id is not None:
        query = query.where(School.id == school_id)
    return [tuple(row) for row in session.execute(query)]


# 受助学生名单 -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AidedPupil:
    """One pupil's entitlement to one item in the term, and what was paid on it."""

    student_id: int
    school: str
    grade: int
    class_name: str
    name: str
    tier: str
    item: str
    status: EntitlementStatus
    entitled: Decimal
    paid: Decimal


def _paid_per_entitlement(term_id: int):
    return (select(DisbursementLine.entitlement_id.label("entitlement_id"),
                   func.sum(DisbursementLine.amount).label("paid"))
            .where(DisbursementLine.term_id == term_id, DisbursementLine.status == LineStatus.PAID)
            .group_by(DisbursementLine.entitlement_id).subquery())


def _aided_where(scope: Scope, term_id: int, school_id: int | None) -> list:
    return [Entitlement.term_id == term_id, *_scoped(Entitlement, scope, school_id)]


def aided_pupil_count(session, scope: Scope, term_id: int, school_id: int | None = None) -> int:
    """How many lines the list holds (one per pupil and item)."""
    return session.execute(select(func.count(Entitlement.id))
                           .where(*_aided_where(scope, term_id, school_id))).scalar_one()


def aided_pupils(session, scope: Scope, term_id: int, school_id: int | None = None, *,
                 chunk: int = 1000) -> Iterator[list[AidedPupil]]:
    """The term's entitlements in scope, by school, grade, class and name, `chunk` lines at a time (streamed
    from the database: a district's list is never all in memory). No ID numbers: names, classes and tiers
    as the payment register shows them."""
    paid = _paid_per_entitlement(term_id)
    school = aliased(School)  # the scope's condition selects from School: no correlation with this one
    query = (select(Student.id, school.name, Student.grade, Student.class_name, Student.name, Tier.name, AidItem.name,
                    Entitlement.status, Entitlement.amount, paid.c.paid)
             .select_from(Entitlement)
             .join(Student, Student.id == Entitlement.student_id)
             .join(school, school.id == Entitlement.school_id)
             .join(Tier, Tier.id == Entitlement.tier_id)
             .join(AidItem, AidItem.id == Entitlement.aid_item_id)
             .outerjoin(paid, paid.c.entitlement_id == Entitlement.id)
             .where(*_aided_where(scope, term_id, school_id))
             .order_by(school.name, Entitlement.school_id, Student.grade, Student.class_name, Student.name,
                       Student.id, AidItem.name, Entitlement.id)
             .execution_options(yield_per=chunk))
    for rows in session.execute(query).partitions(chunk):
        yield [AidedPupil(*r[:8], cents(r[8]), cents(r[9])) for r in rows]


# 认定结果汇总 -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class IdentificationSummary:
    """Approved identifications of a term: per school (rows) and tier (columns), with the totals."""

    tiers: list[str]
    rows: list[tuple[str, list[int], int]]  # school, count per tier, the school's total
    tier_totals: list[int]
    total: int


def approved(model=Application):
    """An identification that stands approved: approved, or archived after its approval."""
    return or_(model.status == ApplicationStatus.APPROVED,
               and_(model.status == ApplicationStatus.ARCHIVED, model.approved_on.is_not(None)))


def identification_summary(session, scope: Scope, term_id: int,
                           school_id: int | None = None) -> IdentificationSummary:
    """Counts of the term's approved identifications per school and final tier; every school in scope is
    listed (nought where none), every active tier and any other tier that holds a count."""
    counts = {(row[0], row[1]): row[2] for row in session.execute(
        select(Application.school_id, Application.final_tier_id, func.count(Application.id))
        .where(Application.term_id == term_id, approved(), *_scoped(Application, scope, school_id))
        .group_by(Application.school_id, Application.final_tier_id))}
    used = {tier_id for _school, tier_id in counts}
    tiers = [(t.id, t.name) for t in session.execute(
        select(Tier.id, Tier.name).where(or_(Tier.active.is_(True), Tier.id.in_(used - {None})))
        .order_by(Tier.rank.desc(), Tier.id))]
    if None in used:
        tiers.append((None, "-"))
    rows = []
    for sid, name in schools_in_scope(session, scope, school_id):
        per_tier = [counts.get((sid, tier_id), 0) for tier_id, _name in tiers]
        rows.append((name, per_tier, sum(per_tier)))
    tier_totals = [sum(row[1][i] for row in rows) for i in range(len(tiers))]
    return IdentificationSummary([name for _id, name in tiers], rows, tier_totals, sum(tier_totals))


# 资助统计汇总表 ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AidSummaryRow:
    """One school's aid of one item in one term."""

    school: str
    item: str
    term: str
    pupils_entitled: int
    entitled: Decimal
    pupils_paid: int
    paid_cash: Decimal  # the PAID lines of its batches
    paid_ledger: Decimal  # the PAID book: cash, in kind and meals, less recoveries


def aid_summary(session, scope: Scope, term_ids: list[int], school_id: int | None = None) -> list[AidSummaryRow]:
    """Per school, item and term (of `term_ids`): the pupils entitled (active) and their amount, the pupils
    paid and the sum of their PAID lines, and what the ledger's PAID book holds for it."""
    key = ("school_id", "aid_item_id", "term_id")
    entitled = {tuple(r[:3]): (r[3], cents(r[4])) for r in session.execute(
        select(Entitlement.school_id, Entitlement.aid_item_id, Entitlement.term_id,
               func.count(distinct(Entitlement.student_id)), func.sum(Entitlement.amount))
        .where(Entitlement.term_id.in_(term_ids), Entitlement.status == EntitlementStatus.ACTIVE,
               *_scoped(Entitlement, scope, school_id))
        .group_by(*(getattr(Entitlement, k) for k in key)))}
    paid = {tuple(r[:3]): (r[3], cents(r[4])) for r in session.execute(
        select(DisbursementLine.school_id, DisbursementLine.aid_item_id, DisbursementLine.term_id,
               func.count(distinct(DisbursementLine.student_id)), func.sum(DisbursementLine.amount))
        .where(DisbursementLine.term_id.in_(term_ids), DisbursementLine.status == LineStatus.PAID,
               *_scoped(DisbursementLine, scope, school_id))
        .group_by(*(getattr(DisbursementLine, k) for k in key)))}
    ledger = {tuple(r[:3]): cents(r[3]) for r in session.execute(
        select(LedgerLine.school_id, LedgerLine.aid_item_id, LedgerLine.term_id, func.sum(LedgerLine.amount))
        .where(LedgerLine.book == Book.PAID, LedgerLine.term_id.in_(term_ids), *_scoped(LedgerLine, scope, school_id))
        .group_by(*(getattr(LedgerLine, k) for k in key)))}
    keys = set(entitled) | set(paid) | {k for k, v in ledger.items() if v}
    schools = dict(session.execute(select(School.id, School.name).where(School.id.in_({k[0] for k in keys}))).all())
    items = dict(session.execute(select(AidItem.id, AidItem.name).where(AidItem.id.in_({k[1] for k in keys}))).all())
    terms = {t.id: (t.start_date, t.name) for t in session.execute(
        select(Term.id, Term.start_date, Term.name).where(Term.id.in_({k[2] for k in keys})))}
    rows = []
    for k in sorted(keys, key=lambda k: (schools.get(k[0], ""), k[0], items.get(k[1], ""), terms[k[2]][0])):
        n_entitled, amount = entitled.get(k, (0, ZERO))
        n_paid, cash = paid.get(k, (0, ZERO))
        rows.append(AidSummaryRow(schools.get(k[0], ""), items.get(k[1], ""), terms[k[2]][1], n_entitled, amount,
                                  n_paid, cash, ledger.get(k, ZERO)))
    return rows


def school_year_terms(session, term_id: int) -> list[int]:
    """The ids of the terms of the school year of the term, in order."""
    year = session.execute(select(Term.school_year_id).where(Term.id == term_id)).scalar_one_or_none()
    return list(session.scalars(select(Term.id).where(Term.school_year_id == year).order_by(Term.start_date)))


# 资金使用情况表 ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FundUseRow:
    """One fund account's money for one item (item None: what the account received and has not allocated)."""

    account_id: int
    account: str
    source: object  # FundSource
    fiscal_year: int
    item: str | None
    received: Decimal
    allocated: Decimal  # allocated to schools and not taken back: free, reserved and paid
    paid: Decimal
    remaining: Decimal  # not paid: unallocated (item None), or free and reserved in the allocations


def funds_use(session, scope: Scope, school_id: int | None = None) -> list[FundUseRow]:
    """Per fund account in scope and item, the sums of the ledger's books: the account's received (−budget)
    and unallocated on its own line, allocated, paid and what remains per item; a school (or the school
    chosen) sees the lines of its own books only."""
    where = [w for w in (criterion(LedgerLine, scope),) if w is not None]
    accounts = select(FundAccount.id)
    if (found := criterion(FundAccount, scope)) is not None and scope.school_id is None:
        accounts = accounts.where(found)
    if school_id is not None:
        where.append(LedgerLine.school_id == school_id)
    sums = session.execute(
        select(LedgerLine.fund_account_id, LedgerLine.aid_item_id, book_sum(Book.BUDGET), book_sum(Book.UNALLOCATED),
               book_sum(Book.ALLOCATED), book_sum(Book.RESERVED), book_sum(Book.PAID))
        .where(LedgerLine.fund_account_id.in_(accounts), *where)
        .group_by(LedgerLine.fund_account_id, LedgerLine.aid_item_id)).all()
    info = {r.id: r for r in session.execute(
        select(FundAccount.id, FundAccount.code, FundAccount.name, FundAccount.source, FundAccount.fiscal_year)
        .where(FundAccount.id.in_({r[0] for r in sums})))}
    items = dict(session.execute(select(AidItem.id, AidItem.name).where(
        AidItem.id.in_({r[1] for r in sums if r[1] is not None}))).all())
    rows = []
    for account_id, item_id, budget, unallocated, free, reserved, paid in sums:
        a = info[account_id]
        free, reserved, paid = cents(free), cents(reserved), cents(paid)
        if item_id is None:
            row = FundUseRow(a.id, f"{a.code} {a.name}", a.source, a.fiscal_year, None, -cents(budget),
                             ZERO, paid, cents(unallocated) + free + reserved)
        else:
            row = FundUseRow(a.id, f"{a.code} {a.name}", a.source, a.fiscal_year, items.get(item_id, ""),
                             -cents(budget), free + reserved + paid, paid, cents(unallocated) + free + reserved)
        if any((row.received, row.allocated, row.paid, row.remaining)):
            rows.append(row)
    return sorted(rows, key=lambda r: (-r.fiscal_year, r.account, r.item is not None, r.item or ""))
