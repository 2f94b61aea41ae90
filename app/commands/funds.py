"""The district's money before any pupil is paid: funds received into an account, allocated to
schools per item and term (下达资金) and taken back, and the places per school (名额).

Every amount moves through `app/commands/ledger.py::post` (one balanced entry, the account locked,
no book overdrawn); an allocation's row only names the book (account, school, item, term) and is
what a batch's approval locks. Only the district office moves money: a school's officer is refused.
"""
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.commands.ledger import lock_account, post
from app.commands.locking import lock_one
from app.context import Context
from app.errors import DomainError, FieldErrors, NotFound
from app.messages import reason_message
from app.models import (
    LIVE_LINE,
    AidItem,
    Allocation,
    Book,
    DisbursementLine,
    EntryKind,
    FundAccount,
    LedgerEntry,
    Quota,
    School,
    Term,
)
from app.security.scope import limit
from app.services import ledger
from app.services.ledger import Line
from app.services.validation import InvalidValue, parse_money

MEMO_MAX = 200


class DistrictOnly(DomainError):
    """A step only the district office takes."""


def _district_only(ctx: Context) -> None:
    if ctx.scope.school_id is not None:
        raise DistrictOnly(_l("Only the district office moves funds and sets quotas."))


def _amount(raw, field: str = "amount"):
    try:
        return parse_money(raw, field)
    except InvalidValue as err:
        raise FieldErrors({field: [reason_message(err.code, **err.params)]}) from None


def _memo(errors: dict, memo: str | None) -> str | None:
    text = (memo or "").strip() or None
    if text is not None and len(text) > MEMO_MAX:
        errors["memo"] = [reason_message("text.too_long", max=MEMO_MAX)]
    return text


def account_in_scope(ctx: Context, account_id: int) -> FundAccount:
    """The fund account if the user's scope holds it (NotFound otherwise)."""
    account = limit(ctx.session.query(FundAccount).filter(FundAccount.id == account_id), FundAccount,
                    ctx.scope).one_or_none()
    if account is None:
        raise NotFound(_l("No such fund account, or it is not in your scope."))
    return account


def receive(ctx: Context, account_id: int, *, amount, booked_on: date | None = None, reference: str | None = None,
            memo: str | None = None) -> LedgerEntry:
    """Record funds received into an account (a budget's transfer or a donation): budget → unallocated."""
    _district_only(ctx)
    account = account_in_scope(ctx, account_id)
    errors: dict = {}
    value = _amount(amount)
    text = _memo(errors, memo)
    if booked_on is not None and booked_on > ctx.today:
        errors["booked_on"] = [reason_message("date.future")]
    if not account.active:
        errors["account"] = [_l("The fund account is closed.")]
    if errors:
        raise FieldErrors(errors)
    return post(ctx, EntryKind.RECEIPT, account, ledger.move(value, Line(Book.BUDGET.value, 0),
                                                              Line(Book.UNALLOCATED.value, 0)),
                booked_on=booked_on, reference=(reference or "").strip()[:64] or None, memo=text)


def _allocation_for(ctx: Context, account: FundAccount, school_id: int, aid_item_id: int, term_id: int) -> Allocation:
    """The allocation row of (account, school, item, term), made the first time; checked against the
    account (its district, its school and item when it is dedicated to one)."""
    errors: dict = {}
    school = limit(ctx.session.query(School).filter(School.id == school_id), School, ctx.scope).one_or_none()
    if school is None or school.district_id != account.district_id:
        errors["school_id"] = [_l("No such school in the account's district.")]
    elif account.school_id is not None and account.school_id != school.id:
        errors["school_id"] = [_l("This account belongs to another school.")]
    item = ctx.session.get(AidItem, aid_item_id)
    if item is None or not item.active:
        errors["aid_item_id"] = [_l("No such aid item in use.")]
    elif account.aid_item_id is not None and account.aid_item_id != item.id:
        errors["aid_item_id"] = [_l("This account is kept for another aid item only.")]
    if ctx.session.get(Term, term_id) is None:
        errors["term_id"] = [_l("No such term.")]
    if errors:
        raise FieldErrors(errors)
    key = dict(fund_account_id=account.id, school_id=school_id, aid_item_id=aid_item_id, term_id=term_id)
    found = ctx.session.query(Allocation).filter_by(**key).one_or_none()
    if found is None:
        # the account is locked (ledger.post locks it first): two allocations of one book cannot both make the row
        found = Allocation(district_id=account.district_id, **key)
        ctx.session.add(found)
        ctx.session.flush()
    return found


