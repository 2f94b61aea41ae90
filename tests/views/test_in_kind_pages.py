"""The in-kind page as a school and the district use it: a distribution recorded from the entitled pupils,
confirmed once (absent pupils left out), its register downloaded; a month of canteen meals recorded and
paid to the canteen; another school's records answer 404; a school moves no money."""
import re
from io import BytesIO

import pytest

from app.models import (
    AidItem,
    CanteenMealRecord,
    Distribution,
    EntryKind,
    FundAccount,
    InKindStatus,
    LedgerEntry,
)
from tests.factories import current_term, make_entitlement, make_fund_account, make_student

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _hidden(html: str, form_id: str) -> dict:
    """The hidden fields of one form of a page (CSRF is off in tests; the one-time token matters)."""
    form = html.split(f'id="{form_id}"', 1)[1].split("</form>", 1)[0]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


@pytest.fixture
def funded(session, place):
    """Three pupils entitled to supplies; 300.00 allocated to the school's supplies and 500.00 to its nutrition."""
    from app.commands import funds
    from tests.context import context

    account = make_fund_account(session, place.school.district, code="ZH-KIND", name="county in-kind account")
    pupils = []
    for _ in range(3):
        student = make_student(session, school=place.school)
        make_entitlement(session, student, item="supplies", amount="0.00")
        pupils.append(student)
    session.commit()
    district = context(session, place.district_scope)
    funds.receive(district, account.id, amount="1000.00")
    term = current_term(session)
    for code, amount in (("supplies", "300.00"), ("nutrition", "500.00")):
        item = session.query(AidItem).filter_by(code=code).one()
        funds.allocate(district, account.id, school_id=place.school.id, aid_item_id=item.id, term_id=term.id,
                       amount=amount)
    session.commit()
    return pupils


def _record(client, session, place, pupils, **fields):
    item = session.query(AidItem).filter_by(code="supplies").one()
    term = current_term(session)
    page = client.get(f"/money/in_kind/new?aid_item_id={item.id}&term_id={term.id}").get_data(as_text=True)
    assert all(f'data-pupil="{p.id}"' in page for p in pupils)  # every entitled pupil, ticked
    assert page.count('name="student_ids"') == len(pupils) and page.count(" checked aria-label") >= len(pupils)
    data = {**_hidden(page, "zz-distribution-form"), "handed_on": fields.pop("handed_on", None) or
            page.split('name="handed_on" type="date" class="form-control" value="', 1)[1].split('"', 1)[0],
            "description": "Schoolbag and stationery set", "unit_value": "40.00", "quantity": "1",
            "student_ids": [str(p.id) for p in pupils], **fields}
    return client.post("/money/in_kind/new", data=data)


def test_a_school_records_confirms_and_prints_a_distribution(client, session, place, funded, login):
    login("school1")
    assert 'id="zz-in-kind"' in client.get("/money/").get_data(as_text=True)  # reached from the money page
    made = _record(client, session, place, funded)
    assert made.status_code == 302
    row = session.query(Distribution).one()
    assert (row.status, len(row.lines)) == (InKindStatus.DRAFT, 3)
    page = client.get(f"/money/in_kind/{row.id}").get_data(as_text=True)
    assert all(f'data-line="{line.id}"' in page for line in row.lines)
    register = client.get(f"/money/in_kind/{row.id}/register.xlsx")
    assert register.status_code == 200 and register.mimetype == XLSX
    absent = row.lines[0].id
    data = {**_hidden(page, "zz-distribution-confirm"), "absent": [str(absent)]}
    client.post(f"/money/in_kind/{row.id}/confirm", data=data, follow_redirects=True)
    again = client.post(f"/money/in_kind/{row.id}/confirm", data={**data, "once_token": "x" * 24},
                        follow_redirects=True)
    assert again.status_code == 200
    session.expire_all()
    row = session.get(Distribution, row.id)
    assert (row.status, row.line_count, str(row.total)) == (InKindStatus.CONFIRMED, 2, "80.00")
    assert session.query(LedgerEntry).filter_by(kind=EntryKind.PAYMENT).count() == 1
    listing = client.get("/money/in_kind/").get_data(as_text=True)
    assert f'data-distribution="{row.id}"' in listing and "Schoolbag and stationery set" in listing


def test_a_refused_form_names_its_fields_and_writes_nothing(client, session, place, funded, login):
    login("school1")
    resp = _record(client, session, place, funded, description="", unit_value="abc")
    assert resp.status_code == 200 and 'id="description-errors"' in resp.get_data(as_text=True)
    assert 'id="unit_value-errors"' in resp.get_data(as_text=True)
    assert session.query(Distribution).count() == 0


