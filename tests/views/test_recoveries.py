"""追回: aid paid on an identification cancelled for false information is listed to recover, on the page,
the workbench and REST; the district records it once, the money back in the account, the line reversed."""
import uuid

import pytest

from app.commands import disbursement, identification
from app.models import DisbursementLine, Entitlement, LineStatus
from app.queries.money import account_balances
from tests.context import context
from tests.views.test_money_pages import _funded, pupils  # noqa: F401 (the fixture)


@pytest.fixture
def paid(app, session, place, pupils):  # noqa: F811
    """The batch of the entitled pupils paid; the first pupil's identification then cancelled, its aid
    to be recovered. (the account, the paid line to recover)"""
    sm = app.appbuilder.sm
    account, _item, _term, batch = _funded(session, place, batch_key=uuid.uuid4().hex)
    school = context(session, place.scope, user=sm.find_user(username="school1"))
    disbursement.submit(school, batch.id)
    district = context(session, place.district_scope, user=sm.find_user(username="district"))
    disbursement.approve(district, batch.id)
    disbursement.mark_exported(district, batch.id)
    lines = session.query(DisbursementLine).filter_by(batch_id=batch.id).order_by(DisbursementLine.id).all()
    disbursement.record_answers(district, batch.id, [disbursement.Answer(line.reference, True, line.amount)
                                                     for line in lines])
    session.commit()
    application_id = session.get(Entitlement, lines[0].entitlement_id).application_id
    identification.cancel(district, application_id, reason="虚报家庭收入，经核实撤销认定", recover_aid=True)
    session.commit()
    return account, lines[0]


def test_the_district_records_a_payment_recovered_once(client, session, place, paid, login):
    account, line = paid
    login("district")
    page = client.get("/money/recoveries/").get_data(as_text=True)
    assert f'data-line="{line.id}"' in page and "虚报家庭收入" in page
    assert "需追回的资助" in client.get("/").get_data(as_text=True)  # the workbench's to-do
    before = account_balances(session, context(session).scope)[account.id]
    form = {"reason": "家长已退回，收据号 ZH-0001"}
    client.post(f"/money/recoveries/{line.id}", data=form)
    again = client.post(f"/money/recoveries/{line.id}", data=form)  # twice: refused, nothing more moved
    assert again.status_code in (302, 303)
    session.expire_all()
    after = account_balances(session, context(session).scope)[account.id]
    assert session.get(DisbursementLine, line.id).status is LineStatus.REVERSED
    assert (after.paid, after.unallocated) == (before.paid - line.amount, before.unallocated + line.amount)
    assert f'data-line="{line.id}"' not in client.get("/money/recoveries/").get_data(as_text=True)


def test_a_school_sees_the_list_but_cannot_recover(client, session, place, paid, login):
    _account, line = paid
    login("school1")
    page = client.get("/money/recoveries/")
    assert page.status_code == 200 and 'class="form-inline zz-recover"' not in page.get_data(as_text=True)
    assert client.post(f"/money/recoveries/{line.id}", data={"reason": "x"}).status_code in (302, 403)
    session.expire_all()
    assert session.get(DisbursementLine, line.id).status is LineStatus.PAID


def test_a_leader_does_not_see_who_is_to_repay(client, place, paid, login, make_user):
    make_user("leader", "Leader", district=place.school.district)
    login("leader")
    assert client.get("/money/recoveries/").status_code in (302, 403, 404)


def test_recovering_over_rest(client, session, place, paid, jwt):
    _account, line = paid
    url = f"/api/v1/disbursement_line/{line.id}/recover"
    assert client.post(url, json={"reason": ""}, headers=jwt("district")).status_code == 422
    assert client.post(url, json={"reason": "退回"}, headers=jwt("school1")).status_code == 403
    done = client.post(url, json={"reason": "收据号 ZH-0002"}, headers=jwt("district"))
    assert done.status_code == 200 and done.get_json()["status"] == "reversed"
    assert client.post(url, json={"reason": "再次"}, headers=jwt("district")).status_code == 409
    assert client.post("/api/v1/disbursement_line/999999/recover", json={"reason": "x"},
                       headers=jwt("district")).status_code == 404


def test_a_failed_payment_leaves_the_to_dos_once_paid_again(app, session, place, pupils):  # noqa: F811
    from app.security.scope import Scope
    from app.workbench import money
    from app.workbench.context import make_context

    sm = app.appbuilder.sm
    account, item, term, batch = _funded(session, place, batch_key=uuid.uuid4().hex)
    school = context(session, place.scope, user=sm.find_user(username="school1"))
    district = context(session, place.district_scope, user=sm.find_user(username="district"))
    disbursement.submit(school, batch.id)
    disbursement.approve(district, batch.id)
    disbursement.mark_exported(district, batch.id)
    first, *rest = session.query(DisbursementLine).filter_by(batch_id=batch.id).order_by(DisbursementLine.id).all()
    disbursement.record_answers(district, batch.id, [disbursement.Answer(first.reference, False, first.amount, "冻结"),
                                                     *(disbursement.Answer(r.reference, True, r.amount) for r in rest)])
    session.commit()

    def failed() -> int:
        with app.test_request_context():
            return money.failed_payments(make_context(context(session, Scope(district_id=place.school.district_id))))

    assert failed().count == 1
    again = disbursement.create_batch(district, term_id=term.id, aid_item_id=item.id, school_id=place.school.id,
                                      idempotency_key=uuid.uuid4().hex)
    session.commit()
    assert again.line_count == 1 and failed().count == 0  # in a batch again: nothing left to do
