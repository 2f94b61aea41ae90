"""The CRUD forms' flow (app/views/framework/form_flow.py): every refusal beside its field in one round
trip, fields a later step needs marked, and a safe way back after saving."""
import re

import pytest

from app.commands import identification
from app.errors import FieldErrors
from app.models import ApplicationStatus
from app.views.framework.form_flow import safe_next, with_next
from app.views.identification.assessment import SUBMIT_NEEDS
from tests.context import context


@pytest.mark.parametrize("good", ["/householdmodelview/show/3", "/studentmodelview/list/?_flt_0_grade=2", "/"])
def test_a_path_on_this_site_is_a_safe_next(good):
    assert safe_next(good) == good


@pytest.mark.parametrize("bad", [
    "https://evil.example/", "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example",
    "http:/evil.example", "javascript:alert(1)", "/\t/evil.example", "/\n/evil.example", " /x", "x/y", "",
    None, 42, "/" + "a" * 2000,
])
def test_anything_else_is_not(bad):
    assert safe_next(bad) is None
    assert with_next("/a/add", bad) == "/a/add"


def test_with_next_adds_an_encoded_path():
    assert with_next("/a/add?_flt_0_b=1", "/b/show/1?") == "/a/add?_flt_0_b=1&next=%2Fb%2Fshow%2F1"


def _errors(page: str, field: str) -> str:
    found = re.search(rf'id="{field}-errors".*?</ul>', page, re.S)
    return found.group(0) if found else ""


def _edit_form(app) -> dict:
    return {"student": str(app.student_id), "term": str(app.term_id), "reason": "家庭收入低",
            "commitment_signed_on": "2026-01-05", "consent_signed_on": "2026-01-05", "version": str(app.version)}


def test_a_refusal_of_the_record_rules_shows_the_form_again_not_a_redirect(client, session, place, login):
    place.application.status = ApplicationStatus.SUBMITTED
    session.commit()
    login("school1")
    url = f"/applicationmodelview/edit/{place.application.id}"
    resp = client.post(url, data=_edit_form(place.application))
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422  # the form again, as sent (FAB redirected and lost it)
    assert 'name="reason"' in page and "家庭收入低" in page
    assert "已提交" in page or "退回" in page  # the refusal, flashed: status is not a field of the form
    session.expire_all()
    assert place.application.reason == "家庭收入低"


def test_refused_fields_and_the_record_rules_are_shown_in_one_round_trip(client, session, place, login):
    place.application.status = ApplicationStatus.SUBMITTED
    session.commit()
    login("school1")
    url = f"/applicationmodelview/edit/{place.application.id}"
    resp = client.post(url, data={**_edit_form(place.application), "consent_signed_on": "0001-01-01"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert _errors(page, "consent_signed_on")  # the field's own error …
    assert "已提交" in page or "退回" in page  # … and, at once, the record's refusal


def test_a_record_refusal_lands_under_its_field(client, session, place, login):
    from tests.factories import make_student, pupil_id_number

    login("school1")
    other = make_student(session, school=place.school, id_number=pupil_id_number())
    session.commit()
    # the 学籍号 of another pupil: refused by the record rules as a duplicate, under the 学籍号 field
    pupil = place.student
    form = {"name": pupil.name, "id_number": "", "student_no": other.student_no, "sex": pupil.sex.name,
            "birth_date": "", "school": str(place.school.id), "grade": "3", "class_name": "1班",
            "status": "ENROLLED", "household": str(place.household.id), "version": str(pupil.version)}
    resp = client.post(f"/studentmodelview/edit/{pupil.id}", data=form)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert _errors(page, "student_no")


def _label(page: str, field: str) -> str:
    return re.search(rf'<label for="{field}".*?</label>', page, re.S).group(0)


def test_fields_needed_to_submit_are_marked_with_a_hint(client, place, login):
    login("school1")
    page = client.get("/applicationmodelview/add").get_data(as_text=True)
    for field in SUBMIT_NEEDS:
        assert "zz-required" in _label(page, field), field
        hint = re.search(rf'id="zz-field-{field}".*?</td>', page, re.S).group(0)
        assert "提交申请时必填" in hint
    assert "zz-required" in _label(page, "student") and "zz-required" not in _label(page, "reason")


def test_a_draft_is_saved_without_them(client, session, place, login):
    session.delete(place.application)
    session.commit()
    login("school1")
    resp = client.post(f"/applicationmodelview/add?_flt_0_student={place.student.id}",
                       data={"term": str(place.application.term_id), "reason": "家庭困难"})
    assert resp.status_code == 302


@pytest.mark.parametrize("field", SUBMIT_NEEDS)
def test_the_marked_fields_are_the_ones_submit_needs(session, place, field):
    setattr(place.application, field, None)
    session.commit()
    with pytest.raises(FieldErrors) as refused:
        identification.submit(context(session, place.scope), place.application.id)
    assert field in refused.value.errors


def test_several_wrong_fields_are_each_shown_under_their_own_field(client, session, place, login):
    login("school1")
    resp = client.post("/householdmodelview/add", data={
        "guardian_name": "", "guardian_id_number": "12345", "phone": "12", "hukou_type": "RURAL"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422
    for field in ("guardian_name", "guardian_id_number", "phone"):
        assert _errors(page, field), field
