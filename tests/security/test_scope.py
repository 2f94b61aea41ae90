"""Scope: a school officer sees and changes nothing of another school, through any path."""
import json
import re

import pytest

from app.models import Application, FundAccount, Household, HouseholdMember, Student

RESOURCES = [  # view route, API resource, world attribute, model
    ("studentmodelview", "student", "pupil", Student),
    ("householdmodelview", "household", "household", Household),
    ("householdmembermodelview", "household_member", "member", HouseholdMember),
    ("applicationmodelview", "application", "application", Application),
    ("fundaccountmodelview", "fund_account", "account", FundAccount),
]
OTHERS = ["B", "C"]


def _row(world, attr, tag):
    return getattr(world, attr)[tag]


@pytest.mark.parametrize("route, resource, attr, model", RESOURCES)
def test_school_officer_lists_only_own_school(as_user, jwt, world, route, resource, attr, model):
    client = as_user("school_a")
    page = client.get(f"/{route}/list/").get_data(as_text=True)
    own = _row(world, attr, "A")
    assert f"/{route}/show/{own.id}" in page
    for tag in OTHERS:
        assert f"/{route}/show/{_row(world, attr, tag).id}" not in page
    data = client.get(f"/api/v1/{resource}/", headers=jwt("school_a")).get_json()
    assert [r["id"] for r in data["result"]] == [own.id] and data["count"] == 1


@pytest.mark.parametrize("route, resource, attr, model", RESOURCES)
@pytest.mark.parametrize("tag", OTHERS)
def test_other_school_rows_answer_404_everywhere(as_user, jwt, session, world, route, resource, attr,
                                                 model, tag):
    client = as_user("school_a")
    other = _row(world, attr, tag)
    write = {404} if model is not FundAccount else {403, 404}  # school officers only read funds
    assert client.get(f"/{route}/show/{other.id}").status_code == 404
    assert client.get(f"/{route}/edit/{other.id}").status_code in write
    assert client.post(f"/{route}/edit/{other.id}", data={"name": "篡改"}).status_code in write
    assert client.post(f"/{route}/delete/{other.id}").status_code in write
    assert client.get(f"/{route}/action/muldelete/{other.id}").status_code == 404
    assert client.post(f"/{route}/action_post", data={"action": "muldelete", "rowid": [other.id]}).status_code == 404
    headers = jwt("school_a")
    assert client.get(f"/api/v1/{resource}/{other.id}", headers=headers).status_code == 404
    assert client.put(f"/api/v1/{resource}/{other.id}", json={"name": "篡改"}, headers=headers).status_code in write
    assert client.delete(f"/api/v1/{resource}/{other.id}", headers=headers).status_code in write
    session.expire_all()
    assert session.get(model, other.id) is not None


def test_lookups_and_info_offer_only_own_rows(as_user, jwt, world):
    client = as_user("school_a")
    households = client.get("/studentmodelview/lookup/household").get_json()["results"]
    assert [h["id"] for h in households] == [world.household["A"].id]
    schools = client.get("/studentmodelview/lookup/school").get_json()["results"]
    assert [s["id"] for s in schools] == [world.a.id]
    pupils = client.get("/applicationmodelview/lookup/student").get_json()["results"]
    assert [p["id"] for p in pupils] == [world.pupil["A"].id]
    info = client.get("/api/v1/student/_info", headers=jwt("school_a")).get_json()
    related = {f["name"]: f for f in info["add_columns"] if "values" in f}
    assert [v["id"] for v in related["household"]["values"]] == [world.household["A"].id]
    assert [v["id"] for v in related["school"]["values"]] == [world.a.id]


def _pupil_form(school, household, id_number):
    return {"name": "注入生", "id_number": id_number, "student_no": "G" + id_number, "sex": "MALE",
            "birth_date": f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}",
            "school": str(school.id), "grade": "2", "class_name": "1班", "status": "ENROLLED",
            "household": str(household.id) if household else ""}


