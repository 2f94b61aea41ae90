"""The canteen's monthly meal records (营养改善计划): nutrition is food through the school canteen, never cash.

A school records each month its canteen served: school days × pupils fed × the daily rate of the aid
standard in force (5.00 since autumn 2021, seeded), the amount in exact cents. One live record per school,
item and month (the database's partial unique index backs the check). Confirming it pays the canteen from
the school's allocation of nutrition for the term (allocated → paid; the entry names the canteen, never a
pupil's account), once however often it is posted (the record locked, its status checked); more than the
allocation holds is refused. A draft can be cancelled; nothing is ever deleted.
"""
from datetime import date

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.commands.batch_preview import drawn_allocation, school_in_scope
from app.commands.in_kind import InKindRefused, in_kind_item, term_or_refuse
from app.commands.ledger import post
from app.commands.locking import lock_one
from app.context import Context
from app.errors import AlreadyDone, FieldErrors, NotFound, Stale
from app.messages import reason_message
from app.models import (
    LIVE_RECORD,
    AidStandard,
    AmountUnit,
    Book,
    CanteenMealRecord,
    EntryKind,
    InKindStatus,
    School,
    Student,
    StudentStatus,
    Term,
)
from app.security import audit
from app.security.scope import limit
from app.services import in_kind, ledger
from app.services.ledger import Line

TEXT_MAX = 200
CANTEEN_MAX = 100  # the canteen column's length
ALREADY_RECORDED = _l("The canteen's meals of this month are recorded already; cancel that record first to "
                      "record them again.")


def daily_rate(session, aid_item_id: int, month: date):
    """The item's amount per pupil and school day in force on the month's first day (None: no such standard)."""
    return session.execute(
        select(AidStandard.amount).where(
            AidStandard.aid_item_id == aid_item_id, AidStandard.unit == AmountUnit.PER_SCHOOL_DAY,
            AidStandard.effective_from <= month,
            (AidStandard.effective_to.is_(None)) | (AidStandard.effective_to >= month))
        .order_by(AidStandard.effective_from.desc()).limit(1)).scalar_one_or_none()


def enrolled_pupils(session, school_id: int) -> int:
    """The school's enrolled pupils: the most a canteen can feed."""
    return session.execute(select(func.count()).select_from(Student).where(
        Student.school_id == school_id, Student.status == StudentStatus.ENROLLED)).scalar_one()