def test_the_canteen_month_is_recorded_and_paid_once(client, session, place, funded, login):
    login("school1")
    page = client.get("/money/in_kind/").get_data(as_text=True)
    month = page.split('name="month" type="month" class="form-control" value="', 1)[1].split('"', 1)[0]
    item = session.query(AidItem).filter_by(code="nutrition").one()
    client.post("/money/in_kind/meals", data={**_hidden(page, "zz-meal-form"), "aid_item_id": item.id,
                                             "month": month, "school_days": "10", "pupils": "4"})
    record = session.query(CanteenMealRecord).one()
    assert str(record.amount) == "200.00" and record.status is InKindStatus.DRAFT
    page = client.get("/money/in_kind/").get_data(as_text=True)
    assert f'data-meal-record="{record.id}"' in page
    form = page.split('data-step="confirm"', 1)[1].split("</form>", 1)[0]
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    for _ in range(2):
        client.post(f"/money/in_kind/meals/{record.id}/confirm", data={**hidden, "once_token": "y" * 24})
    session.expire_all()
    assert session.get(CanteenMealRecord, record.id).status is InKindStatus.CONFIRMED
    [entry] = session.query(LedgerEntry).filter_by(kind=EntryKind.PAYMENT).all()
    assert entry.reference == f"CM{record.id:07d}"
    register = client.get(f"/money/in_kind/meals/register.xlsx?term_id={record.term_id}")
    assert register.status_code == 200 and register.mimetype == XLSX
    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(register.data)).active
    assert any(row[1] == month for row in sheet.iter_rows(values_only=True))


def test_another_school_gets_404_for_every_record(client, session, place, funded, make_user, login):
    from app.commands import canteen_meals, in_kind
    from tests.context import context

    ctx = context(session, place.scope)
    term = current_term(session)
    supplies = session.query(AidItem).filter_by(code="supplies").one()
    nutrition = session.query(AidItem).filter_by(code="nutrition").one()
    row = in_kind.create_distribution(ctx, school_id=place.school.id, aid_item_id=supplies.id, term_id=term.id,
                                      handed_on=ctx.today, description="Books", student_ids=[funded[0].id])
    record = canteen_meals.create_meal_record(ctx, school_id=place.school.id, aid_item_id=nutrition.id,
                                              term_id=term.id, month=ctx.today, school_days=1, pupils=1)
    session.commit()
    make_user("school2", "SchoolOfficer", school=place.other_school)
    login("school2")
    for url in (f"/money/in_kind/{row.id}", f"/money/in_kind/{row.id}/register.xlsx"):
        assert client.get(url).status_code == 404, url
    for url in (f"/money/in_kind/{row.id}/confirm", f"/money/in_kind/{row.id}/cancel",
                f"/money/in_kind/meals/{record.id}/confirm"):
        assert client.post(url, data={"reason": "x"}).status_code == 404, url
    listing = client.get("/money/in_kind/").get_data(as_text=True)
    assert f'data-distribution="{row.id}"' not in listing and f'data-meal-record="{record.id}"' not in listing
    session.expire_all()
    assert session.get(Distribution, row.id).status is InKindStatus.DRAFT


def test_the_district_sees_every_school_and_a_school_moves_no_money(client, session, place, funded, login):
    login("school1")
    account = session.query(FundAccount).filter_by(code="ZH-KIND").one()
    page = client.get("/money/in_kind/").get_data(as_text=True)
    assert 'id="zz-in-kind-allocate"' not in page
    supplies = session.query(AidItem).filter_by(code="supplies").one()
    client.post("/money/in_kind/allocate", data={"fund_account_id": account.id, "school_id": place.school.id,
                                                 "aid_item_id": supplies.id, "term_id": current_term(session).id,
                                                 "amount": "1.00"})
    assert session.query(LedgerEntry).count() == 3  # the receipt and two allocations only
    client.get("/logout/")
    login("district")
    page = client.get("/money/in_kind/").get_data(as_text=True)
    assert 'id="zz-in-kind-allocate"' in page and page.count("data-allocation=") == 2


def _second_account(session, place):
    """A second account that allocated the school's supplies and nutrition too: a record names which pays."""
    from app.commands import funds
    from tests.context import context

    second = make_fund_account(session, place.school.district, code="ZH-KIND2", name="donated in-kind account")
    session.commit()
    district = context(session, place.district_scope)
    funds.receive(district, second.id, amount="1000.00")
    for code in ("supplies", "nutrition"):
        item = session.query(AidItem).filter_by(code=code).one()
        funds.allocate(district, second.id, school_id=place.school.id, aid_item_id=item.id,
                       term_id=current_term(session).id, amount="100.00")
    session.commit()
    return second