def test_injected_school_is_replaced_by_own_school(as_user, jwt, session, world):
    from tests.factories import pupil_id_number

    client = as_user("school_a")
    page = client.post("/studentmodelview/add", data=_pupil_form(world.b, None, pupil_id_number()))
    assert "不存在或无权使用" in page.get_data(as_text=True)  # the form offers and accepts own rows only
    headers = jwt("school_a")
    id_number = pupil_id_number()
    resp = client.post("/api/v1/student/", headers=headers, json={
        "name": "注入生二", "id_number": id_number, "student_no": "G" + id_number, "sex": "M",
        "birth_date": f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}",
        "school": world.b.id, "grade": 2, "class_name": "1班"})
    assert resp.status_code == 201, resp.get_data(as_text=True)
    session.expire_all()
    injected = session.query(Student).filter(Student.name.like("注入生%")).all()
    assert len(injected) == 1 and {p.school_id for p in injected} == {world.a.id}


def test_own_row_cannot_be_moved_to_another_school(as_user, jwt, session, world):
    pupil = world.pupil["A"]
    client = as_user("school_a")
    form = _pupil_form(world.b, None, pupil.id_number) | {"name": pupil.name}
    client.post(f"/studentmodelview/edit/{pupil.id}", data=form)
    client.put(f"/api/v1/student/{pupil.id}", json={"school": world.b.id}, headers=jwt("school_a"))
    session.expire_all()
    assert session.get(Student, pupil.id).school_id == world.a.id


def test_another_schools_household_cannot_be_linked(as_user, jwt, session, world):
    pupil = world.pupil["A"]
    resp = as_user("school_a").put(f"/api/v1/student/{pupil.id}", headers=jwt("school_a"),
                                   json={"household": world.household["B"].id})
    assert resp.status_code == 422
    member = {"household": world.household["B"].id, "name": "外校成员", "relation": "father"}
    assert as_user("school_a").post("/api/v1/household_member/", json=member,
                                    headers=jwt("school_a")).status_code == 422
    session.expire_all()
    assert session.get(Student, pupil.id).household_id == world.household["A"].id


def test_district_officer_sees_both_schools_but_not_another_district(as_user, jwt, session, world):
    client = as_user("district")
    page = client.get("/studentmodelview/list/").get_data(as_text=True)
    assert "A学生" in page and "B学生" in page and "C学生" not in page
    assert client.get(f"/studentmodelview/show/{world.pupil['C'].id}").status_code == 404
    resp = client.put(f"/api/v1/student/{world.pupil['A'].id}", json={"school": world.c.id},
                      headers=jwt("district"))
    assert resp.status_code == 422
    resp = client.put(f"/api/v1/student/{world.pupil['A'].id}", json={"school": world.b.id},
                      headers=jwt("district"))
    assert resp.status_code == 200
    session.expire_all()
    assert session.get(Student, world.pupil["A"].id).school_id == world.b.id


def test_class_teacher_sees_only_their_class(as_user, session, world):
    from tests.factories import make_student

    other_class = make_student(session, school=world.a, name="另班学生", grade=5, class_name="2班")
    session.commit()
    page = as_user("teacher_a").get("/studentmodelview/list/").get_data(as_text=True)
    assert "A学生" in page and "另班学生" not in page and "B学生" not in page
    assert as_user("teacher_a").get(f"/studentmodelview/show/{other_class.id}").status_code == 404


def test_leader_cannot_open_a_childs_record(as_user, jwt, world):
    client = as_user("leader")
    for url in ("/studentmodelview/list/", f"/studentmodelview/show/{world.pupil['A'].id}",
                "/householdmodelview/list/", "/applicationmodelview/list/"):
        resp = client.get(url)
        assert resp.status_code in (302, 403) and "A学生" not in resp.get_data(as_text=True)
    headers = jwt("leader")
    assert client.get("/api/v1/student/", headers=headers).status_code == 403
    assert client.get(f"/api/v1/student/{world.pupil['A'].id}", headers=headers).status_code == 403
    assert client.get("/schoolmodelview/list/").status_code == 200


