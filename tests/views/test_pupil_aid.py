"""The pupil's page shows the pupil's aid and payments of every term, whichever school paid them: the
history follows a pupil who moved school; the school they left no longer sees the pupil."""
from decimal import Decimal

from app.models import (
    Allocation,
    BatchStatus,
    DisbursementBatch,
    DisbursementLine,
    FundAccount,
    FundSource,
    LineStatus,
    Student,
)
from tests.factories import make_entitlement, make_previous_term, make_student


def _paid(session, row, *, status=LineStatus.PAID, reason=None, donor=None,
          batch_status=BatchStatus.RECONCILED) -> DisbursementLine:
    account = FundAccount(code=f"ACC-P{row.id}", name="县资助专户", fiscal_year=2026,
                          district_id=row.school.district_id,
                          source=FundSource.DONATION if donor else FundSource.COUNTY, donor=donor)
    session.add(account)
    session.flush()
    allocation = Allocation(fund_account_id=account.id, district_id=account.district_id, school_id=row.school_id,
                            aid_item_id=row.aid_item_id, term_id=row.term_id)
    session.add(allocation)
    session.flush()
    batch = DisbursementBatch(district_id=account.district_id, school_id=row.school_id, term_id=row.term_id,
                              aid_item_id=row.aid_item_id, allocation_id=allocation.id,
                              status=batch_status, title=f"城关小学 第{row.id}批", line_count=1,
                              total=row.amount, idempotency_key=f"key-p{row.id:08d}", request_hash="0" * 64)
    session.add(batch)
    session.flush()
    line = DisbursementLine(batch_id=batch.id, student_id=row.student_id, school_id=row.school_id,
                            aid_item_id=row.aid_item_id, term_id=row.term_id, entitlement_id=row.id,
                            tier_id=row.tier_id, amount=row.amount, payee_name="王建国",
                            bank_account="6217990000000001234", reference=f"REF-P{row.id}", status=status,
                            failure_reason=reason)
    session.add(line)
    session.commit()
    return line


def _moved_pupil(session, place, make_user):
    """A pupil paid last term at the first school (one payment failed, then paid), entitled this term,
    then moved to the other school; the other school's officer."""
    pupil = make_student(session, school=place.school, household=place.household, name="李明轩")
    earlier = make_entitlement(session, pupil, term=make_previous_term(session), amount="312.50")
    _paid(session, earlier, status=LineStatus.FAILED, reason="账户已冻结")
    make_entitlement(session, pupil, amount="312.50")
    session.commit()
    session.get(Student, pupil.id).school = place.other_school
    session.commit()
    make_user("school2", "SchoolOfficer", school=place.other_school)
    return pupil


def test_the_new_school_sees_what_the_old_school_paid(client, session, place, make_user, login):
    pupil = _moved_pupil(session, place, make_user)
    login("school2")
    html = client.get(f"/studentmodelview/show/{pupil.id}").get_data(as_text=True)
    assert 'id="zz-pupil-aid"' in html
    assert place.school.name in html and place.other_school.name in html  # last term's school, this term's
    assert "账户已冻结" in html and html.count("312.50") >= 2
    assert "6217990000000001234" not in html and "1234" not in html.split('id="zz-pupil-aid"')[1]


def test_the_school_the_pupil_left_no_longer_sees_the_pupil(client, session, place, make_user, login):
    pupil = _moved_pupil(session, place, make_user)
    login("school1")
    assert client.get(f"/studentmodelview/show/{pupil.id}").status_code == 404


def test_a_class_teacher_sees_the_pupil_without_the_payments(client, session, place, make_user, login):
    pupil = make_student(session, school=place.school, household=place.household, grade=3, class_name="1班")
    make_entitlement(session, pupil, amount=str(Decimal("625.00")))
    session.commit()
    make_user("teacher1", "ClassTeacher", school=place.school, class_names="3年级1班")
    login("teacher1")
    resp = client.get(f"/studentmodelview/show/{pupil.id}")
    assert resp.status_code == 200 and 'id="zz-pupil-aid"' not in resp.get_data(as_text=True)


def test_a_payment_from_a_donation_names_the_donor(client, session, place, login):
    pupil = make_student(session, school=place.school, household=place.household)
    _paid(session, make_entitlement(session, pupil, amount="500.00"), donor="县慈善总会")
    login("school1")
    html = client.get(f"/studentmodelview/show/{pupil.id}").get_data(as_text=True)
    assert "县慈善总会" in html.split('id="zz-pupil-aid"')[1]


def test_donations_are_summed_per_donor(session, place):
    from app.queries.money import donations
    from app.security.scope import Scope

    first, second = (make_student(session, school=place.school, household=place.household) for _ in range(2))
    _paid(session, make_entitlement(session, first, amount="500.00"), donor="县慈善总会")
    _paid(session, make_entitlement(session, second, amount="300.00"), donor="县慈善总会")
    _paid(session, make_entitlement(session, second, amount="312.50", term=make_previous_term(session)))
    (found,) = donations(session, Scope(district_id=place.school.district_id))
    assert (found.donor, found.accounts, found.pupils) == ("县慈善总会", 2, 2)
    assert donations(session, Scope(district_id=place.school.district_id + 999)) == []


def test_a_waiting_payment_says_what_its_batch_waits_for(client, session, place, login):
    from app.labels import line_status_label

    pupil = make_student(session, school=place.school, household=place.household, name="赵雨桐")
    _paid(session, make_entitlement(session, pupil), status=LineStatus.PENDING, batch_status=BatchStatus.SUBMITTED)
    login("school1")
    html = client.get(f"/studentmodelview/show/{pupil.id}").get_data(as_text=True).split('id="zz-pupil-aid"')[1]
    waiting = line_status_label(LineStatus.PENDING, BatchStatus.SUBMITTED)
    assert waiting in html and line_status_label(LineStatus.PENDING, BatchStatus.EXPORTED) not in html
