"""Money from receipt to reserved batch: the ledger's entries balance, no book is overdrawn, a pupil is
never in two live payments of an item in a term, a batch is made once and approved by another
officer, and its total is reserved in the same transaction (issue 13, items 2, 3, 4 and 7)."""
import threading
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.commands import disbursement, funds, ledger
from app.errors import DomainError, FieldErrors
from app.models import (
    AidItem,
    BatchStatus,
    DisbursementBatch,
    DisbursementLine,
    EntryKind,
    LedgerEntry,
    LedgerLine,
    LineStatus,
    StudentStatus,
)
from app.queries.money import account_balances, allocation_states
from app.services import batch_flow
from tests.context import context
from tests.factories import current_term, make_entitlement, make_fund_account, make_household, make_student

M = Decimal


class Money:
    """A district account with 10 000.00 received and 1 000.00 allocated to the school's living
    subsidy this term; two district officers (four eyes) and the school's officer."""

    def __init__(self, session, place, make_user, clock):
        from app.models import User

        self.session, self.place, self.clock = session, place, clock
        self.district_user = session.query(User).filter_by(username="district").one()
        self.school_user = session.query(User).filter_by(username="school1").one()
        self.second = make_user("district2", "DistrictOfficer", district=place.school.district)
        self.term = current_term(session)
        self.item = session.query(AidItem).filter_by(code="living_subsidy").one()
        self.account = make_fund_account(session, place.school.district)
        session.commit()
        funds.receive(self.district(), self.account.id, amount="10000.00", reference="财预〔2026〕1号")
        self.allocation = funds.allocate(self.district(), self.account.id, school_id=place.school.id,
                                         aid_item_id=self.item.id, term_id=self.term.id, amount="1000.00")
        session.commit()

    def district(self, user=None):
        return context(self.session, self.place.district_scope, user=user or self.district_user, clock=self.clock)

    def school(self):
        return context(self.session, self.place.scope, user=self.school_user, clock=self.clock)

    def pupil(self, *, account="6217000012345678901", amount="312.50", tier="special", **kw):
        """An enrolled pupil with a payee account and an entitlement to the living subsidy."""
        household = make_household(self.session, district=self.place.school.district, payee_name="王建国",
                                   bank_name="农村信用社", bank_account=account)
        student = make_student(self.session, school=self.place.school, household=household, **kw)
        make_entitlement(self.session, student, amount=amount, tier=tier)
        self.session.commit()
        return student

    def batch(self, **kw) -> DisbursementBatch:
        found = disbursement.create_batch(self.school(), term_id=self.term.id, aid_item_id=self.item.id,
                                          school_id=self.place.school.id, idempotency_key=uuid.uuid4().hex, **kw)
        self.session.commit()
        return found

    def state(self):
        self.session.expire_all()
        return allocation_states(self.session, self.place.district_scope,
                                 allocation_ids=[self.allocation.id])[self.allocation.id]


@pytest.fixture
def money(session, place, make_user, clock):
    return Money(session, place, make_user, clock)


def _entries_balance(session) -> None:
    sums = session.execute(select(LedgerLine.entry_id, func.sum(LedgerLine.amount)).group_by(LedgerLine.entry_id)).all()
    assert sums and all(total == 0 for _, total in sums), sums


def test_receipt_and_allocation_are_balanced_entries_and_balances_come_from_them(money, session):
    balance = account_balances(session, money.place.district_scope)[money.account.id]
    assert (balance.received, balance.unallocated, balance.allocated, balance.held) == (
        M("10000.00"), M("9000.00"), M("1000.00"), M("10000.00"))
    assert money.state().available == M("1000.00")
    _entries_balance(session)
    kinds = [e.kind for e in session.query(LedgerEntry).order_by(LedgerEntry.id)]
    assert kinds == [EntryKind.RECEIPT, EntryKind.ALLOCATION]


def test_more_than_the_account_holds_cannot_be_allocated(money, session):
    with pytest.raises(ledger.Overdrawn, match="9,000.00"):
        funds.allocate(money.district(), money.account.id, school_id=money.place.school.id,
                       aid_item_id=money.item.id, term_id=money.term.id, amount="9000.01")
    session.rollback()
    assert money.state().available == M("1000.00")