def allocate(ctx: Context, account_id: int, *, school_id: int, aid_item_id: int, term_id: int, amount,
             memo: str | None = None, booked_on: date | None = None) -> Allocation:
    """Allocate money of an account to a school for an item and term: unallocated → allocated. More
    than the account holds unallocated is refused (the account locked meanwhile)."""
    _district_only(ctx)
    account = account_in_scope(ctx, account_id)
    errors: dict = {}
    value = _amount(amount)
    text = _memo(errors, memo)
    if errors:
        raise FieldErrors(errors)
    account = lock_account(ctx, account.id)  # before the allocation row is looked for or made
    allocation = _allocation_for(ctx, account, school_id, aid_item_id, term_id)
    post(ctx, EntryKind.ALLOCATION, account, ledger.move(
        value, Line(Book.UNALLOCATED.value, 0),
        Line(Book.ALLOCATED.value, 0, school_id, aid_item_id, term_id)),
        memo=text, booked_on=booked_on, school_id=school_id, allocation_id=allocation.id)
    return allocation


def take_back(ctx: Context, allocation_id: int, *, amount, memo: str | None = None) -> Allocation:
    """Take back part of an allocation not yet reserved by a batch: allocated → unallocated (more than
    is left is refused)."""
    _district_only(ctx)
    allocation = limit(ctx.session.query(Allocation).filter(Allocation.id == allocation_id), Allocation,
                       ctx.scope).one_or_none()
    if allocation is None:
        raise NotFound(_l("No such allocation, or it is not in your scope."))
    errors: dict = {}
    value = _amount(amount)
    text = _memo(errors, memo)
    if errors:
        raise FieldErrors(errors)
    post(ctx, EntryKind.ALLOCATION, allocation.fund_account, ledger.move(
        value, Line(Book.ALLOCATED.value, 0, allocation.school_id, allocation.aid_item_id, allocation.term_id),
        Line(Book.UNALLOCATED.value, 0)),
        memo=text, school_id=allocation.school_id, allocation_id=allocation.id)
    return allocation


def places_used(session, school_id: int, aid_item_id: int, term_id: int) -> int:
    """Pupils of the school with a live payment line of the item in the term (pending or paid)."""
    return session.execute(select(func.count()).select_from(DisbursementLine).where(
        DisbursementLine.school_id == school_id, DisbursementLine.aid_item_id == aid_item_id,
        DisbursementLine.term_id == term_id, DisbursementLine.status.in_(LIVE_LINE))).scalar_one()


def set_quota(ctx: Context, *, school_id: int, aid_item_id: int, term_id: int, places: int,
              notes: str | None = None) -> Quota:
    """Set how many pupils of a school may receive an item in a term; never fewer than are paid or
    in a batch already."""
    _district_only(ctx)
    errors: dict = {}
    school = limit(ctx.session.query(School).filter(School.id == school_id), School, ctx.scope).one_or_none()
    if school is None:
        errors["school_id"] = [_l("No such school, or it is not yours.")]
    if ctx.session.get(AidItem, aid_item_id) is None:
        errors["aid_item_id"] = [_l("No such aid item in use.")]
    if ctx.session.get(Term, term_id) is None:
        errors["term_id"] = [_l("No such term.")]
    if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= 1_000_000:
        errors["places"] = [reason_message("number.range", min=0, max=1_000_000)]
    if errors:
        raise FieldErrors(errors)
    key = dict(school_id=school_id, aid_item_id=aid_item_id, term_id=term_id)
    lock_one(ctx.session, ctx.session.query(School).filter(School.id == school_id), School, school_id)
    quota = ctx.session.query(Quota).filter_by(**key).populate_existing().one_or_none()  # after the lock
    used = places_used(ctx.session, **key)
    if places < used:
        raise FieldErrors({"places": [_l("%(used)s pupils are paid or in a batch already; the quota "
                                              "cannot be smaller.", used=used)]})
    if quota is None:
        quota = Quota(district_id=school.district_id, places=places, notes=notes, **key)
        ctx.session.add(quota)
    else:
        quota.places, quota.notes = places, notes if notes is not None else quota.notes
    ctx.session.flush()
    return quota
