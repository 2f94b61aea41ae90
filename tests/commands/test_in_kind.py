"""Aid in kind (issue 13, point 5): distributions and the canteen's meal records, never bank files. A
confirmation books its value allocated → paid once however often it is posted (also at once, from real
threads), never more than the allocation holds; the canteen is paid days × pupils × 5.00 exactly; an
in-kind item never goes into a cash batch; a school sees only its own records."""
import threading
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.commands import canteen_meals, disbursement, funds, in_kind, ledger
from app.errors import AlreadyDone, FieldErrors, NotFound
from app.models import (
    AidItem,
    CanteenMealRecord,
    Distribution,
    DistributionLine,
    EntryKind,
    InKindStatus,
    LedgerEntry,
    LedgerLine,
    StudentStatus,
)
from app.queries.money import allocation_states
from app.services.in_kind import meal_amount, month_start
from tests.context import context
from tests.factories import current_term, make_entitlement, make_fund_account, make_student

M = Decimal


class InKind:
    """A district account with 10 000.00 received; 500.00 allocated to the school's supplies and 1 000.00 to
    its nutrition this term; the school's officer and the district's."""

    def __init__(self, session, place, clock):
        from app.models import User

        self.session, self.place, self.clock = session, place, clock
        self.district_user = session.query(User).filter_by(username="district").one()
        self.school_user = session.query(User).filter_by(username="school1").one()
        self.term = current_term(session)
        self.supplies = session.query(AidItem).filter_by(code="supplies").one()
        self.nutrition = session.query(AidItem).filter_by(code="nutrition").one()
        self.account = make_fund_account(session, place.school.district)
        session.commit()
        funds.receive(self.district(), self.account.id, amount="10000.00")
        self.supplies_allocation = self.allocate(self.supplies, "500.00")
        self.nutrition_allocation = self.allocate(self.nutrition, "1000.00")

    def allocate(self, item, amount, school=None):
        found = funds.allocate(self.district(), self.account.id, school_id=(school or self.place.school).id,
                               aid_item_id=item.id, term_id=self.term.id, amount=amount)
        self.session.commit()
        return found

    def district(self):
        return context(self.session, self.place.district_scope, user=self.district_user, clock=self.clock)

    def school(self):
        return context(self.session, self.place.scope, user=self.school_user, clock=self.clock)

    def entitled(self, n=1, item="supplies", **kw):
        pupils = []
        for _ in range(n):
            student = make_student(self.session, school=self.place.school, **kw)
            make_entitlement(self.session, student, item=item, amount="0.00")
            pupils.append(student)
        self.session.commit()
        return pupils

    def distribution(self, pupils, *, unit_value="25.00", ctx=None, **kw):
        kw.setdefault("handed_on", self.clock.today())
        found = in_kind.create_distribution(
            ctx or self.school(), school_id=self.place.school.id, aid_item_id=self.supplies.id, term_id=self.term.id,
            description="Schoolbag and stationery set",
            student_ids=[p.id for p in pupils], unit_value=unit_value, **kw)
        self.session.commit()
        return found

    def meals(self, *, days=20, pupils=3, ctx=None, **kw):
        found = canteen_meals.create_meal_record(
            ctx or self.school(), school_id=self.place.school.id, aid_item_id=self.nutrition.id, term_id=self.term.id,
            month=self.clock.today().strftime("%Y-%m"), school_days=days, pupils=pupils, **kw)
        self.session.commit()
        return found

    def state(self, allocation):
        self.session.expire_all()
        return allocation_states(self.session, self.place.district_scope, allocation_ids=[allocation.id])[allocation.id]


@pytest.fixture
def aid(session, place, clock):
    return InKind(session, place, clock)


def _payments(session) -> list[LedgerEntry]:
    return session.query(LedgerEntry).filter_by(kind=EntryKind.PAYMENT).all()


