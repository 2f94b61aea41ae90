"""Aid in kind (实物发放): distributions of goods or places to pupils, recorded per pupil, never a bank file.

A school (or the district for one of its schools) records a distribution of an in-kind item in a term:
the date, the goods or activity, a unit value (0 when nothing is to be booked, e.g. donated goods) and
the pupils — by default every pupil entitled to the item in the term; for an item every pupil receives
(no identification needed), the pupils chosen. It stays a draft while the register is printed and signed;
confirming it marks who was absent, and books the value received (allocated → paid on the school's
allocation of the item and term) once, however often it is posted: the distribution's row is locked and
its status checked in the same transaction. A draft can be cancelled; nothing is ever deleted.

Nutrition is the canteen's, never a pupil's: its monthly meal records are app/commands/canteen_meals.py.
Cash items go through disbursement batches (app/commands/disbursement.py), which refuse in-kind items.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.commands.batch_preview import drawn_allocation, school_in_scope
from app.commands.ledger import post
from app.commands.locking import lock_one
from app.context import Context
from app.errors import AlreadyDone, DomainError, FieldErrors, NotFound, Stale
from app.messages import reason_message
from app.models import (
    AidItem,
    AidKind,
    Book,
    Distribution,
    DistributionLine,
    Entitlement,
    EntitlementStatus,
    EntryKind,
    InKindStatus,
    Payee,
    Student,
    StudentStatus,
    Term,
    Tier,
)
from app.security import audit
from app.security.scope import limit
from app.services import in_kind, ledger
from app.services.ledger import Line
from app.services.validation import InvalidValue, parse_money
from app.services.value_checks import check_date

TEXT_MAX = 200
MAX_PUPILS = 10_000
MAX_QUANTITY = 1_000
NOT_A_DATE = _l("is not a valid date (YYYY-MM-DD)")


class InKindRefused(DomainError):
    """A distribution or meal record cannot be made, or the step cannot be taken."""


@dataclass(frozen=True)
class Candidate:
    """A pupil a distribution of the item may hand to: entitled to it (or identified this term), or,
    for an item every pupil receives, any enrolled pupil of the school."""

    student_id: int
    name: str
    grade: int
    class_name: str
    entitlement_id: int | None
    tier_id: int | None
    tier_name: str | None


def in_kind_item(ctx: Context, aid_item_id, *, canteen: bool) -> AidItem:
    """The active in-kind item: paid to the canteen (`canteen`) or handed to pupils (FieldErrors otherwise)."""
    item = ctx.session.get(AidItem, aid_item_id) if aid_item_id else None
    if item is None or not item.active:
        raise FieldErrors({"aid_item_id": [_l("No such aid item in use.")]})
    if item.kind is not AidKind.IN_KIND:
        raise FieldErrors({"aid_item_id": [_l("This item is paid in cash to families: it goes through "
                                              "disbursement batches, not distribution records.")]})
    if canteen and item.payee is not Payee.CANTEEN:
        raise FieldErrors({"aid_item_id": [_l("Only an item paid to the school canteen has meal records.")]})
    if not canteen and item.payee is Payee.CANTEEN:
        raise FieldErrors({"aid_item_id": [_l("Nutrition is food through the school canteen, never handed to "
                                              "pupils: record it as the canteen's monthly meals.")]})
    return item


def term_or_refuse(ctx: Context, term_id) -> Term:
    term = ctx.session.get(Term, term_id) if term_id else None
    if term is None:
        raise FieldErrors({"term_id": [_l("No such term.")]})
    return term


def candidates(ctx: Context, *, school_id: int, aid_item_id: int, term_id: int) -> list[Candidate]:
    """The pupils of the school a distribution of the item in the term may list, in register order
    (grade, class, pupil): those with an active entitlement of the item; when the item has none at the
    school (no per-pupil standard), the pupils identified this term (an active entitlement of any item);
    for an item every pupil receives, every enrolled pupil."""
    school = school_in_scope(ctx, school_id)
    item = in_kind_item(ctx, aid_item_id, canteen=False)
    term_or_refuse(ctx, term_id)
    pupil = (Student.id, Student.name, Student.grade, Student.class_name)
    order = (Student.grade, Student.class_name, Student.id)
    enrolled = (Student.school_id == school.id, Student.status == StudentStatus.ENROLLED)
    if not item.needs_identification:
        rows = ctx.session.execute(select(*pupil).where(*enrolled).order_by(*order)).all()
        return [Candidate(*row, None, None, None) for row in rows]
    active = (Entitlement.school_id == school.id, Entitlement.term_id == term_id,
              Entitlement.status == EntitlementStatus.ACTIVE)
    own = select(Entitlement.id).where(*active, Entitlement.aid_item_id == item.id)
    if ctx.session.execute(own.limit(1)).first() is not None:
        chosen = own
        entitlement = Entitlement.id
    else:  # one entitlement per identified pupil, to show their tier
        chosen = select(func.min(Entitlement.id)).where(*active).group_by(Entitlement.student_id)
        entitlement = None
    rows = ctx.session.execute(
        select(*pupil, Entitlement.id, Entitlement.tier_id, Tier.name)
        .join(Entitlement, Entitlement.student_id == Student.id).join(Tier, Tier.id == Entitlement.tier_id)
        .where(Entitlement.id.in_(chosen), *enrolled).order_by(*order)).all()
    return [Candidate(*row[:4], row[4] if entitlement is not None else None, row[5], row[6]) for row in rows]


def _text(errors: dict, field: str, value, *, required: bool) -> str | None:
    text = (value or "").strip() or None
    if text is None and required:
        errors[field] = [reason_message("text.blank")]
    elif text is not None and len(text) > TEXT_MAX:
        errors[field] = [reason_message("text.too_long", max=TEXT_MAX)]
    return text


def _unit_value(errors: dict, raw) -> Decimal:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return in_kind.ZERO
    try:
        return parse_money(raw, "unit_value", allow_zero=True)
    except InvalidValue as err:
        errors["unit_value"] = [reason_message(err.code, **err.params)]
        return in_kind.ZERO


def _day(errors: dict, value) -> date | None:
    """A date, or the ISO date a form sent ('2026-09-01'); None with the field refused when it is not one."""
    if isinstance(value, str) and value.strip():
        try:
            return check_date(date.fromisoformat(value.strip()), "handed_on")
        except InvalidValue as err:
            errors["handed_on"] = [reason_message(err.code, **err.params)]
        except ValueError:
            errors["handed_on"] = [NOT_A_DATE]
        return None
    return value if isinstance(value, date) else None


def _handed_on(ctx: Context, errors: dict, raw, term: Term) -> date | None:
    value = _day(errors, raw)
    if "handed_on" in errors:
        return None
    if value is None:
        errors["handed_on"] = [_l("is required")]
    elif value > ctx.today:
        errors["handed_on"] = [reason_message("date.future")]
    elif not term.start_date <= value <= term.end_date:
        errors["handed_on"] = [reason_message("date.range", earliest=term.start_date.isoformat(),
                                              latest=term.end_date.isoformat())]
    return value


def _quantity(errors: dict, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_QUANTITY:
        errors["quantity"] = [reason_message("number.range", min=1, max=MAX_QUANTITY)]
        return 1
    return value


def _chosen(errors: dict, pool: dict, student_ids) -> list[Candidate]:
    """The candidates of the pupils chosen, once each, in register order; FieldErrors for any other."""
    wanted = {int(i) for i in student_ids or ()}
    if not wanted:
        errors["student_ids"] = [_l("Choose at least one pupil.")]
    elif len(wanted) > MAX_PUPILS:
        errors["student_ids"] = [reason_message("number.range", min=1, max=MAX_PUPILS)]
    elif wanted - set(pool):
        errors["student_ids"] = [_l("%(n)s of the pupils chosen are not at the school or not entitled to this "
                                    "item in this term.", n=len(wanted - set(pool)))]
    return [c for sid, c in pool.items() if sid in wanted]


def _value_fits(errors: dict, value: Decimal, count: int, pupils: int) -> None:
    """Refuse a unit value whose line (quantity × value) or total (× the pupils) no amount column holds."""
    if "unit_value" not in errors and not in_kind.fits(value * count * max(pupils, 1)):
        errors["unit_value"] = [_l("is too large: the quantity × the unit value for all the pupils must stay "
                                   "below %(max)s yuan", max=f"{in_kind.MONEY_LIMIT:,}")]


def create_distribution(ctx: Context, *, school_id: int, aid_item_id: int, term_id: int,
                        handed_on: date | str | None,
                        description: str | None, student_ids, unit_value=None, quantity: int = 1,
                        fund_account_id: int | None = None) -> Distribution:
    """A draft distribution of the item with a line per pupil chosen (every field checked first; all or
    nothing). A unit value needs the school's allocation of the item and term to book it from."""
    school = school_in_scope(ctx, school_id)
    item = in_kind_item(ctx, aid_item_id, canteen=False)
    term = term_or_refuse(ctx, term_id)
    errors: dict = {}
    text = _text(errors, "description", description, required=True)
    value, count = _unit_value(errors, unit_value), _quantity(errors, quantity)
    day = _handed_on(ctx, errors, handed_on, term)
    pool = {c.student_id: c for c in candidates(ctx, school_id=school.id, aid_item_id=item.id, term_id=term.id)}
    chosen = _chosen(errors, pool, student_ids)
    _value_fits(errors, value, count, len(chosen))
    allocation = None
    if value > 0 and "unit_value" not in errors:
        allocation = drawn_allocation(ctx, school.id, item.id, term.id, fund_account_id)
        if allocation is None:
            errors["unit_value"] = [_l("The district office has not allocated funds of this item to the school "
                                       "for this term: record the goods with no value, or ask for an allocation.")]
    if errors:
        raise FieldErrors(errors)
    row = Distribution(district_id=school.district_id, school_id=school.id, term_id=term.id, aid_item_id=item.id,
                       allocation_id=allocation.id if allocation else None, handed_on=day, description=text,
                       unit_value=value, status=InKindStatus.DRAFT, created_by_fk=ctx.actor.user_id)
    row.lines = [DistributionLine(student_id=c.student_id, school_id=school.id, aid_item_id=item.id,
                                  term_id=term.id, entitlement_id=c.entitlement_id, tier_id=c.tier_id,
                                  quantity=count, value=in_kind.line_value(count, value), received=True)
                 for c in chosen]
    ctx.session.add(row)
    ctx.session.flush()
    audit.record(ctx, audit.MONEY, entity="distribution", entity_id=row.id, school_id=school.id,
                 detail=f"create: {len(chosen)} x {count} {text}"[:200], row_count=len(chosen),
                 new={"status": row.status.value, "pupils": len(chosen), "unit_value": str(value)})
    return row


