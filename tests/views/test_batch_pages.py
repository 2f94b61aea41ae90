"""The batch pages as a new user reads them: one figure of the money available on the money page and on
the batch preview, a waiting line's status following its batch, and a batch list that numbers batches."""
import html
import re
from decimal import Decimal

from app.commands import disbursement
from app.labels import PENDING_LINE_LABELS, enum_label, line_status_label
from app.models import BatchStatus, LineStatus, User
from app.queries.money import AllocationState
from tests.context import context
from tests.views import test_money_pages
from tests.views.test_money_pages import _funded, _step_form

pupils = test_money_pages.pupils  # the money pages' fixture: two payable pupils, one without an account


def _allocation_row(page: str) -> tuple[str, str, str]:
    """(held, reserved, available) of the one allocation row of the money page."""
    row = page.split("data-allocation=", 1)[1].split("</tr>", 1)[0]
    held = re.search(r'zz-held">([^<]+)<', row).group(1)
    cells = re.findall(r'<td class="zz-num">([^<]*)</td>', row)
    available = re.search(r'zz-available"><strong>([^<]+)<', row).group(1)
    return held, cells[1], available


def _preview_available(client, item, term) -> str:
    """The money the batch preview says a new batch can draw on."""
    page = client.get(f"/batches/new?aid_item_id={item.id}&term_id={term.id}").get_data(as_text=True)
    return re.search(r'id="zz-batch-available">[^¥]*(¥[\d,.]+)', page).group(1)


def _approve(session, place, batch) -> None:
    """The batch submitted and approved by a second district officer (four eyes)."""
    disbursement.submit(context(session, place.district_scope), batch.id)
    second = session.query(User).filter_by(username="district2").one()
    disbursement.approve(context(session, place.district_scope, user=second), batch.id)
    session.commit()


def test_a_batch_awaiting_approval_holds_its_money_alike_on_both_pages(client, session, place, pupils, login):
    _account, item, term, batch = _funded(session, place, batch_key="held-key-0001")
    disbursement.submit(context(session, place.district_scope), batch.id)
    session.commit()
    login("school1")
    held, reserved, available = _allocation_row(client.get("/money/").get_data(as_text=True))
    assert (held, reserved, available) == ("¥625.00", "¥0.00", "¥375.00")
    assert _preview_available(client, item, term) == "¥375.00"  # the same figure, not 1 000.00 − 625.00 twice


def test_an_approved_batch_is_reserved_and_a_withdrawn_one_holds_nothing(client, session, place, pupils, login):
    _account, item, term, batch = _funded(session, place, batch_key="held-key-0002")
    _approve(session, place, batch)
    login("school1")
    assert _allocation_row(client.get("/money/").get_data(as_text=True)) == ("¥0.00", "¥625.00", "¥375.00")
    assert _preview_available(client, item, term) == "¥375.00"


def test_a_withdrawn_batch_holds_nothing_on_either_page(client, session, place, pupils, login):
    _account, item, term, batch = _funded(session, place, batch_key="held-key-0004")
    disbursement.withdraw(context(session, place.district_scope), batch.id, reason="重做")
    session.commit()
    login("school1")
    assert _allocation_row(client.get("/money/").get_data(as_text=True)) == ("¥0.00", "¥0.00", "¥1,000.00")
    assert _preview_available(client, item, term) == "¥1,000.00"


def test_an_allocation_adds_up_with_what_batches_hold():
    state = AllocationState(1, available=Decimal("1000.00"), reserved=Decimal("200.00"), paid=Decimal("50.00"),
                            held=Decimal("625.00"))
    assert state.drawable == Decimal("375.00")
    assert state.allocated == state.held + state.reserved + state.paid + state.drawable == Decimal("1250.00")
    assert AllocationState(2, Decimal("1000.00"), Decimal("0.00"), Decimal("0.00")).drawable == Decimal("1000.00")


def _statuses(page: str) -> set[str]:
    """The words in the status cells of a batch's tier and line tables."""
    return {html.unescape(text) for text in re.findall(r'<td data-status="pending">([^<]+)</td>', page)}


def test_a_waiting_line_says_what_its_batch_waits_for(client, session, place, pupils, login):
    _account, _item, _term, batch = _funded(session, place, batch_key="line-key-0001")
    login("district")
    client.get("/lang/en")
    page = client.get(f"/batches/{batch.id}").get_data(as_text=True)
    assert _statuses(page) == {"In a draft batch"}
    client.post(f"/batches/{batch.id}/submit", data=_step_form(page, "submit"))
    assert _statuses(client.get(f"/batches/{batch.id}").get_data(as_text=True)) == {
        "Awaiting the district's approval"}
    second = session.query(User).filter_by(username="district2").one()
    disbursement.approve(context(session, place.district_scope, user=second), batch.id)
    session.commit()
    page = client.get(f"/batches/{batch.id}").get_data(as_text=True)
    assert _statuses(page) == {"Awaiting the bank file"} and "Awaiting the bank<" not in page


def test_only_a_waiting_line_takes_its_batch_s_state(app):
    with app.app_context():
        assert line_status_label(LineStatus.PENDING, BatchStatus.EXPORTED) == enum_label(LineStatus.PENDING)
        assert line_status_label(LineStatus.PENDING, BatchStatus.SUBMITTED) == str(
            PENDING_LINE_LABELS[BatchStatus.SUBMITTED]) != enum_label(LineStatus.PENDING)
        for status in (LineStatus.PAID, LineStatus.FAILED, LineStatus.REVERSED):
            assert line_status_label(status, BatchStatus.EXPORTED) == enum_label(status)
        assert line_status_label(LineStatus.CANCELLED, BatchStatus.WITHDRAWN) == enum_label(LineStatus.CANCELLED)


def test_the_batch_list_numbers_batches_and_fits_its_card(client, session, place, pupils, login):
    _account, item, term, first = _funded(session, place, batch_key="list-key-0001")
    district = context(session, place.district_scope)
    disbursement.withdraw(district, first.id, reason="名单有误")
    second = disbursement.create_batch(district, term_id=term.id, aid_item_id=item.id, school_id=place.school.id,
                                       idempotency_key="list-key-0002", title="补发第二批")
    session.commit()
    login("district")
    client.get("/lang/en")
    page = client.get("/batches/").get_data(as_text=True)
    table = page.split('<div class="table-responsive">', 1)[1].split("</table>", 1)[0]
    assert 'id="zz-batch-list"' in table  # the table scrolls inside its card, never past it
    rows = {int(n): row for n, row in re.findall(r'<tr data-batch="(\d+)">(.*?)</tr>', table, re.S)}
    assert f"Batch No. {first.id}" in rows[first.id]
    assert "zz-batch-title" not in rows[first.id]  # its name only repeated the school, term and item
    assert "补发第二批" in rows[second.id] and place.school.name in rows[second.id]
    client.get("/logout/")
    login("school1")
    mine = client.get("/batches/").get_data(as_text=True)
    assert f'data-batch="{second.id}"' in mine and f"<td>{place.school.name}</td>" not in mine  # one school


def test_the_reconciliation_is_named_after_its_term(client, session, place, pupils, login):
    from urllib.parse import quote

    _account, _item, term, _batch = _funded(session, place, batch_key="named-key-0001")
    login("district")
    resp = client.get(f"/batches/reconciliation.xlsx?term_id={term.id}")
    assert resp.status_code == 200 and quote(term.name) in resp.headers["Content-Disposition"]
    every = client.get("/batches/reconciliation.xlsx")
    assert every.status_code == 200 and quote(term.name) not in every.headers["Content-Disposition"]
