"""The HTML forms hold the same bounds as the API: refused fields shown inline with 422, nothing stored."""
from datetime import date, datetime, timedelta

import pytest

from app.clock import LOCAL_ZONE
from app.models import FundAccount, Household, HouseholdMember, SchoolYear, Student
from tests.factories import make_household, make_student, pupil_id_number

CHINA_TODAY = datetime.now(LOCAL_ZONE).date()
MODELS = {"studentmodelview": Student, "householdmodelview": Household, "householdmembermodelview": HouseholdMember,
          "fundaccountmodelview": FundAccount, "schoolyearmodelview": SchoolYear}


def _form(view, school, household) -> dict:
    """A valid add form of `view`."""
    n = pupil_id_number()
    return {
        "studentmodelview": {
            "name": "张小花", "id_number": n, "student_no": "G" + n, "sex": "MALE", "school": str(school.id),
            "birth_date": f"{n[6:10]}-{n[10:12]}-{n[12:14]}", "grade": "2", "class_name": "2班", "status": "ENROLLED",
        },
        "householdmodelview": {"guardian_name": "王建国", "hukou_type": "RURAL", "district": str(school.district_id)},
        "householdmembermodelview": {"household": str(household.id), "name": "李桂兰", "relation": "MOTHER",
                                     "presence": "PRESENT", "work_ability": "FULL", "health": "HEALTHY",
                                     "annual_income": "0"},
        "fundaccountmodelview": {"code": "F-9", "name": "县级资金", "source": "COUNTY", "fiscal_year": "2026",
                                 "district": str(school.district_id)},
        "schoolyearmodelview": {"name": "2031-2032", "start_date": "2031-09-01", "end_date": "2032-08-31"},
    }[view]


BAD = [
    ("studentmodelview", "grade", "0"), ("studentmodelview", "grade", "7"), ("studentmodelview", "grade", "40000"),
    ("studentmodelview", "grade", str(2**70)),
    ("studentmodelview", "birth_date", (CHINA_TODAY + timedelta(days=1)).isoformat()),
    ("studentmodelview", "birth_date", "1899-12-31"), ("studentmodelview", "birth_date", "0001-01-01"),
    ("studentmodelview", "enrolled_on", "0001-01-01"), ("studentmodelview", "enrolled_on", "40000-01-01"),
    ("studentmodelview", "name", "王\x00丫"), ("studentmodelview", "name", "   "),
    ("studentmodelview", "class_name", "x" * 17), ("studentmodelview", "ethnicity", "汉\x1b"),
    ("householdmodelview", "guardian_name", "王\x07"), ("householdmodelview", "notes", "备注\x00"),
    ("householdmodelview", "notes", "x" * 10_001), ("householdmodelview", "sudden_event_on", "1899-01-01"),
    ("householdmembermodelview", "birth_year", "1899"),
    ("householdmembermodelview", "birth_year", str(CHINA_TODAY.year + 1)),
    ("householdmembermodelview", "birth_year", "40000"),
    ("fundaccountmodelview", "fiscal_year", "40000"), ("fundaccountmodelview", "fiscal_year", "2101"),
    ("fundaccountmodelview", "code", "   "),
    ("schoolyearmodelview", "name", "40000-40001"), ("schoolyearmodelview", "start_date", "0001-01-01"),
]

GOOD = [
    ("studentmodelview", "grade", "1", 1), ("studentmodelview", "grade", "6", 6),
    # a pupil's date of birth must agree with the ID number (tests/views/records/test_household_page.py);
    # today as the latest birth date is checked in tests/services/test_value_checks.py
    ("studentmodelview", "enrolled_on", "1900-01-01", date(1900, 1, 1)),
    ("studentmodelview", "name", "  王小丫 ", "王小丫"),
    ("householdmodelview", "notes", "第一行\r\n第二行", "第一行\n第二行"),
    ("householdmembermodelview", "birth_year", "1900", 1900),
    ("householdmembermodelview", "birth_year", str(CHINA_TODAY.year), CHINA_TODAY.year),
    ("fundaccountmodelview", "fiscal_year", "2100", 2100),
    ("schoolyearmodelview", "name", "2099-2100", "2099-2100"),
]


@pytest.fixture
def household(session, district_school):
    """A household of the signed-in district officer's district."""
    row = make_household(session, district=district_school.district)
    session.commit()
    return row


@pytest.mark.parametrize(("view", "field", "value"), BAD)
def test_bad_value_is_shown_under_its_field_with_422_and_nothing_is_stored(
        client, session, district_school, household, view, field, value):
    before = session.query(MODELS[view]).count()
    resp = client.post(f"/{view}/add", data={**_form(view, district_school, household), field: value})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422, page[:300]
    assert f'id="{field}-errors"' in page
    session.expire_all()
    assert session.query(MODELS[view]).count() == before


@pytest.mark.parametrize(("view", "field", "value", "stored"), GOOD)
def test_boundary_value_is_saved_clean(client, session, district_school, household, view, field, value, stored):
    resp = client.post(f"/{view}/add", data={**_form(view, district_school, household), field: value})
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    session.expire_all()
    row = session.query(MODELS[view]).order_by(MODELS[view].id.desc()).first()
    assert getattr(row, field) == stored


@pytest.mark.parametrize(("field", "value"), [("grade", "0"), ("enrolled_on", "0001-01-01"), ("name", "a\x00")])
def test_the_edit_form_refuses_the_same_and_keeps_the_row(client, session, district_school, household, field, value):
    pupil = make_student(session, school=district_school, grade=3)
    session.commit()
    form = {**_form("studentmodelview", district_school, household), "id_number": "", "student_no": "",
            field: value}
    resp = client.post(f"/studentmodelview/edit/{pupil.id}", data=form)
    assert resp.status_code == 422
    assert f'id="{field}-errors"' in resp.get_data(as_text=True)
    session.expire_all()
    kept = session.get(Student, pupil.id)
    assert (kept.grade, kept.enrolled_on, kept.name) == (3, None, pupil.name)


def test_a_valid_edit_still_redirects(client, session, district_school, household):
    pupil = make_student(session, school=district_school, grade=3)
    session.commit()
    form = {**_form("studentmodelview", district_school, household), "id_number": "", "student_no": "",
            "name": pupil.name, "birth_date": pupil.birth_date.isoformat(), "grade": "6"}
    resp = client.post(f"/studentmodelview/edit/{pupil.id}", data=form)
    assert resp.status_code == 302, resp.get_data(as_text=True)[:300]
    session.expire_all()
    assert session.get(Student, pupil.id).grade == 6