def test_the_form_lists_the_entitled_pupils_in_register_order(aid, session):
    pupils = aid.entitled(2)
    make_student(session, school=aid.place.school)  # enrolled, not entitled
    gone = aid.entitled(1, status=StudentStatus.TRANSFERRED)[0]
    found = in_kind.candidates(aid.school(), school_id=aid.place.school.id, aid_item_id=aid.supplies.id,
                               term_id=aid.term.id)
    assert {c.student_id for c in found} == {p.id for p in pupils}
    assert gone.id not in {c.student_id for c in found} and all(c.entitlement_id for c in found)


def test_without_entitlements_of_the_item_the_pupils_identified_this_term_are_listed(aid, session):
    identified = aid.entitled(2, item="living_subsidy")
    found = in_kind.candidates(aid.school(), school_id=aid.place.school.id, aid_item_id=aid.supplies.id,
                               term_id=aid.term.id)
    assert {c.student_id for c in found} == {p.id for p in identified}
    assert all(c.entitlement_id is None and c.tier_name for c in found)


def test_confirming_books_the_value_received_once(aid, session):
    pupils = aid.entitled(3)
    made = aid.distribution(pupils, quantity=2)
    assert (made.status, len(made.lines), made.lines[0].value) == (InKindStatus.DRAFT, 3, M("50.00"))
    assert not _payments(session)  # a draft books nothing
    absent = made.lines[2].id
    in_kind.confirm_distribution(aid.school(), made.id, absent=[absent])
    session.commit()
    with pytest.raises(AlreadyDone):
        in_kind.confirm_distribution(aid.school(), made.id)
    session.rollback()
    session.expire_all()
    row = session.get(Distribution, made.id)
    assert (row.status, row.line_count, row.total) == (InKindStatus.CONFIRMED, 2, M("100.00"))
    assert not session.get(DistributionLine, absent).received
    [entry] = _payments(session)
    assert entry.id == row.entry_id and entry.reference == f"IK{row.id:07d}"
    state = aid.state(aid.supplies_allocation)
    assert (state.available, state.paid) == (M("400.00"), M("100.00"))


def test_goods_of_no_value_are_recorded_and_book_nothing(aid, session):
    made = aid.distribution(aid.entitled(2), unit_value="")
    assert made.allocation_id is None
    in_kind.confirm_distribution(aid.school(), made.id)
    session.commit()
    assert session.get(Distribution, made.id).status is InKindStatus.CONFIRMED and not _payments(session)


def test_more_than_the_allocation_holds_is_refused_and_nothing_changes(aid, session):
    made = aid.distribution(aid.entitled(3), unit_value="200.00")  # 600.00 against 500.00
    with pytest.raises(ledger.Overdrawn, match="500.00"):
        in_kind.confirm_distribution(aid.school(), made.id)
    session.rollback()
    session.expire_all()
    assert session.get(Distribution, made.id).status is InKindStatus.DRAFT and not _payments(session)
    in_kind.confirm_distribution(aid.school(), made.id, absent=[made.lines[0].id])  # 400.00 is covered
    session.commit()
    assert aid.state(aid.supplies_allocation).paid == M("400.00")


def test_bad_input_is_refused_naming_each_field(aid, session):
    pupil = aid.entitled(1)[0]
    stranger = make_student(session, school=aid.place.other_school)
    session.commit()
    with pytest.raises(FieldErrors) as refused:
        in_kind.create_distribution(
            aid.school(), school_id=aid.place.school.id, aid_item_id=aid.supplies.id, term_id=aid.term.id,
            handed_on=None, description=" ", student_ids=[pupil.id, stranger.id], unit_value="1.005", quantity=0)
    assert set(refused.value.errors) == {"handed_on", "description", "student_ids", "unit_value", "quantity"}
    assert session.query(Distribution).count() == 0


def test_a_value_needs_an_allocation_of_the_item(aid, session):
    activity = session.query(AidItem).filter_by(code="activity").one()
    pupil = aid.entitled(1, item="activity")[0]
    with pytest.raises(FieldErrors) as refused:
        in_kind.create_distribution(aid.school(), school_id=aid.place.school.id, aid_item_id=activity.id,
                                    term_id=aid.term.id, handed_on=aid.clock.today(), description="Museum trip",
                                    student_ids=[pupil.id], unit_value="30.00")
    assert set(refused.value.errors) == {"unit_value"}


