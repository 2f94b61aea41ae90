"""Why a pupil is left out of a batch: no allocation at all is told apart from an allocation used up,
and every reason has its own label on the pages."""
from app.commands import disbursement, funds
from app.models import AidItem
from app.services import batch_flow
from tests.context import context
from tests.factories import current_term, make_entitlement, make_fund_account, make_household, make_student


def _pupil(session, place, account="6217000012345678901", amount="312.50"):
    household = make_household(session, district=place.school.district, payee_name="王建国", bank_account=account)
    student = make_student(session, school=place.school, household=household)
    make_entitlement(session, student, amount=amount)
    session.commit()
    return student


def _preview(session, place):
    item = session.query(AidItem).filter_by(code="living_subsidy").one()
    return disbursement.preview(context(session, place.scope), term_id=current_term(session).id,
                                aid_item_id=item.id, school_id=place.school.id)


def test_with_no_allocation_the_reason_is_no_allocation(session, place):
    paid_if_funded, no_account = _pupil(session, place), _pupil(session, place, account=None)
    found = _preview(session, place)
    assert found.allocation is None and not found.eligible
    assert {(c.student_id, c.reason) for c in found.excluded} == {
        (paid_if_funded.id, batch_flow.NO_ALLOCATION), (no_account.id, batch_flow.NO_PAYEE_ACCOUNT)}
    assert found.excluded_by_reason() == {batch_flow.NO_PAYEE_ACCOUNT: 1, batch_flow.NO_ALLOCATION: 1}


def test_with_an_allocation_used_up_the_reason_stays_allocation_exhausted(session, place):
    first, second = _pupil(session, place), _pupil(session, place)
    item = session.query(AidItem).filter_by(code="living_subsidy").one()
    account = make_fund_account(session, place.school.district)
    session.commit()
    district = context(session, place.district_scope)
    funds.receive(district, account.id, amount="500.00")
    funds.allocate(district, account.id, school_id=place.school.id, aid_item_id=item.id,
                   term_id=current_term(session).id, amount="400.00")
    session.commit()
    found = _preview(session, place)
    assert [c.student_id for c in found.eligible] == [first.id]
    assert [(c.student_id, c.reason) for c in found.excluded] == [(second.id, batch_flow.ALLOCATION_EXHAUSTED)]


def test_every_reason_has_its_own_label():
    from app.views.money.payments import EXCLUSION_LABELS

    assert set(EXCLUSION_LABELS) == set(batch_flow.EXCLUSIONS)
    assert len({str(label) for label in EXCLUSION_LABELS.values()}) == len(batch_flow.EXCLUSIONS)