@pytest.mark.parametrize("amount", ["-5", "0", "1.005", "abc", 1.5, "1e3"])
def test_bad_amounts_are_refused_naming_the_field(money, session, amount):
    with pytest.raises(FieldErrors) as refused:
        funds.receive(money.district(), money.account.id, amount=amount)
    assert set(refused.value.errors) == {"amount"}


def test_a_school_moves_no_money(money, session):
    with pytest.raises(funds.DistrictOnly):
        funds.allocate(money.school(), money.account.id, school_id=money.place.school.id,
                       aid_item_id=money.item.id, term_id=money.term.id, amount="1.00")


def test_ledger_rows_are_never_changed_nor_deleted(money, session):
    entry = session.query(LedgerEntry).first()
    table = LedgerLine.__table__
    for statement in (table.update().values(amount=M("1.00")), table.delete(),
                      LedgerEntry.__table__.update().values(memo="x"), LedgerEntry.__table__.delete()):
        with pytest.raises(Exception, match="append-only"):
            session.execute(statement)
        session.rollback()
    entry = session.get(LedgerEntry, entry.id)
    entry.memo = "changed"
    with pytest.raises(Exception, match="cannot be changed"):
        session.flush()
    session.rollback()


def test_a_reversal_mirrors_its_entry_once(money, session):
    receipt = session.query(LedgerEntry).filter_by(kind=EntryKind.RECEIPT).one()
    with pytest.raises(ledger.Overdrawn):  # 1 000.00 of it is allocated: the account cannot give back 10 000.00
        ledger.reverse(money.district(), receipt.id, memo="录入错误")
    session.rollback()
    funds.receive(money.district(), money.account.id, amount="500.00")
    session.commit()
    extra = session.query(LedgerEntry).filter_by(kind=EntryKind.RECEIPT).order_by(LedgerEntry.id.desc()).first()
    reversal = ledger.reverse(money.district(), extra.id, memo="录入错误")
    session.commit()
    assert reversal.reverses_id == extra.id
    assert sorted(line.amount for line in reversal.lines) == [M("-500.00"), M("500.00")]
    with pytest.raises(ledger.AlreadyReversed):
        ledger.reverse(money.district(), extra.id, memo="again")
    session.rollback()
    assert account_balances(session, money.place.district_scope)[money.account.id].received == M("10000.00")


def test_preview_lists_who_is_paid_and_why_the_others_are_not(money, session):
    paid = [money.pupil(), money.pupil(tier="relative")]
    no_account = money.pupil(account=None)
    bad_account = money.pupil(account="62170000ABC")
    gone = money.pupil(status=StudentStatus.TRANSFERRED)
    found = disbursement.preview(money.school(), term_id=money.term.id, aid_item_id=money.item.id,
                                 school_id=money.place.school.id)
    assert [c.student_id for c in found.eligible] == [p.id for p in paid]
    assert found.total == M("625.00") and found.available == M("1000.00")
    assert {c.student_id: c.reason for c in found.excluded} == {
        no_account.id: batch_flow.NO_PAYEE_ACCOUNT, bad_account.id: batch_flow.NO_PAYEE_ACCOUNT,
        gone.id: batch_flow.NOT_ENROLLED}


def test_quota_and_allocation_cut_the_batch_neediest_first(money, session):
    general = money.pupil(tier="general")
    special = [money.pupil() for _ in range(3)]
    funds.set_quota(money.district(), school_id=money.place.school.id, aid_item_id=money.item.id,
                    term_id=money.term.id, places=4)
    session.commit()
    found = disbursement.preview(money.school(), term_id=money.term.id, aid_item_id=money.item.id,
                                 school_id=money.place.school.id)
    # 1 000.00 covers three pupils at 312.50: the three special ones; the general one is out of money
    assert [c.student_id for c in found.eligible] == [p.id for p in special]
    assert [(c.student_id, c.reason) for c in found.excluded] == [(general.id, batch_flow.ALLOCATION_EXHAUSTED)]
    funds.set_quota(money.district(), school_id=money.place.school.id, aid_item_id=money.item.id,
                    term_id=money.term.id, places=2)
    session.commit()
    found = disbursement.preview(money.school(), term_id=money.term.id, aid_item_id=money.item.id,
                                 school_id=money.place.school.id)
    assert len(found.eligible) == 2 and found.excluded_by_reason() == {batch_flow.OVER_QUOTA: 2}