def _whole(errors: dict, field: str, value, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        errors[field] = [reason_message("number.range", min=low, max=high)]
        return 0
    return value


def _month(ctx: Context, errors: dict, raw, term: Term) -> date | None:
    month = in_kind.month_start(raw)
    if month is None:
        errors["month"] = [_l("is not a month (such as 2026-09)")]
    elif month > ctx.today:
        errors["month"] = [reason_message("date.future")]
    elif not in_kind.overlaps(month, term.start_date, term.end_date):
        errors["month"] = [_l("is not a month of the term (%(start)s to %(end)s)", start=term.start_date.isoformat(),
                              end=term.end_date.isoformat())]
    return month


def _live(session, school_id: int, aid_item_id: int, month: date):
    return session.query(CanteenMealRecord.id).filter(
        CanteenMealRecord.school_id == school_id, CanteenMealRecord.aid_item_id == aid_item_id,
        CanteenMealRecord.month == month, CanteenMealRecord.status.in_(LIVE_RECORD)).first()


def _school_rate(ctx: Context, errors: dict, school: School, item, term: Term, month, fund_account_id):
    """(the daily rate, the allocation paid from), each None with its field refused."""
    rate = daily_rate(ctx.session, item.id, month) if month else None
    if month and rate is None:
        errors["aid_item_id"] = [_l("No amount per school day of this item is in force for this month; the "
                                    "district office sets it under Aid standards.")]
    allocation = drawn_allocation(ctx, school.id, item.id, term.id, fund_account_id)
    if allocation is None:
        errors["fund_account_id"] = [_l("The district office has not allocated funds of this item to the school "
                                        "for this term yet.")]
    return rate, allocation


def create_meal_record(ctx: Context, *, school_id: int, aid_item_id: int, term_id: int, month, school_days: int,
                       pupils: int, canteen: str | None = None, notes: str | None = None,
                       fund_account_id: int | None = None) -> CanteenMealRecord:
    """A draft record of a month of meals: days × pupils × the daily rate (every field checked first)."""
    school = school_in_scope(ctx, school_id)
    item = in_kind_item(ctx, aid_item_id, canteen=True)
    term = term_or_refuse(ctx, term_id)
    errors: dict = {}
    found = _month(ctx, errors, month, term)
    found = found if "month" not in errors else None
    days = _whole(errors, "school_days", school_days, 1, in_kind.days_in_month(found) if found else 31)
    enrolled = enrolled_pupils(ctx.session, school.id)
    fed = _whole(errors, "pupils", pupils, 1, enrolled) if enrolled else 0
    if not enrolled:
        errors["pupils"] = [_l("No pupil is enrolled at the school.")]
    payee = (canteen or "").strip() or gettext("%(school)s canteen", school=school.name)[:CANTEEN_MAX].strip()
    text = (notes or "").strip() or None
    for field, value, most in (("canteen", payee, CANTEEN_MAX), ("notes", text, TEXT_MAX)):
        if value is not None and len(value) > most:
            errors[field] = [reason_message("text.too_long", max=most)]
    rate, allocation = _school_rate(ctx, errors, school, item, term, found, fund_account_id)
    if rate is not None and days and fed and not in_kind.fits(in_kind.meal_amount(days, fed, rate)):
        errors["pupils"] = [_l("is too large for the daily rate: the month's amount (school days × pupils × "
                               "%(rate)s) must stay below %(max)s yuan", rate=rate, max=f"{in_kind.MONEY_LIMIT:,}")]
    if found and _live(ctx.session, school.id, item.id, found):
        errors["month"] = [ALREADY_RECORDED]
    if errors:
        raise FieldErrors(errors)
    row = CanteenMealRecord(
        district_id=school.district_id, school_id=school.id, term_id=term.id, aid_item_id=item.id,
        allocation_id=allocation.id, month=found, school_days=days, pupils=fed, rate=rate,
        amount=in_kind.meal_amount(days, fed, rate), canteen=payee, notes=text, status=InKindStatus.DRAFT,
        created_by_fk=ctx.actor.user_id)
    try:
        with ctx.session.begin_nested():  # the same month recorded meanwhile by another request
            ctx.session.add(row)
    except IntegrityError:
        raise FieldErrors({"month": [ALREADY_RECORDED]}) from None
    audit.record(ctx, audit.MONEY, entity="canteen_meal_record", entity_id=row.id, school_id=school.id,
                 detail=f"create: {found:%Y-%m} {days} x {fed} x {rate} = {row.amount}",
                 new={"status": "draft", "month": f"{found:%Y-%m}", "amount": str(row.amount), "canteen": payee})
    return row


def load_meal_record(ctx: Context, record_id: int, *, lock: bool = False) -> CanteenMealRecord:
    """The meal record if it is in the scope (NotFound otherwise); locked and re-read for a step."""
    query = limit(ctx.session.query(CanteenMealRecord).filter(CanteenMealRecord.id == record_id),
                  CanteenMealRecord, ctx.scope)
    row = lock_one(ctx.session, query, CanteenMealRecord, record_id) if lock else query.one_or_none()
    if row is None:
        raise NotFound(_l("No such meal record, or it is not yours."))
    return row


def _draft(ctx: Context, record_id: int, version: int | None) -> CanteenMealRecord:
    row = load_meal_record(ctx, record_id, lock=True)
    if row.status is InKindStatus.CONFIRMED:
        raise AlreadyDone(_l("This meal record was confirmed already; the canteen was paid once."))
    if row.status is not InKindStatus.DRAFT:
        raise InKindRefused(_l("This meal record was cancelled."))
    if version is not None and row.version != version:
        raise Stale()
    return row


def confirm_meal_record(ctx: Context, record_id: int, *, version: int | None = None) -> CanteenMealRecord:
    """Confirm the month: its amount is paid to the canteen from the allocation (allocated → paid), once;
    more than the allocation holds is refused (ledger.Overdrawn) and nothing changes."""
    row = _draft(ctx, record_id, version)
    book = (row.school_id, row.aid_item_id, row.term_id)
    if row.amount > 0:
        entry = post(ctx, EntryKind.PAYMENT, row.allocation.fund_account, ledger.move(
            row.amount, Line(Book.ALLOCATED.value, 0, *book), Line(Book.PAID.value, 0, *book)),
            memo=f"{row.canteen}: {row.month:%Y-%m} {row.school_days} x {row.pupils} x {row.rate}"[:200],
            reference=f"CM{row.id:07d}", school_id=row.school_id, allocation_id=row.allocation_id)
        row.entry_id = entry.id
    row.status, row.confirmed_on, row.confirmed_by = InKindStatus.CONFIRMED, ctx.now, ctx.actor.user_id
    ctx.session.flush()
    audit.record(ctx, audit.MONEY, entity="canteen_meal_record", entity_id=row.id, school_id=row.school_id,
                 detail=f"confirm: {row.month:%Y-%m} {row.amount} → {row.canteen}"[:200], old={"status": "draft"},
                 new={"status": "confirmed", "amount": str(row.amount), "payee": row.canteen})
    return row


def cancel_meal_record(ctx: Context, record_id: int, *, reason: str, version: int | None = None) -> CanteenMealRecord:
    """Cancel a draft (recorded wrongly): kept, never deleted; the month may be recorded again."""
    text = (reason or "").strip()
    if not text or len(text) > TEXT_MAX:
        raise FieldErrors({"reason": [reason_message("text.blank") if not text
                                      else reason_message("text.too_long", max=TEXT_MAX)]})
    row = _draft(ctx, record_id, version)
    row.status, row.cancelled_reason = InKindStatus.CANCELLED, text
    ctx.session.flush()
    audit.record(ctx, audit.MONEY, entity="canteen_meal_record", entity_id=row.id, school_id=row.school_id,
                 detail=f"cancel: {text}"[:200], old={"status": "draft"}, new={"status": "cancelled"})
    return row