def test_cash_and_canteen_items_are_not_distributions(aid, session):
    living = session.query(AidItem).filter_by(code="living_subsidy").one()
    pupil = aid.entitled(1)[0]
    for item in (living, aid.nutrition):
        with pytest.raises(FieldErrors) as refused:
            in_kind.create_distribution(aid.school(), school_id=aid.place.school.id, aid_item_id=item.id,
                                        term_id=aid.term.id, handed_on=aid.clock.today(), description="x",
                                        student_ids=[pupil.id])
        assert set(refused.value.errors) == {"aid_item_id"}


@pytest.mark.parametrize("code", ["nutrition", "supplies", "activity"])
def test_an_in_kind_item_never_goes_into_a_cash_batch(aid, session, code):
    item = session.query(AidItem).filter_by(code=code).one()
    aid.entitled(1, item=code)
    where = dict(term_id=aid.term.id, aid_item_id=item.id, school_id=aid.place.school.id)
    with pytest.raises(FieldErrors) as refused:
        disbursement.create_batch(aid.school(), idempotency_key=uuid.uuid4().hex, **where)
    assert set(refused.value.errors) == {"aid_item_id"}
    with pytest.raises(FieldErrors):
        disbursement.preview(aid.school(), **where)
    session.rollback()
    from app.models import DisbursementBatch

    assert session.query(DisbursementBatch).count() == 0


def test_a_school_sees_only_its_own_distributions(aid, session):
    from app.security.scope import Scope

    made = aid.distribution(aid.entitled(1))
    other = context(session, Scope(district_id=aid.place.school.district_id, school_id=aid.place.other_school.id))
    for step in (lambda: in_kind.confirm_distribution(other, made.id),
                 lambda: in_kind.cancel_distribution(other, made.id, reason="not ours"),
                 lambda: in_kind.load_distribution(other, made.id)):
        with pytest.raises(NotFound):
            step()
        session.rollback()
    assert in_kind.load_distribution(aid.district(), made.id).id == made.id
    with pytest.raises(NotFound):  # nor lists or records one for another school
        in_kind.candidates(other, school_id=aid.place.school.id, aid_item_id=aid.supplies.id, term_id=aid.term.id)
    with pytest.raises(NotFound):
        aid.distribution([], ctx=other)


def test_a_draft_is_cancelled_never_deleted(aid, session):
    made = aid.distribution(aid.entitled(1))
    with pytest.raises(FieldErrors):
        in_kind.cancel_distribution(aid.school(), made.id, reason="")
    in_kind.cancel_distribution(aid.school(), made.id, reason="Recorded twice")
    session.commit()
    with pytest.raises(in_kind.InKindRefused):
        in_kind.confirm_distribution(aid.school(), made.id)
    session.rollback()
    aid.meals(days=1, pupils=1)  # a row in each table: the database refuses to delete any
    for table in (DistributionLine.__table__, Distribution.__table__, CanteenMealRecord.__table__):
        with pytest.raises(Exception, match="append-only"):
            session.execute(table.delete())
        session.rollback()
    for model in (DistributionLine, Distribution, CanteenMealRecord):  # nor does the ORM, before the database
        session.delete(session.query(model).first())
        with pytest.raises(Exception, match="cannot be deleted"):
            session.flush()
        session.rollback()


def test_the_canteen_is_paid_days_times_pupils_times_the_daily_rate(aid, session):
    aid.entitled(3, item="living_subsidy")  # three enrolled pupils to feed
    record = aid.meals(days=21, pupils=3)
    assert (record.rate, record.amount) == (M("5.00"), M("315.00"))
    assert meal_amount(21, 3, M("5.00")) == M("21") * M("3") * M("5.00")
    assert meal_amount(23, 1987, M("5.00")) == M("228505.00") and meal_amount(1, 1, M("4.99")) == M("4.99")
    assert record.canteen and record.month == month_start(aid.clock.today())
    canteen_meals.confirm_meal_record(aid.school(), record.id)
    session.commit()
    with pytest.raises(AlreadyDone):
        canteen_meals.confirm_meal_record(aid.district(), record.id)
    session.rollback()
    [entry] = _payments(session)
    assert entry.reference == f"CM{record.id:07d}" and record.canteen in entry.memo
    lines = session.query(LedgerLine).filter_by(entry_id=entry.id).all()
    assert sorted((line.book.value, line.amount) for line in lines) == [("allocated", M("-315.00")),
                                                                          ("paid", M("315.00"))]
    assert all(line.batch_id is None for line in lines)  # no bank batch, no pupil account
    assert aid.state(aid.nutrition_allocation).paid == M("315.00")


