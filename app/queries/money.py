"""Balances read from the ledger, never typed in: accounts, allocations, quotas, scoped.

Every figure is a SQL sum of ledger lines (app/models/money.py for the books and their signs):
an account has received −budget; it holds unallocated + allocated + reserved; an allocation's book
(school, item, term) has `available` (allocated, free), `reserved` (by approved batches not yet
answered) and `paid`; what was allocated to it is the three together. Of the free money, the batches
made and not yet approved (drafts and submitted ones, batch_flow.PENDING) hold their totals until
approval reserves them in the ledger: `drawable`, what a new batch can still draw on, is the free
money less what they hold (the one rule of the money page and the batch preview).
"""
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import case, func, select

from app.models import (
    LIVE_LINE,
    Allocation,
    BatchStatus,
    Book,
    DisbursementBatch,
    DisbursementLine,
    FundAccount,
    FundSource,
    LedgerLine,
    LineStatus,
    Quota,
)
from app.security.scope import Scope, criterion, limit
from app.services import batch_flow

ZERO = Decimal("0.00")


def cents(value) -> Decimal:
    """A sum from the database as Decimal to the fen (SQLite may answer a float or an int)."""
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def book_sum(book: Book):
    """SQL: the sum of the lines of one book (0 when none)."""
    return func.coalesce(func.sum(case((LedgerLine.book == book, LedgerLine.amount), else_=0)), 0)


@dataclass(frozen=True)
class AccountBalance:
    """One fund account's figures."""

    account_id: int
    received: Decimal
    unallocated: Decimal
    allocated: Decimal  # free in schools' allocations
    reserved: Decimal
    paid: Decimal

    @property
    def held(self) -> Decimal:
        """What the account still holds: received less paid."""
        return self.unallocated + self.allocated + self.reserved


def account_balances(session, scope: Scope, account_ids: list[int] | None = None) -> dict[int, AccountBalance]:
    """{account id: its balances} of the accounts in scope (all of them, or `account_ids`)."""
    accounts = select(FundAccount.id)
    where = criterion(FundAccount, scope)
    if where is not None:
        accounts = accounts.where(where)
    if account_ids is not None:
        accounts = accounts.where(FundAccount.id.in_(account_ids))
    rows = session.execute(
        select(LedgerLine.fund_account_id, book_sum(Book.BUDGET), book_sum(Book.UNALLOCATED),
               book_sum(Book.ALLOCATED), book_sum(Book.RESERVED), book_sum(Book.PAID))
        .where(LedgerLine.fund_account_id.in_(accounts)).group_by(LedgerLine.fund_account_id)).all()
    found = {row[0]: AccountBalance(row[0], -cents(row[1]), *(cents(v) for v in row[2:])) for row in rows}
    for account_id in session.execute(accounts).scalars():
        found.setdefault(account_id, AccountBalance(account_id, ZERO, ZERO, ZERO, ZERO, ZERO))
    return found


@dataclass(frozen=True)
class AllocationState:
    """One allocation's book (free, reserved, paid), what its batches not yet approved hold of the free
    money, and the places of its quota, when one is set."""

    allocation_id: int
    available: Decimal  # the ALLOCATED book: free, neither reserved nor paid
    reserved: Decimal  # by approved batches not yet answered by the bank
    paid: Decimal
    places: int | None = None
    places_used: int = 0
    held: Decimal = ZERO  # of the free money, by the batches made and not yet approved (batch_flow.PENDING)

    @property
    def drawable(self) -> Decimal:
        """What a new batch can still draw on: the free money less what batches not yet approved hold."""
        return self.available - self.held

    @property
    def allocated(self) -> Decimal:
        """All that was allocated (and not taken back)."""
        return self.available + self.reserved + self.paid

    @property
    def places_left(self) -> int | None:
        """Places of the quota not yet used (None: no quota)."""
        return None if self.places is None else self.places - self.places_used