def test_auditor_reads_everything_and_changes_nothing(as_user, jwt, session, world):
    client = as_user("auditor")
    page = client.get("/studentmodelview/list/").get_data(as_text=True)
    assert all(f"{t}学生" in page for t in "ABC")
    pupil = world.pupil["A"]
    assert client.post(f"/studentmodelview/delete/{pupil.id}").status_code in (302, 403)
    assert client.get("/studentmodelview/add").status_code in (302, 403)
    headers = jwt("auditor")
    assert client.get("/api/v1/student/", headers=headers).get_json()["count"] == 3
    assert client.delete(f"/api/v1/student/{pupil.id}", headers=headers).status_code == 403
    assert client.put(f"/api/v1/student/{pupil.id}", json={"name": "改"}, headers=headers).status_code == 403
    session.expire_all()
    assert session.get(Student, pupil.id).name == pupil.name


FULL_ID = re.compile(r"\d{17}[\dX]")
FULL_BANK = re.compile(r"\d{16,19}")


def test_lists_shows_and_api_mask_ids_accounts_and_phones(as_user, jwt, world):
    client = as_user("school_a")
    pupil, household = world.pupil["A"], world.household["A"]
    for url in ("/studentmodelview/list/", f"/studentmodelview/show/{pupil.id}",
                f"/studentmodelview/edit/{pupil.id}", "/householdmodelview/list/",
                f"/householdmodelview/show/{household.id}", f"/householdmodelview/edit/{household.id}"):
        page = client.get(url).get_data(as_text=True)
        assert pupil.id_number not in page and "13800138000" not in page, url
        assert "6217990000000001234" not in page, url
    assert pupil.id_number[:4] + "*" * 12 + pupil.id_number[-2:] in client.get(
        f"/studentmodelview/show/{pupil.id}").get_data(as_text=True)
    headers = jwt("school_a")
    for url in (f"/api/v1/student/{pupil.id}", f"/api/v1/household/{household.id}", "/api/v1/household/"):
        text = json.dumps(client.get(url, headers=headers).get_json())
        assert not FULL_ID.search(text) and not FULL_BANK.search(text) and "13800138000" not in text, url
    echo = client.put(f"/api/v1/student/{pupil.id}", json={"class_name": "2班"}, headers=headers)
    assert echo.status_code == 200 and pupil.id_number not in echo.get_data(as_text=True)


def test_reveal_needs_permission_reason_and_scope(as_user, jwt, session, world):
    pupil = world.pupil["A"]
    client = as_user("school_a")
    url = f"/studentmodelview/reveal/{pupil.id}"
    assert client.post(url, data={"column": "id_number", "reason": ""}).status_code == 400
    full = client.post(url, data={"column": "id_number", "reason": "核对银行开户信息"}).get_json()
    assert full["value"] == pupil.id_number
    from app.models import AuditEvent

    event = session.query(AuditEvent).filter_by(action="reveal", entity_id=str(pupil.id)).one()
    assert event.username == "school_a" and "核对银行开户信息" in event.summary
    assert pupil.id_number not in (event.summary or "")
    assert client.post(f"/studentmodelview/reveal/{world.pupil['B'].id}",
                       data={"column": "id_number", "reason": "核对银行开户信息"}).status_code == 404
    assert client.post(url, data={"column": "name", "reason": "核对银行开户信息"}).status_code == 404
    api = client.post(f"/api/v1/student/{pupil.id}/reveal", headers=jwt("school_a"),
                      json={"column": "id_number", "reason": "与国家系统核对"})
    assert api.get_json()["value"] == pupil.id_number
    teacher = as_user("teacher_a")
    assert teacher.post(url, data={"column": "id_number", "reason": "想看看"}).status_code in (302, 403)
    assert client.post(f"/api/v1/student/{pupil.id}/reveal", headers=jwt("teacher_a"),
                       json={"column": "id_number", "reason": "想看看"}).status_code == 403


