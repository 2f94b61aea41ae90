"""REST resources: JWT login, list/get/post/put/delete and refused input."""
import pytest

from app.models import Student
from tests.factories import make_household, make_school, make_student, pupil_id_number

RESOURCES = [
    "district", "school", "special_group", "household", "household_member", "student",
    "school_year", "term", "tier", "application", "aid_item", "aid_standard", "fund_account",
]


@pytest.fixture
def school(session):
    """A school of the district whose officer holds `token`."""
    row = make_school(session)
    session.commit()
    return row


@pytest.fixture
def token(client, session, make_user, school, jwt):
    """Authorization headers of the district officer of `school`'s district."""
    make_user("district", "DistrictOfficer", district=school.district)
    return jwt("district")


def _pupil_json(school, id_number=None, **extra):
    id_number = id_number or pupil_id_number()
    return {
        "name": "王小丫", "id_number": id_number, "student_no": "G" + id_number, "sex": "M",
        "birth_date": f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}",
        "school": school.id, "grade": 4, "class_name": "1班", **extra,
    }


def test_login_refuses_a_wrong_password(client, session, make_user):
    make_user("someone", "Leader")
    resp = client.post("/api/v1/security/login", json={
        "username": "someone", "password": "wrong-password", "provider": "db"})
    assert resp.status_code == 401


@pytest.mark.parametrize("resource", RESOURCES)
def test_every_resource_lists_and_describes_itself(client, token, resource):
    resp = client.get(f"/api/v1/{resource}/", headers=token)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert "result" in resp.get_json()
    info = client.get(f"/api/v1/{resource}/_info", headers=token)
    assert info.status_code == 200


def test_api_requires_a_token(client, session):
    assert client.get("/api/v1/student/").status_code == 401


def test_create_read_update_delete_a_pupil(client, session, token, school):
    body = _pupil_json(school)
    created = client.post("/api/v1/student/", json=body, headers=token)
    assert created.status_code == 201, created.get_data(as_text=True)
    pk = created.get_json()["id"]
    got = client.get(f"/api/v1/student/{pk}", headers=token).get_json()["result"]
    assert got["id_number"] == body["id_number"][:4] + "*" * 12 + body["id_number"][-2:]
    assert session.get(Student, pk).id_number == body["id_number"]
    upd = client.put(f"/api/v1/student/{pk}", json={"class_name": "2班"}, headers=token)
    assert upd.status_code == 200, upd.get_data(as_text=True)
    assert session.get(Student, pk).class_name == "2班"
    assert client.delete(f"/api/v1/student/{pk}", headers=token).status_code == 200
    session.expire_all()
    assert session.get(Student, pk) is None


def test_api_refuses_a_birth_date_or_sex_the_id_number_does_not_say(client, session, token, school):
    """The pages' rule holds on REST too: a date of birth and a sex agree with the ID number."""
    both = client.post("/api/v1/student/", json=_pupil_json(school, sex="F", birth_date="2016-01-02"),
                       headers=token)
    assert both.status_code == 422
    assert {"birth_date", "sex"} <= set(both.get_json()["message"]), both.get_json()
    assert session.query(Student).count() == 0
    pk = client.post("/api/v1/student/", json=_pupil_json(school), headers=token).get_json()["id"]
    other = pupil_id_number(birth=session.get(Student, pk).birth_date.replace(day=2))
    moved = client.put(f"/api/v1/student/{pk}", json={"id_number": other, "student_no": "G" + other},
                       headers=token)  # a new ID number that says another day than the stored one
    assert moved.status_code == 422 and "birth_date" in moved.get_json()["message"]
    session.expire_all()
    assert session.get(Student, pk).id_number != other


def test_api_refuses_a_bad_check_character_naming_the_field(client, session, token, school):
    good = pupil_id_number()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    resp = client.post("/api/v1/student/", json=_pupil_json(school, bad), headers=token)
    assert resp.status_code == 422
    message = resp.get_json()["message"]
    assert "id_number" in message and "校验位" in message["id_number"][0]
    assert session.query(Student).count() == 0


def test_api_refuses_a_duplicate_id_number_without_a_database_error(client, session, token, school):
    existing = make_student(session, school=school)
    session.commit()
    body = _pupil_json(existing.school, existing.id_number)
    resp = client.post("/api/v1/student/", json=body, headers=token)
    assert resp.status_code == 422
    text = str(resp.get_json())
    assert "已存在" in text and "IntegrityError" not in text and "UNIQUE" not in text
    assert session.query(Student).count() == 1


def test_api_update_with_bad_student_no_leaves_row_unchanged(client, session, token, school):
    pupil = make_student(session, school=school)
    session.commit()
    resp = client.put(f"/api/v1/student/{pupil.id}", json={"student_no": "G" + pupil_id_number()},
                      headers=token)
    assert resp.status_code == 422
    session.expire_all()
    assert session.get(Student, pupil.id).student_no == "G" + pupil.id_number


def test_api_list_pages_and_filters_by_school(client, session, token, school):
    a, b = school, make_school(session, district=school.district)
    for _ in range(3):
        make_student(session, school=a)
    make_student(session, school=b)
    session.commit()
    import json
    q = json.dumps({"filters": [{"col": "school", "opr": "rel_o_m", "value": a.id}], "page_size": 2})
    resp = client.get(f"/api/v1/student/?q={q}", headers=token).get_json()
    assert resp["count"] == 3 and len(resp["result"]) == 2
    assert all(r["school"]["id"] == a.id for r in resp["result"])


def test_household_member_income_must_be_money(client, session, token, school):
    household = make_household(session, district=school.district)
    session.commit()
    body = {"household": household.id, "name": "李父", "relation": "father",
            "annual_income": "12000.555", "work_ability": "full", "health": "healthy"}
    resp = client.post("/api/v1/household_member/", json=body, headers=token)
    assert resp.status_code == 422, resp.get_data(as_text=True)
    body["annual_income"] = "12000.50"
    assert client.post("/api/v1/household_member/", json=body, headers=token).status_code == 201


def test_application_takes_school_and_year_from_pupil_and_term(client, session, token, school):
    from app.models import Application, Term

    pupil = make_student(session, school=school)
    term = session.query(Term).filter_by(is_current=True).one()
    session.commit()
    resp = client.post("/api/v1/application/", json={
        "student": pupil.id, "term": term.id, "reason": "父亲重病，家庭收入骤降"}, headers=token)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    row = session.get(Application, resp.get_json()["id"])
    assert row.school_id == pupil.school_id and row.school_year_id == term.school_year_id
    assert row.status.value == "draft"