def allocation_states(session, scope: Scope, *, term_id: int | None = None,
                      allocation_ids: list[int] | None = None) -> dict[int, AllocationState]:
    """{allocation id: its state} of the allocations in scope (of a term, or those named)."""
    query = select(Allocation.id, Allocation.fund_account_id, Allocation.school_id, Allocation.aid_item_id,
                   Allocation.term_id)
    where = criterion(Allocation, scope)
    if where is not None:
        query = query.where(where)
    if term_id is not None:
        query = query.where(Allocation.term_id == term_id)
    if allocation_ids is not None:
        query = query.where(Allocation.id.in_(allocation_ids))
    allocations = session.execute(query).all()
    if not allocations:
        return {}
    books = {}
    for row in session.execute(
            select(LedgerLine.fund_account_id, LedgerLine.school_id, LedgerLine.aid_item_id, LedgerLine.term_id,
                   book_sum(Book.ALLOCATED), book_sum(Book.RESERVED), book_sum(Book.PAID))
            .where(LedgerLine.book.in_((Book.ALLOCATED, Book.RESERVED, Book.PAID)),
                   LedgerLine.school_id.in_({a.school_id for a in allocations}),
                   LedgerLine.term_id.in_({a.term_id for a in allocations}))
            .group_by(LedgerLine.fund_account_id, LedgerLine.school_id, LedgerLine.aid_item_id,
                      LedgerLine.term_id)):
        books[tuple(row[:4])] = tuple(cents(v) for v in row[4:])
    quotas = {(q.school_id, q.aid_item_id, q.term_id): q.places for q in session.execute(
        select(Quota.school_id, Quota.aid_item_id, Quota.term_id, Quota.places).where(
            Quota.school_id.in_({a.school_id for a in allocations}),
            Quota.term_id.in_({a.term_id for a in allocations})))}
    used = {tuple(row[:3]): row[3] for row in session.execute(
        select(DisbursementLine.school_id, DisbursementLine.aid_item_id, DisbursementLine.term_id, func.count())
        .where(DisbursementLine.status.in_(LIVE_LINE),
               DisbursementLine.school_id.in_({a.school_id for a in allocations}),
               DisbursementLine.term_id.in_({a.term_id for a in allocations}))
        .group_by(DisbursementLine.school_id, DisbursementLine.aid_item_id, DisbursementLine.term_id))}
    held = pending_totals(session, [a.id for a in allocations])
    found = {}
    for a in allocations:
        available, reserved, paid = books.get((a.fund_account_id, a.school_id, a.aid_item_id, a.term_id),
                                              (ZERO, ZERO, ZERO))
        place_key = (a.school_id, a.aid_item_id, a.term_id)
        found[a.id] = AllocationState(a.id, available, reserved, paid, quotas.get(place_key), used.get(place_key, 0),
                                      held.get(a.id, ZERO))
    return found


def pending_totals(session, allocation_ids: list[int]) -> dict[int, Decimal]:
    """{allocation id: the total of its batches made and not yet approved} (allocations without one left out)."""
    rows = session.execute(
        select(DisbursementBatch.allocation_id, func.sum(DisbursementBatch.total))
        .where(DisbursementBatch.allocation_id.in_(allocation_ids),
               DisbursementBatch.status.in_([BatchStatus(s) for s in batch_flow.PENDING]))
        .group_by(DisbursementBatch.allocation_id))
    return {allocation_id: cents(total) for allocation_id, total in rows}


@dataclass(frozen=True)
class Donation:
    """What one donor's accounts in scope received and paid, and to how many pupils (社会资助: per donor)."""

    donor: str
    accounts: int
    received: Decimal
    paid: Decimal
    pupils: int


def donations(session, scope: Scope) -> list[Donation]:
    """The donation accounts in scope, per donor (by name), largest first."""
    accounts = select(FundAccount.id, FundAccount.donor).where(FundAccount.source == FundSource.DONATION)
    where = criterion(FundAccount, scope)
    if where is not None:
        accounts = accounts.where(where)
    donors = {account_id: (donor or "").strip() for account_id, donor in session.execute(accounts)}
    if not donors:
        return []
    sums = {row[0]: (-cents(row[1]), cents(row[2])) for row in session.execute(
        select(LedgerLine.fund_account_id, book_sum(Book.BUDGET), book_sum(Book.PAID))
        .where(LedgerLine.fund_account_id.in_(list(donors))).group_by(LedgerLine.fund_account_id))}
    pupils: dict[str, set] = {}
    for account_id, student_id in session.execute(
            select(Allocation.fund_account_id, DisbursementLine.student_id).distinct()
            .join(DisbursementBatch, DisbursementBatch.id == DisbursementLine.batch_id)
            .join(Allocation, Allocation.id == DisbursementBatch.allocation_id)
            .where(Allocation.fund_account_id.in_(list(donors)), DisbursementLine.status == LineStatus.PAID)):
        pupils.setdefault(donors[account_id], set()).add(student_id)
    found: dict[str, list] = {}
    for account_id, donor in donors.items():
        received, paid = sums.get(account_id, (ZERO, ZERO))
        total = found.setdefault(donor, [0, ZERO, ZERO])
        total[0], total[1], total[2] = total[0] + 1, total[1] + received, total[2] + paid
    rows = [Donation(donor, n, received, paid, len(pupils.get(donor, ()))) for donor, (n, received, paid)
            in found.items()]
    return sorted(rows, key=lambda d: (-d.received, d.donor))


def paying_accounts(session, scope: Scope, school_id: int, aid_item_id: int, term_id: int) -> list[FundAccount]:
    """The fund accounts that allocated the item to the school for the term, in scope (a batch or an in-kind
    record pays from one)."""
    query = session.query(FundAccount).join(Allocation, Allocation.fund_account_id == FundAccount.id).filter(
        Allocation.school_id == school_id, Allocation.aid_item_id == aid_item_id, Allocation.term_id == term_id)
    return limit(query, Allocation, scope).order_by(FundAccount.fiscal_year, FundAccount.code).all()