def test_a_batch_is_made_once_per_key(money, session):
    money.pupil()
    money.pupil()
    key = uuid.uuid4().hex
    args = dict(term_id=money.term.id, aid_item_id=money.item.id, school_id=money.place.school.id,
                idempotency_key=key)
    first = disbursement.create_batch(money.school(), **args)
    session.commit()
    again = disbursement.create_batch(money.school(), **args)
    session.commit()
    assert again.id == first.id
    assert session.query(DisbursementBatch).count() == 1 and session.query(DisbursementLine).count() == 2
    assert (first.line_count, first.total, first.status) == (2, M("625.00"), BatchStatus.DRAFT)
    with pytest.raises(FieldErrors) as refused:
        disbursement.create_batch(money.school(), **{**args, "fund_account_id": money.account.id})
    assert set(refused.value.errors) == {"idempotency_key"}


def test_a_pupil_is_never_in_two_live_payments_of_an_item_in_a_term(money, session):
    pupil = money.pupil()
    batch = money.batch()
    line = session.query(DisbursementLine).filter_by(batch_id=batch.id).one()
    twin = {c.key: getattr(line, c.key) for c in DisbursementLine.__table__.c if c.key != "id"}
    with pytest.raises(IntegrityError):  # the database itself, whatever the code checked before
        with session.begin_nested():
            session.execute(DisbursementLine.__table__.insert().values(**{**twin, "reference": "ZZ-TWIN"}))
    session.rollback()
    found = disbursement.preview(money.school(), term_id=money.term.id, aid_item_id=money.item.id,
                                 school_id=money.place.school.id)
    assert [(c.student_id, c.reason) for c in found.excluded] == [(pupil.id, batch_flow.ALREADY_PAID)]
    disbursement.withdraw(money.school(), batch.id, reason="名单有误")
    session.commit()
    assert money.batch().line_count == 1  # the cancelled line frees the pupil for a new batch


def test_the_creator_never_approves_and_a_school_never_approves(money, session):
    money.pupil()
    batch = disbursement.create_batch(money.district(), term_id=money.term.id, aid_item_id=money.item.id,
                                      school_id=money.place.school.id, idempotency_key=uuid.uuid4().hex)
    disbursement.submit(money.district(), batch.id)
    session.commit()
    with pytest.raises(disbursement.BatchRefused, match="另一名工作人员"):
        disbursement.approve(money.district(), batch.id)
    session.rollback()
    with pytest.raises(disbursement.BatchRefused, match="只有区县资助中心"):
        disbursement.approve(money.school(), batch.id)
    session.rollback()
    approved = disbursement.approve(money.district(money.second), batch.id)
    session.commit()
    assert approved.status is BatchStatus.APPROVED and approved.approved_by == money.second.id


def test_approval_reserves_the_total_and_never_overspends(money, session):
    for _ in range(3):
        money.pupil()
    first = money.batch()
    disbursement.submit(money.school(), first.id)
    session.commit()
    assert money.state().available == M("1000.00")
    disbursement.approve(money.district(), first.id)
    session.commit()
    state = money.state()
    assert (state.available, state.reserved, state.allocated) == (M("62.50"), M("937.50"), M("1000.00"))
    _entries_balance(session)
    money.pupil()
    with pytest.raises(disbursement.BatchRefused, match="没有可发放的学生"):
        money.batch()  # 62.50 left: not enough for 312.50
    session.rollback()


def test_a_failure_part_way_leaves_no_batch_and_no_line(money, session, monkeypatch):
    for _ in range(3):
        money.pupil()

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(disbursement.bulk_writes, "insert_many", broken)
    with pytest.raises(RuntimeError):
        money.batch()
    session.rollback()
    assert session.query(DisbursementBatch).count() == 0 and session.query(DisbursementLine).count() == 0


def test_a_failed_approval_reserves_nothing(money, session, monkeypatch):
    money.pupil()
    batch = money.batch()
    disbursement.submit(money.school(), batch.id)
    session.commit()

    def broken(*args, **kwargs):
        raise RuntimeError("lost connection")

    monkeypatch.setattr(disbursement, "_audit_step", broken)
    with pytest.raises(RuntimeError):
        disbursement.approve(money.district(), batch.id)
    session.rollback()
    assert session.get(DisbursementBatch, batch.id).status is BatchStatus.SUBMITTED
    assert session.query(LedgerEntry).filter_by(kind=EntryKind.RESERVATION).count() == 0
    assert money.state().available == M("1000.00")


