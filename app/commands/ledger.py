"""The one writer of the books: every money event is posted here as one balanced entry.

`post` checks the entry (app/services/ledger.py: two lines or more, each a non-zero amount in whole
cents, summing to zero), writes it with its lines in the caller's transaction and audits it once.
It first locks the fund account's row (PostgreSQL: FOR UPDATE; SQLite: the write lock), so the
entries of one account are posted one at a time, and refuses an entry that would take any book but
the budget below zero: an allocation is never overspent, an account never allocates money it has
not received, whatever runs at the same time.
`reverse` undoes an entry with its mirror image, pointing at it (an entry is reversed at most once:
a unique column). Nothing here updates or deletes a ledger row, and the database refuses it.
"""
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.commands.locking import lock_one
from app.context import Context
from app.errors import DomainError, NotFound
from app.formatting import format_money
from app.models import Book, EntryKind, FundAccount, LedgerEntry, LedgerLine
from app.security import audit
from app.security.scope import limit
from app.services import ledger
from app.services.ledger import Line


class AlreadyReversed(DomainError):
    """The entry has been reversed already."""


class Overdrawn(DomainError):
    """An entry would take a book below zero (more than an allocation or an account holds)."""


OVERDRAWN = {  # the book taken from → the refusal, made with what is left and what was asked for
    Book.UNALLOCATED.value: lambda left, asked: _l(
        "The fund account has only %(left)s not yet allocated; %(asked)s were asked for.", left=left, asked=asked),
    Book.ALLOCATED.value: lambda left, asked: _l(
        "The allocation has only %(left)s left; %(asked)s were asked for.", left=left, asked=asked),
    Book.RESERVED.value: lambda left, asked: _l(
        "The batch holds only %(left)s; %(asked)s were asked for.", left=left, asked=asked),
    Book.PAID.value: lambda left, asked: _l(
        "Only %(left)s were paid; %(asked)s cannot be taken back.", left=left, asked=asked),
}


def lock_account(ctx: Context, account_id: int) -> FundAccount:
    """The fund account, locked for this transaction (entries of one account are posted one at a time)."""
    account = lock_one(ctx.session, ctx.session.query(FundAccount).filter(FundAccount.id == account_id),
                       FundAccount, account_id)
    if account is None:
        raise NotFound(_l("No such fund account."))
    return account


def balance(session, account_id: int, key: tuple) -> Decimal:
    """The sum of the account's lines on one book kept by (book, school, item, term, batch)."""
    book, school_id, aid_item_id, term_id, batch_id = key
    where = [LedgerLine.fund_account_id == account_id, LedgerLine.book == Book(book)]
    for column, value in ((LedgerLine.school_id, school_id), (LedgerLine.aid_item_id, aid_item_id),
                          (LedgerLine.term_id, term_id), (LedgerLine.batch_id, batch_id)):
        where.append(column.is_(None) if value is None else column == value)
    found = session.execute(select(func.coalesce(func.sum(LedgerLine.amount), 0)).where(*where)).scalar_one()
    return Decimal(found).quantize(ledger.CENT)


def _check_cover(ctx: Context, account: FundAccount, lines: list[Line]) -> None:
    """Every book the entry takes from (but the budget) holds enough (Overdrawn otherwise)."""
    for key, change in ledger.balances(lines).items():
        if change >= 0 or key[0] == Book.BUDGET.value:
            continue
        left = balance(ctx.session, account.id, key)
        if left + change < 0:
            raise Overdrawn(OVERDRAWN[key[0]](format_money(left), format_money(-change)))


def post(ctx: Context, kind: EntryKind, account: FundAccount, lines: list[Line], *, booked_on: date | None = None,
         memo: str | None = None, reference: str | None = None, school_id: int | None = None,
         batch_id: int | None = None, allocation_id: int | None = None,
         reverses: LedgerEntry | None = None) -> LedgerEntry:
    """Write one balanced entry of `account` (ledger.Unbalanced when it is not: a bug, never a user's
    input) and its audit event; the entry, flushed. The account is locked first, and an entry that
    would overdraw a book is refused (Overdrawn)."""
    ledger.check(lines)
    account = lock_account(ctx, account.id)
    _check_cover(ctx, account, lines)
    entry = LedgerEntry(
        kind=kind, fund_account_id=account.id, district_id=account.district_id, school_id=school_id,
        booked_on=booked_on or ctx.today, recorded_at=ctx.now, recorded_by=ctx.actor.user_id,
        username=ctx.actor.username, memo=memo, reference=reference, batch_id=batch_id,
        allocation_id=allocation_id, reverses_id=reverses.id if reverses is not None else None)
    entry.lines = [LedgerLine(fund_account_id=account.id, book=Book(line.book), school_id=line.school_id,
                              aid_item_id=line.aid_item_id, term_id=line.term_id, batch_id=line.batch_id,
                              amount=line.amount) for line in lines]
    ctx.session.add(entry)
    ctx.session.flush()
    moved = sum((line.amount for line in lines if line.amount > 0), Decimal("0.00"))
    audit.record(ctx, audit.MONEY, entity="ledger_entry", entity_id=entry.id, school_id=school_id,
                 detail=f"{kind.value} {moved}" + (f" (reverses #{reverses.id})" if reverses is not None else ""),
                 new={"account": account.code, "kind": kind.value, "amount": str(moved),
                      "booked_on": entry.booked_on.isoformat(), "memo": memo})
    return entry


def lines_of(entry: LedgerEntry) -> list[Line]:
    """The entry's lines as ledger.Line values."""
    return [Line(line.book.value, line.amount, line.school_id, line.aid_item_id, line.term_id, line.batch_id)
            for line in entry.lines]


def reverse(ctx: Context, entry_id: int, *, memo: str) -> LedgerEntry:
    """Undo an entry of the scope with its mirror image (a reversal is never reversed itself, and an
    entry is reversed once: a second reversal is refused, and the database's unique column refuses
    a concurrent one)."""
    entry = limit(ctx.session.query(LedgerEntry).filter(LedgerEntry.id == entry_id), LedgerEntry,
                  ctx.scope).one_or_none()
    if entry is None:
        raise NotFound(_l("No such ledger entry, or it is not in your scope."))
    if entry.kind is EntryKind.REVERSAL:
        raise DomainError(_l("A reversal cannot be reversed; post a new entry instead."))
    if ctx.session.query(LedgerEntry.id).filter(LedgerEntry.reverses_id == entry.id).first():
        raise AlreadyReversed(_l("This entry has been reversed already."))
    return post(ctx, EntryKind.REVERSAL, entry.fund_account, ledger.reversal(lines_of(entry)), memo=memo,
                school_id=entry.school_id, batch_id=entry.batch_id, allocation_id=entry.allocation_id,
                reverses=entry)