def test_a_month_is_recorded_once_and_checked(aid, session):
    aid.entitled(2, item="living_subsidy")
    aid.meals(days=20, pupils=2)
    with pytest.raises(FieldErrors) as refused:
        aid.meals(days=20, pupils=2)
    assert set(refused.value.errors) == {"month"}
    session.rollback()
    with pytest.raises(FieldErrors) as refused:
        canteen_meals.create_meal_record(aid.school(), school_id=aid.place.school.id, aid_item_id=aid.nutrition.id,
                                         term_id=aid.term.id, month="2026-13", school_days=40, pupils=999)
    assert set(refused.value.errors) == {"month", "school_days", "pupils"}
    with pytest.raises(FieldErrors) as refused:
        canteen_meals.create_meal_record(aid.school(), school_id=aid.place.school.id, aid_item_id=aid.supplies.id,
                                         term_id=aid.term.id, month=aid.clock.today(), school_days=1, pupils=1)
    assert set(refused.value.errors) == {"aid_item_id"}


def test_canteen_overspending_is_refused(aid, session):
    aid.entitled(3, item="living_subsidy")
    record = aid.meals(days=20, pupils=3)
    funds.take_back(aid.district(), aid.nutrition_allocation.id, amount="800.00")  # 200.00 left, 300.00 asked
    session.commit()
    with pytest.raises(ledger.Overdrawn, match="200.00"):
        canteen_meals.confirm_meal_record(aid.school(), record.id)
    session.rollback()
    assert session.get(CanteenMealRecord, record.id).status is InKindStatus.DRAFT and not _payments(session)


def _race(app, n, call) -> tuple[list, list]:
    """`call(ctx)` from n real threads released together, each in its own session; (outcomes, errors)."""
    from app.extensions import db
    from app.runner import run

    barrier, outcomes, errors = threading.Barrier(n, timeout=60), [], []

    def work() -> None:
        try:
            with app.app_context():
                ctx = context(db.session, None)
                barrier.wait()
                try:
                    run(ctx, call)
                    outcomes.append("done")
                except AlreadyDone:
                    outcomes.append("already")
                finally:
                    db.session.remove()
        except Exception as err:  # noqa: BLE001  (reported in the test's thread)
            errors.append(err)

    threads = [threading.Thread(target=work, daemon=True) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert not any(t.is_alive() for t in threads), "a confirmation did not finish in time"
    return outcomes, errors


def test_confirmations_at_once_book_once(app, aid, session):
    """Four officers confirm one distribution and one meal record at once (real threads, each its own
    session): one confirms, the others are told it was done; one entry each, on SQLite and PostgreSQL."""
    aid.entitled(4, item="living_subsidy")
    pupils = aid.entitled(2)
    made = aid.distribution(pupils, unit_value="10.00")
    record = aid.meals(days=10, pupils=4)
    made_id, record_id = made.id, record.id  # read here: the threads never touch the test's session
    for call in (lambda ctx: in_kind.confirm_distribution(ctx, made_id),
                 lambda ctx: canteen_meals.confirm_meal_record(ctx, record_id)):
        outcomes, errors = _race(app, 4, call)
        assert not errors, errors
        assert sorted(outcomes) == ["already"] * 3 + ["done"]
    session.expire_all()
    assert session.execute(select(func.count()).select_from(LedgerEntry).where(
        LedgerEntry.kind == EntryKind.PAYMENT)).scalar_one() == 2
    assert aid.state(aid.supplies_allocation).paid == M("20.00")
    assert aid.state(aid.nutrition_allocation).paid == M("200.00")

