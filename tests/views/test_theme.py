"""The theme over FAB's templates: empty states, inline form errors, CSP-safe deletes, local assets."""
import re
from decimal import Decimal

from app.models import HouseholdMember, Relation
from tests.factories import make_household, make_school, make_student


def test_empty_list_shows_the_empty_state_with_an_add_button(client, district_school):
    page = client.get("/studentmodelview/list/").get_data(as_text=True)
    assert 'class="zz-empty"' in page and "fa-inbox" in page
    assert re.search(r'<a class="btn btn-primary zz-add" href="/studentmodelview/add[^"]*"', page)
    assert "zz-clear-filters" not in page
    assert "<b>" + "没有找到记录" not in page  # FAB's bare sentence is gone


def test_filtered_empty_list_says_the_filters_match_nothing_and_offers_to_clear_them(
        client, session, district_school):
    make_student(session, school=district_school, name="李小明")
    session.commit()
    page = client.get("/studentmodelview/list/?_flt_0_name=无此人").get_data(as_text=True)
    assert 'class="zz-empty"' in page and "fa-filter" in page
    assert 'class="btn btn-default zz-clear-filters" href="/studentmodelview/list/"' in page


def test_auditor_sees_no_add_button_on_an_empty_list(client, session, make_user, login):
    school = make_school(session)
    session.commit()
    make_user("auditor1", "Auditor", district=school.district)
    login("auditor1")
    page = client.get("/studentmodelview/list/").get_data(as_text=True)
    assert 'class="zz-empty"' in page
    assert "zz-add" not in page


def test_row_delete_asks_first_without_inline_handlers(client, session, district_school):
    pupil = make_student(session, school=district_school)
    session.commit()
    page = client.get("/studentmodelview/list/").get_data(as_text=True)
    assert f'data-zz-post="/studentmodelview/delete/{pupil.id}"' in page
    assert 'data-zz-confirm="确定要删除这条记录吗？"' in page
    assert "onclick=" not in page and "execute_single_delete" not in page
    assert session.get(type(pupil), pupil.id) is not None  # rendering the list deleted nothing


def test_money_columns_are_marked_numeric_for_right_alignment(client, session, district_school):
    household = make_household(session, district=district_school.district)
    session.add(HouseholdMember(household_id=household.id, name="王建国", relation=Relation.FATHER,
                                annual_income=Decimal("25500.00")))
    session.commit()
    page = client.get("/householdmembermodelview/list/").get_data(as_text=True)
    assert 'class="zz-col-annual_income zz-num"' in page
    assert 'class="zz-col-name"' in page  # text columns stay left-aligned


def test_form_errors_show_a_banner_and_the_message_next_to_the_field(client, district_school):
    page = client.post("/studentmodelview/add", data={"name": "", "sex": "FEMALE"},
                       follow_redirects=True).get_data(as_text=True)
    assert 'class="alert alert-danger zz-form-errors"' in page
    assert 'href="#zz-field-name"' in page
    assert re.search(r'<div class="zz-field has-error" id="zz-field-name">.*?zz-field-errors', page, re.S)
    assert 'aria-invalid="true"' in page


def test_theme_assets_are_served_locally(client, district_school):
    page = client.get("/studentmodelview/list/").get_data(as_text=True)
    assert '<link href="/static/css/zizhu.css" rel="stylesheet">' in page
    assert not re.search(r'<(link|script)[^>]+(href|src)="(https?:)?//', page)
    css = client.get("/static/css/zizhu.css")
    assert css.status_code == 200 and b"@media print" in css.data and b"@font-face" not in css.data
    assert client.get("/static/js/zizhu.js").status_code == 200


def test_login_page_shows_the_brand(client):
    page = client.get("/login/").get_data(as_text=True)
    assert 'class="zz-login"' in page and "资助通" in page
    assert 'name="username"' in page and 'type="submit"' in page


def test_show_page_offers_edit_and_a_confirmed_delete_that_returns_to_the_list(
        client, session, district_school):
    pupil = make_student(session, school=district_school)
    session.commit()
    page = client.get(f"/studentmodelview/show/{pupil.id}").get_data(as_text=True)
    assert f'href="/studentmodelview/edit/{pupil.id}?next=%2Fstudentmodelview%2Fshow%2F{pupil.id}"' in page
    assert re.search(r'class="[^"]*zz-delete zz-show-delete"\s+data-zz-post="/studentmodelview/delete/'
                     + str(pupil.id) + r'" data-zz-next="/studentmodelview/list/"', page)
    assert page.count('id="modal-confirm"') == 1