def load_distribution(ctx: Context, distribution_id: int, *, lock: bool = False) -> Distribution:
    """The distribution if it is in the scope (NotFound otherwise); locked and re-read for a step."""
    query = limit(ctx.session.query(Distribution).filter(Distribution.id == distribution_id), Distribution,
                  ctx.scope)
    row = lock_one(ctx.session, query, Distribution, distribution_id) if lock else query.one_or_none()
    if row is None:
        raise NotFound(_l("No such distribution, or it is not yours."))
    return row


def _draft(ctx: Context, distribution_id: int, version: int | None) -> Distribution:
    """The distribution locked for a step: a draft (AlreadyDone when confirmed, refused when cancelled)."""
    row = load_distribution(ctx, distribution_id, lock=True)
    if row.status is InKindStatus.CONFIRMED:
        raise AlreadyDone(_l("This distribution was confirmed already; its value was booked once."))
    if row.status is not InKindStatus.DRAFT:
        raise InKindRefused(_l("This distribution was cancelled."))
    if version is not None and row.version != version:
        raise Stale()
    return row


def confirm_distribution(ctx: Context, distribution_id: int, *, absent=(), version: int | None = None) -> Distribution:
    """Confirm a draft as handed out: the pupils `absent` (line ids) did not receive it, nor did those
    who left the school since the draft (no longer enrolled there: left out, marked not received, counted
    in `row.left_school`); the value the others received is booked from the allocation (allocated → paid),
    once. More than the allocation holds is refused (ledger.Overdrawn), and nothing changes."""
    row = _draft(ctx, distribution_id, version)
    lines = ctx.session.query(DistributionLine).filter(DistributionLine.distribution_id == row.id).populate_existing()
    lines = lines.order_by(DistributionLine.id).all()
    missing = {int(i) for i in absent or ()}
    if missing - {line.id for line in lines}:
        raise FieldErrors({"absent": [_l("Some of the pupils marked absent are not in this distribution.")]})
    here = set(ctx.session.execute(select(DistributionLine.id).join(Student, Student.id == DistributionLine.student_id)
                                   .where(DistributionLine.distribution_id == row.id,
                                          Student.school_id == row.school_id,
                                          Student.status == StudentStatus.ENROLLED)).scalars())
    left = {line.id for line in lines if line.id not in missing and line.id not in here}
    for line in lines:
        line.received = line.id not in missing and line.id not in left
    count, total = in_kind.received_total((line.value, line.received) for line in lines)
    if not count:
        raise InKindRefused(_l("No pupil received it: cancel the distribution instead."))
    if total > 0:
        allocation = row.allocation
        book = (row.school_id, row.aid_item_id, row.term_id)
        entry = post(ctx, EntryKind.PAYMENT, allocation.fund_account, ledger.move(
            total, Line(Book.ALLOCATED.value, 0, *book), Line(Book.PAID.value, 0, *book)),
            memo=f"{row.aid_item.name}: {row.description}"[:200], reference=f"IK{row.id:07d}",
            school_id=row.school_id, allocation_id=allocation.id)
        row.entry_id = entry.id
    row.status, row.confirmed_on, row.confirmed_by = InKindStatus.CONFIRMED, ctx.now, ctx.actor.user_id
    row.line_count, row.total = count, total
    ctx.session.flush()
    row.left_school = len(left)  # for the page to tell (not a column)
    audit.record(ctx, audit.MONEY, entity="distribution", entity_id=row.id, school_id=row.school_id,
                 detail=f"confirm: {count} {total}", row_count=count, old={"status": "draft"},
                 new={"status": row.status.value, "received": count, "absent": len(missing),
                      "left_school": len(left), "total": str(total)})
    return row


def cancel_distribution(ctx: Context, distribution_id: int, *, reason: str, version: int | None = None) -> Distribution:
    """Cancel a draft (nothing was handed out, or it was recorded wrongly): kept, never deleted."""
    errors: dict = {}
    text = _text(errors, "reason", reason, required=True)
    if errors:
        raise FieldErrors(errors)
    row = _draft(ctx, distribution_id, version)
    row.status, row.cancelled_reason = InKindStatus.CANCELLED, text
    ctx.session.flush()
    audit.record(ctx, audit.MONEY, entity="distribution", entity_id=row.id, school_id=row.school_id,
                 detail=f"cancel: {text}"[:200], old={"status": "draft"}, new={"status": "cancelled"})
    return row
