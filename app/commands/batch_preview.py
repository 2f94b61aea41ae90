"""Who a disbursement batch would pay, and who not and why: the preview a batch is made from.

`preview` lists every pupil entitled to the item in the term at the school: those a new batch would
pay, with tier and amount, the neediest tier first, and those it would leave out with the first
reason found (services/batch_flow.py: not enrolled, no payee account, paid or in a batch already, the
other item of an exclusive pair, over the quota, no allocation at all, the allocation used up). The
money left is the allocation's free money less what the batches made and not yet approved will take.
Nothing is written.
"""
import re
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.context import Context
from app.errors import FieldErrors, NotFound
from app.models import (
    LIVE_LINE,
    AidItem,
    AidKind,
    Allocation,
    DisbursementLine,
    Entitlement,
    EntitlementStatus,
    Household,
    Payee,
    School,
    Student,
    StudentStatus,
    Term,
    Tier,
)
from app.queries.money import allocation_states
from app.security.scope import limit
from app.services import batch_flow

ZERO = Decimal("0.00")
ACCOUNT = re.compile(r"\d{8,30}")  # a bank card or account number: digits only


@dataclass(frozen=True)
class Candidate:
    """One entitled pupil as a batch sees them; `reason` is None when they would be paid."""

    entitlement_id: int
    student_id: int
    name: str
    grade: int
    class_name: str
    tier_id: int
    tier_name: str
    amount: Decimal
    payee_name: str | None
    payee_id_number: str | None
    bank_name: str | None
    bank_account: str | None
    reason: str | None = None


@dataclass
class Preview:
    """Who a new batch would pay and who it would leave out, with the allocation's figures."""

    allocation: Allocation | None
    eligible: list = field(default_factory=list)
    excluded: list = field(default_factory=list)
    available: Decimal = ZERO  # the allocation's free money less the batches made and not yet approved
    held: Decimal = ZERO  # what those batches hold (app/queries/money.py AllocationState)
    places_left: int | None = None  # None: no quota set

    @property
    def total(self) -> Decimal:
        return sum((c.amount for c in self.eligible), ZERO)

    @property
    def count(self) -> int:
        return len(self.eligible)

    def excluded_by_reason(self) -> dict[str, int]:
        """{reason: how many pupils}, in the order reasons are checked."""
        counts = {}
        for candidate in self.excluded:
            counts[candidate.reason] = counts.get(candidate.reason, 0) + 1
        return {reason: counts[reason] for reason in batch_flow.EXCLUSIONS if reason in counts}


def school_in_scope(ctx: Context, school_id: int) -> School:
    school = limit(ctx.session.query(School).filter(School.id == school_id), School, ctx.scope).one_or_none()
    if school is None:
        raise NotFound(_l("No such school, or it is not yours."))
    return school


def cash_item(ctx: Context, aid_item_id: int) -> AidItem:
    item = ctx.session.get(AidItem, aid_item_id)
    if item is None or not item.active:
        raise FieldErrors({"aid_item_id": [_l("No such aid item in use.")]})
    if item.kind is not AidKind.CASH or item.payee is not Payee.PUPIL:
        raise FieldErrors({"aid_item_id": [_l(
            "This item is not paid in cash to families (in kind, or to the canteen): it has distribution "
            "records, not bank batches.")]})
    return item


def drawn_allocation(ctx: Context, school_id: int, aid_item_id: int, term_id: int,
                fund_account_id: int | None) -> Allocation | None:
    """The allocation a batch draws on: the one of the account given, else the only one (FieldErrors
    when several accounts allocated to the school and none was chosen)."""
    query = ctx.session.query(Allocation).filter_by(school_id=school_id, aid_item_id=aid_item_id, term_id=term_id)
    if fund_account_id is not None:
        query = query.filter(Allocation.fund_account_id == fund_account_id)
    found = limit(query, Allocation, ctx.scope).order_by(Allocation.id).all()
    if len(found) > 1:
        raise FieldErrors({"fund_account_id": [_l("Several fund accounts allocated this item to the school; "
                                                  "choose the account to pay from.")]})
    return found[0] if found else None


def _entitled(session, school_id: int, aid_item_id: int, term_id: int) -> list:
    """The active entitlements of the item at the school in the term, with pupil, tier and payee; in
    the order places and money go: the neediest tier first, then by pupil."""
    return session.execute(
        select(Entitlement.id, Entitlement.student_id, Entitlement.amount, Entitlement.tier_id, Tier.name,
               Student.name, Student.grade, Student.class_name, Student.status, Household.payee_name,
               Household.guardian_id_number, Household.bank_name, Household.bank_account)
        .join(Student, Student.id == Entitlement.student_id).join(Tier, Tier.id == Entitlement.tier_id)
        .outerjoin(Household, Household.id == Student.household_id)
        .where(Entitlement.school_id == school_id, Entitlement.aid_item_id == aid_item_id,
               Entitlement.term_id == term_id, Entitlement.status == EntitlementStatus.ACTIVE)
        .order_by(Tier.rank.desc(), Student.grade, Student.class_name, Student.id)).all()