def test_sensitive_columns_filter_by_exact_match_for_permitted_roles_only(as_user, world):
    pupil = world.pupil["A"]
    exact = f"/studentmodelview/list/?_flt_0_id_number={pupil.id_number}"
    assert "A学生" in as_user("school_a").get(exact).get_data(as_text=True)
    prefix = f"/studentmodelview/list/?_flt_0_id_number={pupil.id_number[:6]}"
    assert "A学生" not in as_user("school_a").get(prefix).get_data(as_text=True)
    count = re.compile(r"记录数:</strong>\s*(\d+)")
    unfiltered = count.search(as_user("school_a").get("/studentmodelview/list/").get_data(as_text=True))[1]
    for n in range(1, 6):  # no other operator exists on the column: the filter is ignored
        guess = f"/studentmodelview/list/?_flt_{n}_id_number={pupil.id_number[:6]}"
        assert count.search(as_user("school_a").get(guess).get_data(as_text=True))[1] == unfiltered
    assert "A学生" not in as_user("teacher_a").get(exact).get_data(as_text=True)


def test_edit_form_keeps_a_masked_id_number_when_left_empty(as_user, session, world):
    pupil = world.pupil["A"]
    client = as_user("school_a")
    form = _pupil_form(world.a, world.household["A"], pupil.id_number) | {
        "name": "改名学生", "id_number": "", "student_no": ""}
    client.post(f"/studentmodelview/edit/{pupil.id}", data=form)
    session.expire_all()
    row = session.get(Student, pupil.id)
    assert row.name == "改名学生" and row.id_number == pupil.id_number and row.student_no == pupil.student_no


def test_district_officer_reads_only_own_district_audit_events(as_user, session, world, make_user):
    from app.models import AuditEvent
    from app.security.audit import record
    from tests.context import context, named

    make_user("school_c", "SchoolOfficer", school=world.c)
    record(named("school_c"), "login", commit=True)
    record(context(session), "reveal", entity="student", entity_id=world.pupil["C"].id, detail="id_number: 核对",
           school_id=world.c.id, commit=True)
    record(context(session), "reveal", entity="student", entity_id=world.pupil["A"].id, detail="id_number: 核对",
           school_id=world.a.id, commit=True)
    page = as_user("district").get("/auditeventmodelview/list/?psize_AuditEventModelView=100").get_data(as_text=True)
    c_event = session.query(AuditEvent).filter_by(school_id=world.c.id, action="reveal").one()
    a_event = session.query(AuditEvent).filter_by(school_id=world.a.id, action="reveal").one()
    assert f"/auditeventmodelview/show/{a_event.id}" in page
    assert f"/auditeventmodelview/show/{c_event.id}" not in page
    assert as_user("auditor").get(f"/auditeventmodelview/show/{c_event.id}").status_code == 200


def test_school_sees_the_household_it_registered_before_any_pupil_is_linked(as_user, jwt, session, world):
    client = as_user("school_a")
    resp = client.post("/api/v1/household/", headers=jwt("school_a"),
                       json={"guardian_name": "新登记家长", "district": world.e.id, "school": world.b.id})
    assert resp.status_code == 201, resp.get_data(as_text=True)
    row = session.get(Household, resp.get_json()["id"])
    assert (row.district_id, row.school_id) == (world.d.id, world.a.id)
    found = client.get("/studentmodelview/lookup/household?q=新登记").get_json()["results"]
    assert [h["id"] for h in found] == [row.id]
    assert as_user("district").get(f"/householdmodelview/show/{row.id}").status_code == 200
    assert as_user("school_a").get(f"/householdmodelview/show/{world.household['B'].id}").status_code == 404
