"""Scope through related lists and nested answers: relations take ids of rows in scope, answers list rows in scope."""
import pytest

from app.models import Household, HouseholdMember, SpecialGroup, Student
from tests.factories import make_household, make_student


def _pupil_ids(session, household_id):
    return {sid for (sid,) in session.query(Student.id).filter(Student.household_id == household_id)}


@pytest.mark.parametrize("relation", ["students", "members"])
def test_school_cannot_pull_another_schools_row_into_its_household(client, session, world, jwt, relation):
    own, other = world.household["A"], world.household["B"]
    other_row = world.pupil["B"] if relation == "students" else world.member["B"]
    resp = client.put(f"/api/v1/household/{own.id}", json={relation: [other_row.id]}, headers=jwt("school_a"))
    assert resp.status_code == 422, resp.get_data(as_text=True)
    assert relation in resp.get_json()["message"]
    session.expire_all()
    model = Student if relation == "students" else HouseholdMember
    assert session.get(model, other_row.id).household_id == other.id


def test_school_cannot_take_pupils_of_another_district_by_post(client, session, world, jwt):
    before = session.query(Household).count()
    resp = client.post("/api/v1/household/", headers=jwt("school_a"), json={
        "guardian_name": "张三", "address": "城关镇", "students": [world.pupil["C"].id]})
    assert resp.status_code == 422, resp.get_data(as_text=True)
    session.expire_all()
    assert session.query(Household).count() == before
    assert session.get(Student, world.pupil["C"].id).household_id == world.household["C"].id


def test_school_may_link_its_own_pupil_to_its_household(client, session, world, jwt):
    household = make_household(session, district=world.d, school_id=world.a.id)
    pupil = make_student(session, school=world.a)
    session.commit()
    resp = client.put(f"/api/v1/household/{household.id}", json={"students": [pupil.id]}, headers=jwt("school_a"))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    session.expire_all()
    assert session.get(Student, pupil.id).household_id == household.id


def test_class_teacher_cannot_pull_a_pupil_of_another_class(client, session, world, jwt):
    other_class = make_student(session, school=world.a, grade=5, class_name="2班")
    session.commit()
    household = world.household["A"]
    resp = client.put(f"/api/v1/household/{household.id}", json={"students": [world.pupil["A"].id, other_class.id]},
                      headers=jwt("teacher_a"))
    assert resp.status_code == 422, resp.get_data(as_text=True)
    session.expire_all()
    assert session.get(Student, other_class.id).household_id is None


def test_class_teacher_replacing_the_list_keeps_pupils_of_other_classes(client, session, world, jwt):
    household = world.household["A"]
    sibling = make_student(session, school=world.a, household=household, grade=5, class_name="2班")
    session.commit()
    resp = client.put(f"/api/v1/household/{household.id}", json={"students": [world.pupil["A"].id]},
                      headers=jwt("teacher_a"))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert sibling.id not in resp.get_json()["result"]["students"]  # the echo lists what the teacher sees
    session.expire_all()
    assert _pupil_ids(session, household.id) == {world.pupil["A"].id, sibling.id}


def test_class_teacher_reads_only_the_pupils_of_their_classes_in_a_household(client, session, world, jwt):
    household = world.household["A"]
    sibling = make_student(session, school=world.a, household=household, name="别班学生", grade=5, class_name="2班")
    session.commit()
    body = client.get(f"/api/v1/household/{household.id}", headers=jwt("teacher_a")).get_json()["result"]
    names = {pupil["name"] for pupil in body["students"]}
    assert world.pupil["A"].name in names and sibling.name not in names
    officer = client.get(f"/api/v1/household/{household.id}", headers=jwt("school_a")).get_json()["result"]
    assert {p["name"] for p in officer["students"]} >= {world.pupil["A"].name, sibling.name}


def test_school_reads_its_district_without_the_other_schools(client, session, world, jwt):
    body = client.get(f"/api/v1/district/{world.d.id}", headers=jwt("school_a")).get_json()["result"]
    assert [school["name"] for school in body["schools"]] == [world.a.name]
    district = client.get(f"/api/v1/district/{world.d.id}", headers=jwt("district")).get_json()["result"]
    assert {s["name"] for s in district["schools"]} == {world.a.name, world.b.name}


@pytest.mark.parametrize("value", [
    [{"code": "fake_group", "name": "假的"}], [{"id": 1}], ["1"], [True], [10**30], [-1], [999999],
])
def test_a_relation_takes_ids_of_existing_rows_only(client, session, world, jwt, value):
    before = session.query(SpecialGroup).count()
    resp = client.put(f"/api/v1/household/{world.household['A'].id}", json={"special_groups": value},
                      headers=jwt("school_a"))
    assert resp.status_code == 422, resp.get_data(as_text=True)
    assert "special_groups" in resp.get_json()["message"]
    session.expire_all()
    assert session.query(SpecialGroup).count() == before


@pytest.mark.parametrize("value", [{"x": 1}, {"id": 999999}, "abc", 999999, 1.5])
def test_a_single_relation_given_anything_but_an_existing_id_is_refused(client, session, world, jwt, value):
    before = session.query(Household).count()
    resp = client.put(f"/api/v1/student/{world.pupil['A'].id}", json={"household": value}, headers=jwt("school_a"))
    assert resp.status_code == 422, resp.get_data(as_text=True)
    session.expire_all()
    assert session.query(Household).count() == before
    assert session.get(Student, world.pupil["A"].id).household_id == world.household["A"].id


def test_a_code_list_row_is_linked_by_its_id(client, session, world, jwt):
    group = session.query(SpecialGroup).first()
    resp = client.put(f"/api/v1/household/{world.household['A'].id}", json={"special_groups": [group.id]},
                      headers=jwt("school_a"))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert resp.get_json()["result"]["special_groups"] == [group.id]


def test_the_servers_stamps_are_not_taken_from_a_body(client, session, world, jwt):
    household = world.household["A"]
    stamp = household.created_on
    resp = client.put(f"/api/v1/household/{household.id}", headers=jwt("school_a"),
                      json={"created_on": "2001-01-01T00:00:00", "changed_on": "2001-01-01T00:00:00",
                            "address": "新地址"})
    assert resp.status_code in (200, 422), resp.get_data(as_text=True)
    session.expire_all()
    assert session.get(Household, household.id).created_on == stamp
    info = client.get("/api/v1/household/_info", headers=jwt("school_a")).get_json()
    names = {f["name"] for f in info["edit_columns"]} | {f["name"] for f in info["add_columns"]}
    assert not names & {"created_on", "changed_on", "created_by", "changed_by", "id"}


@pytest.mark.parametrize("column", ["id_number", "student_no", "birth_date", "household.phone"])
def test_the_api_refuses_sorting_by_a_masked_column_in_words(client, world, jwt, column):
    resp = client.get(f"/api/v1/student/?q=(order_column:{column},order_direction:asc)", headers=jwt("school_a"))
    assert resp.status_code == 400
    assert "排序" in resp.get_json()["message"]
    info = client.get("/api/v1/student/?q=(order_column:name,order_direction:asc)", headers=jwt("school_a"))
    assert info.status_code == 200
