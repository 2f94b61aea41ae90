"""The demo district's money: last school year's living subsidy paid and reconciled through every step,
this term's funded and the first school's batch waiting for the district's approval."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.clock import SYSTEM
from app.commands.batch_preview import preview
from app.context import system_context
from app.demo.seed import seed_demo
from app.extensions import db
from app.models import (
    Allocation,
    BankFile,
    BankReturn,
    BatchStatus,
    DisbursementBatch,
    DisbursementLine,
    Entitlement,
    FundAccount,
    FundSource,
    LedgerLine,
    LineStatus,
    Quota,
    School,
    Term,
)
from app.queries.money import account_balances
from tests.conftest import clean_database

TODAY = date(2026, 11, 20)
PASSWORD = "Demo-pass-2026!"


@pytest.fixture(scope="module")
def dbs(app):
    with app.app_context():
        seed_demo(app.appbuilder, db.session, schools=3, pupils=300, password=PASSWORD, seed=7, today=TODAY)
        yield db.session
        db.session.rollback()
        clean_database(SYSTEM.today())


def _terms(dbs) -> tuple[Term, Term, Term]:
    current = dbs.scalars(select(Term).filter_by(is_current=True)).one()
    autumn = dbs.scalars(select(Term).where(Term.start_date < current.start_date)
                         .order_by(Term.start_date)).all()
    return autumn[-2], autumn[-1], current


def _users(app) -> dict:
    sm = app.appbuilder.sm
    return {name: sm.find_user(username=name).id for name in ("district", "school1", "school2")}


def test_accounts_for_each_fiscal_year_from_last_autumn(dbs):
    accounts = dbs.scalars(select(FundAccount)).all()
    assert {(a.source, a.fiscal_year) for a in accounts} == {
        (source, year) for source in (FundSource.CENTRAL, FundSource.PROVINCIAL, FundSource.COUNTY)
        for year in (2025, 2026)}
    assert {a.aid_item.code for a in accounts} == {"living_subsidy"}


def test_last_year_is_paid_and_reconciled_in_every_school(app, dbs):
    last_autumn, last_spring, _ = _terms(dbs)
    users = _users(app)
    schools = dbs.scalars(select(School).order_by(School.code)).all()
    for term in (last_autumn, last_spring):
        batches = dbs.scalars(select(DisbursementBatch).filter_by(term_id=term.id)).all()
        assert {b.status for b in batches} == {BatchStatus.RECONCILED}
        funded = set(dbs.scalars(select(Allocation.school_id).filter_by(term_id=term.id)))
        assert schools[0].id in {b.school_id for b in batches} <= funded
        item = batches[0].aid_item_id
        for school_id in funded - {b.school_id for b in batches}:  # none of its pupils has an account
            assert not preview(system_context(dbs), term_id=term.id, aid_item_id=item, school_id=school_id).eligible
        for batch in batches:
            assert batch.approved_by == users["district"] != batch.created_by_fk  # four eyes
            assert dbs.scalar(select(func.count()).select_from(BankFile).filter_by(batch_id=batch.id)) == 1
            assert dbs.scalar(select(func.count()).select_from(BankReturn).filter_by(batch_id=batch.id)) == 1
        first = [b for b in batches if b.school_id == schools[0].id]
        assert len(first) == 2 and all(b.created_by_fk == users["school1"] for b in first)
        failed = dbs.scalars(select(DisbursementLine).filter_by(term_id=term.id, status=LineStatus.FAILED)).all()
        assert len(failed) == 2 and {line.failure_reason for line in failed} == {"账户已冻结", "户名与账号不符"}
        repaid = dbs.scalars(select(DisbursementLine).filter_by(batch_id=max(b.id for b in first))).all()
        assert {line.student_id for line in repaid} == {line.student_id for line in failed}
        assert all(line.status is LineStatus.PAID and line.bank_account != f.bank_account
                   for line in repaid for f in failed if f.student_id == line.student_id)


def test_each_entitled_pupil_with_an_account_is_paid_once_a_term(dbs):
    last_autumn, last_spring, _ = _terms(dbs)
    for term in (last_autumn, last_spring):
        paid = dbs.execute(select(DisbursementLine.student_id, func.count()).filter_by(
            term_id=term.id, status=LineStatus.PAID).group_by(DisbursementLine.student_id)).all()
        assert paid and all(n == 1 for _sid, n in paid)
        entitled = dbs.scalar(select(func.count()).select_from(Entitlement).filter_by(term_id=term.id))
        assert 0.8 * entitled <= len(paid) <= entitled  # those without a payee account wait for one


def test_the_spring_was_carried_over_from_the_autumn(dbs):
    last_autumn, last_spring, _ = _terms(dbs)
    spring = dbs.scalars(select(Entitlement).filter_by(term_id=last_spring.id)).all()
    autumn_ids = set(dbs.scalars(select(Entitlement.id).filter_by(term_id=last_autumn.id)))
    assert spring and all(e.carried_from_id in autumn_ids for e in spring)


def test_the_books_agree_with_the_payments(dbs):
    for (entry_id,) in dbs.execute(select(LedgerLine.entry_id).distinct()):
        lines = dbs.scalars(select(LedgerLine.amount).filter_by(entry_id=entry_id)).all()
        assert sum(lines, Decimal(0)) == 0
    balances = account_balances(dbs, system_context(dbs).scope).values()
    paid = dbs.scalar(select(func.sum(DisbursementLine.amount)).filter_by(status=LineStatus.PAID))
    assert sum((b.paid for b in balances), Decimal(0)) == paid
    assert all(b.unallocated >= 0 and b.allocated >= 0 and b.reserved >= 0 for b in balances)


def test_this_term_is_funded_and_the_first_school_waits_for_approval(app, dbs):
    _, _, current = _terms(dbs)
    schools = dbs.scalars(select(School).order_by(School.code)).all()
    allocations = dbs.scalars(select(Allocation).filter_by(term_id=current.id)).all()
    assert {a.school_id for a in allocations} == {s.id for s in schools}
    assert {q.school_id for q in dbs.scalars(select(Quota).filter_by(term_id=current.id))} == {s.id for s in schools}
    batch = dbs.scalars(select(DisbursementBatch).filter_by(term_id=current.id)).one()
    assert batch.status is BatchStatus.SUBMITTED and batch.school_id == schools[0].id
    assert batch.created_by_fk == _users(app)["school1"] and batch.line_count > 0
    entitled = dbs.scalar(select(func.count()).select_from(Entitlement).filter_by(
        term_id=current.id, school_id=schools[0].id))
    assert batch.line_count <= entitled


def test_every_audit_event_of_the_demo_reads_in_chinese(app, dbs):
    from app.models import AuditEvent
    from app.views.admin.audit import format_action, format_entity
    from app.views.admin.audit_summary import format_summary
    from tests.e2e.crawl import ROLE_NAMES, english_words

    events = dbs.execute(select(AuditEvent.action, AuditEvent.entity, AuditEvent.summary).distinct()).all()
    assert len(events) > 20
    with app.test_request_context(headers={"Accept-Language": "zh"}):
        lines = [" ".join((format_action(a), format_entity(e), format_summary(s))) for a, e, s in events]
    usernames = ["district", "school1", "school2"]
    found = english_words("\n".join(lines), usernames + ROLE_NAMES)
    assert not found, "\n".join(f"{line}: {words}" for line, words in found)