def test_with_two_accounts_both_forms_ask_which_pays(client, session, place, funded, login):
    second = _second_account(session, place)
    login("school1")
    made = _record(client, session, place, funded, fund_account_id=str(second.id))
    assert made.status_code == 302, made.get_data(as_text=True)
    assert session.query(Distribution).one().allocation.fund_account_id == second.id
    page = client.get("/money/in_kind/").get_data(as_text=True)
    form = page.split('id="zz-meal-form"', 1)[1].split("</form>", 1)[0]
    assert 'id="zz-meal-account"' in form and f'<option value="{second.id}">' in form
    item = session.query(AidItem).filter_by(code="nutrition").one()
    month = page.split('name="month" type="month" class="form-control" value="', 1)[1].split('"', 1)[0]
    client.post("/money/in_kind/meals", data={**_hidden(page, "zz-meal-form"), "aid_item_id": item.id,
                                             "month": month, "school_days": "1", "pupils": "1",
                                             "fund_account_id": str(second.id)})
    assert session.query(CanteenMealRecord).one().allocation.fund_account_id == second.id


def test_the_distribution_form_offers_the_accounts_only_when_several_paid(client, session, place, funded, login):
    login("school1")
    item = session.query(AidItem).filter_by(code="supplies").one()
    url = f"/money/in_kind/new?aid_item_id={item.id}&term_id={current_term(session).id}"
    assert 'id="zz-distribution-account"' not in client.get(url).get_data(as_text=True)
    assert 'id="zz-meal-account"' not in client.get("/money/in_kind/").get_data(as_text=True)
    second = _second_account(session, place)
    page = client.get(url).get_data(as_text=True)
    form = page.split('id="zz-distribution-form"', 1)[1].split("</form>", 1)[0]
    assert 'id="zz-distribution-account"' in form and f'<option value="{second.id}">' in form


@pytest.mark.parametrize("quantity", ["\u00b2", "0", "-1", "abc"])
def test_a_quantity_that_is_not_one_or_more_is_refused(client, session, place, funded, login, quantity):
    login("school1")
    resp = _record(client, session, place, funded, quantity=quantity)
    assert resp.status_code == 200 and 'id="quantity-errors"' in resp.get_data(as_text=True)
    assert session.query(Distribution).count() == 0


def test_a_blank_quantity_is_one(client, session, place, funded, login):
    login("school1")
    assert _record(client, session, place, funded, quantity="").status_code == 302
    assert {line.quantity for line in session.query(Distribution).one().lines} == {1}


def test_a_date_that_is_not_one_is_said_so_on_its_field(client, session, place, funded, login):
    from app.commands.in_kind import NOT_A_DATE

    login("school1")
    resp = _record(client, session, place, funded, handed_on="2026-02-30")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and 'id="handed_on-errors"' in html
    errors = html.split('id="handed_on-errors"', 1)[1].split("</ul>", 1)[0]
    with client.application.test_request_context(headers={"Accept-Language": "zh"}):
        assert str(NOT_A_DATE) in errors
    assert session.query(Distribution).count() == 0


def test_a_draft_lists_every_pupil_to_mark_absent(client, session, place, funded, login, monkeypatch):
    """However many pupils a draft holds, its confirm form lists them all: an absent pupil past the first
    page of a confirmed one is ticked too."""
    from app.views.money import in_kind as page_module

    monkeypatch.setattr(page_module, "PAGE", 2)
    login("school1")
    _record(client, session, place, funded)
    row = session.query(Distribution).one()
    page = client.get(f"/money/in_kind/{row.id}").get_data(as_text=True)
    form = page.split('id="zz-distribution-confirm"', 1)[1].split("</form>", 1)[0]
    assert all(f'name="absent" value="{line.id}"' in form for line in row.lines)
    last = row.lines[-1].id
    client.post(f"/money/in_kind/{row.id}/confirm", data={**_hidden(page, "zz-distribution-confirm"),
                                                         "absent": [str(last)]})
    session.expire_all()
    row = session.get(Distribution, row.id)
    assert (row.status, row.line_count) == (InKindStatus.CONFIRMED, 2)
    assert not session.get(type(row.lines[0]), last).received
    confirmed = client.get(f"/money/in_kind/{row.id}").get_data(as_text=True)  # pages again once confirmed
    assert confirmed.count("data-line=") == 2 and "page=2" in confirmed


def test_confirming_tells_how_many_pupils_left_the_school(client, session, place, funded, login):
    from app.models import StudentStatus

    login("school1")
    _record(client, session, place, funded)
    row = session.query(Distribution).one()
    page = client.get(f"/money/in_kind/{row.id}").get_data(as_text=True)
    funded[0].status = StudentStatus.TRANSFERRED
    session.commit()
    done = client.post(f"/money/in_kind/{row.id}/confirm", data=_hidden(page, "zz-distribution-confirm"),
                       follow_redirects=True).get_data(as_text=True)
    assert "登记后已离校或转出的学生未计入发放" in done and "1 名" in done
    session.expire_all()
    assert session.get(Distribution, row.id).line_count == 2