def entitled_count(ctx: Context, *, term_id: int, aid_item_id: int, school_id: int) -> int:
    """How many pupils of the school (in scope) are entitled to the item in the term: the size of the
    preview, paid or left out (one COUNT, to choose between making a batch at once or as a job)."""
    school = school_in_scope(ctx, school_id)
    return ctx.session.execute(select(func.count()).select_from(Entitlement).where(
        Entitlement.school_id == school.id, Entitlement.aid_item_id == aid_item_id, Entitlement.term_id == term_id,
        Entitlement.status == EntitlementStatus.ACTIVE)).scalar_one()


def _live_pupils(session, item: AidItem, term_id: int, student_ids: set) -> tuple[set, set]:
    """(pupils with a live line of the item in the term, pupils with one of an item exclusive with it)."""
    items = [item.id]
    if item.exclusivity_group:
        items += [i for (i,) in session.execute(select(AidItem.id).where(
            AidItem.exclusivity_group == item.exclusivity_group, AidItem.id != item.id))]
    paid, exclusive = set(), set()
    for student_id, aid_item_id in session.execute(
            select(DisbursementLine.student_id, DisbursementLine.aid_item_id).where(
                DisbursementLine.term_id == term_id, DisbursementLine.aid_item_id.in_(items),
                DisbursementLine.status.in_(LIVE_LINE))):
        if student_id in student_ids:
            (paid if aid_item_id == item.id else exclusive).add(student_id)
    return paid, exclusive


def _payee_ok(name, account) -> bool:
    return bool((name or "").strip()) and bool(ACCOUNT.fullmatch((account or "").replace(" ", "")))


def preview(ctx: Context, *, term_id: int, aid_item_id: int, school_id: int,
            fund_account_id: int | None = None) -> Preview:
    """Who a new batch of the item for the school's term would pay, and who not and why."""
    school = school_in_scope(ctx, school_id)
    item = cash_item(ctx, aid_item_id)
    if ctx.session.get(Term, term_id) is None:
        raise FieldErrors({"term_id": [_l("No such term.")]})
    allocation = drawn_allocation(ctx, school.id, item.id, term_id, fund_account_id)
    result = Preview(allocation)
    if allocation is not None:
        state = allocation_states(ctx.session, ctx.scope, allocation_ids=[allocation.id])[allocation.id]
        result.available, result.held = state.drawable, state.held
        result.places_left = state.places_left
    rows = _entitled(ctx.session, school.id, item.id, term_id)
    paid, exclusive = _live_pupils(ctx.session, item, term_id, {row[1] for row in rows})
    money, places = result.available, result.places_left
    for (entitlement_id, student_id, amount, tier_id, tier_name, name, grade, class_name, status, payee,
         payee_id_number, bank, account) in rows:
        reason = _reason(status, payee, account, student_id in paid, student_id in exclusive, places,
                         amount > money, allocation is None)
        candidate = Candidate(entitlement_id, student_id, name, grade, class_name, tier_id, tier_name, amount,
                              payee, payee_id_number, bank, (account or "").replace(" ", "") or None, reason)
        if reason is None:
            money -= amount
            if places is not None:
                places -= 1
            result.eligible.append(candidate)
        else:
            result.excluded.append(candidate)
    return result


def _reason(status, payee, account, paid: bool, exclusive: bool, places: int | None, too_much: bool,
            unallocated: bool) -> str | None:
    """Why an entitled pupil is left out of a new batch (None: paid in it), the first reason found
    in the order of batch_flow.EXCLUSIONS; `unallocated`: the school has no allocation to draw on."""
    checks = ((status is not StudentStatus.ENROLLED, batch_flow.NOT_ENROLLED),
              (not _payee_ok(payee, account), batch_flow.NO_PAYEE_ACCOUNT),
              (paid, batch_flow.ALREADY_PAID), (exclusive, batch_flow.EXCLUSIVE),
              (places is not None and places <= 0, batch_flow.OVER_QUOTA),
              (unallocated, batch_flow.NO_ALLOCATION), (too_much, batch_flow.ALLOCATION_EXHAUSTED))
    return next((reason for failed, reason in checks if failed), None)