def test_steps_out_of_order_are_refused(money, session):
    money.pupil()
    batch = money.batch()
    with pytest.raises(disbursement.BatchRefused):
        disbursement.approve(money.district(), batch.id)
    session.rollback()
    with pytest.raises(DomainError):
        disbursement.submit(money.school(), batch.id, version=batch.version + 5)  # a stale page
    session.rollback()
    assert session.get(DisbursementBatch, batch.id).status is BatchStatus.DRAFT


def test_twenty_approvals_at_once_approve_exactly_what_the_money_covers(app, money, session):
    """20 submitted batches of one pupil each (312.50) on one allocation that holds ten times that:
    20 district officers approve them at once behind a barrier (real threads, each its own session);
    exactly ten are approved and the allocation is used to the fen, on SQLite and on PostgreSQL."""
    from app.extensions import db
    from app.runner import run

    funds.allocate(money.district(), money.account.id, school_id=money.place.school.id,
                   aid_item_id=money.item.id, term_id=money.term.id, amount="6000.00")
    session.commit()
    batches = []
    for _ in range(20):
        money.pupil()
        batch = money.batch()
        disbursement.submit(money.school(), batch.id)
        session.commit()
        batches.append(batch.id)
    funds.take_back(money.district(), money.allocation.id, amount=str(M("7000.00") - 10 * M("312.50")))
    session.commit()
    assert money.state().available == M("3125.00")
    barrier, outcomes, errors = threading.Barrier(20, timeout=60), [], []
    approver_ids = [money.second.id]

    def officer(batch_id: int) -> None:
        try:
            with app.app_context():
                from app.models import User

                user = db.session.get(User, approver_ids[0])
                ctx = context(db.session, money.place.district_scope, user=user, clock=money.clock)
                db.session.rollback()  # its connection back to the pool: 20 threads share 15
                barrier.wait()
                try:
                    run(ctx, disbursement.approve, batch_id)
                    outcomes.append("approved")
                except ledger.Overdrawn:
                    outcomes.append("refused")
                finally:
                    db.session.remove()
        except Exception as err:  # noqa: BLE001  (reported in the test's thread)
            errors.append(err)

    threads = [threading.Thread(target=officer, args=(b,), daemon=True) for b in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads) and not errors, errors
    assert sorted(outcomes) == ["approved"] * 10 + ["refused"] * 10
    state = money.state()
    assert (state.available, state.reserved) == (M("0.00"), M("3125.00"))
    assert session.query(DisbursementBatch).filter_by(status=BatchStatus.APPROVED).count() == 10
    _entries_balance(session)
    assert session.query(DisbursementLine).filter(DisbursementLine.status == LineStatus.PENDING).count() == 20


def test_two_posts_of_one_batch_form_at_once_make_one_batch(app, money, session):
    """A double click that reaches the server twice at once (real threads, each its own session): the
    allocation's lock orders them, the second finds the first's batch by its key; one batch, one set of
    lines, on SQLite and on PostgreSQL."""
    from app.extensions import db
    from app.runner import run

    for _ in range(3):
        money.pupil()
    key, made, errors = uuid.uuid4().hex, [], []
    barrier = threading.Barrier(2, timeout=60)
    where = dict(term_id=money.term.id, aid_item_id=money.item.id, school_id=money.place.school.id)

    def post() -> None:
        try:
            with app.app_context():
                ctx = context(db.session, money.place.scope, clock=money.clock)
                barrier.wait()
                try:
                    made.append(run(ctx, disbursement.create_batch, idempotency_key=key, **where).id)
                finally:
                    db.session.remove()
        except Exception as err:  # noqa: BLE001  (reported in the test's thread)
            errors.append(err)

    threads = [threading.Thread(target=post, daemon=True) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert not any(t.is_alive() for t in threads) and not errors, errors
    assert len(made) == 2 and made[0] == made[1]
    assert session.query(DisbursementBatch).count() == 1 and session.query(DisbursementLine).count() == 3
