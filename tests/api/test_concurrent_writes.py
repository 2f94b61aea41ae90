"""Concurrent REST writes share no state: no copies, no lost rows, no 500, with real threads."""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.models import Household, HouseholdMember, Student
from tests.conftest import TEST_PASSWORD
from tests.factories import make_household, make_school, make_student, pupil_id_number

TIMEOUT = 120  # seconds for a whole burst: a bound, never a wait


@pytest.fixture
def school_world(session, make_user):
    """One school with 50 households of one pupil each, and its officer's JWT header."""
    school = make_school(session)
    households = []
    for n in range(50):
        household = make_household(session, district=school.district, school_id=school.id,
                                   guardian_name=f"家长{n}", phone="13800138000")
        make_student(session, school=school, household=household, name=f"学生{n}")
        households.append(household.id)
    session.commit()
    make_user("school_x", "SchoolOfficer", school=school)
    return school, households


def _header(app, username):
    resp = app.test_client().post("/api/v1/security/login",
                                  json={"username": username, "password": TEST_PASSWORD, "provider": "db"})
    assert resp.status_code == 200
    return {"Authorization": "Bearer " + resp.get_json()["access_token"]}


def _burst(calls):
    """Run the calls in threads released together; return their (status, body) in order."""
    barrier = threading.Barrier(len(calls), timeout=TIMEOUT)

    def run(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(run, call) for call in calls]
        return [future.result(timeout=TIMEOUT) for future in futures]


def test_fifty_concurrent_household_puts_neither_copy_nor_mix_rows(app, session, school_world):
    _school, households = school_world
    headers = _header(app, "school_x")

    def put(n, household_id):
        def call():
            resp = app.test_client().put(f"/api/v1/household/{household_id}", headers=headers,
                                         json={"guardian_name": f"改名{n}", "address": f"新地址{n}号"})
            return resp.status_code, resp.get_json()
        return call

    results = _burst([put(n, hid) for n, hid in enumerate(households)])
    assert [status for status, _ in results] == [200] * 50, results
    session.expire_all()
    assert session.query(Household).count() == 50
    for n, hid in enumerate(households):
        row = session.get(Household, hid)
        assert (row.guardian_name, row.address) == (f"改名{n}", f"新地址{n}号")
        assert [p.name for p in row.students] == [f"学生{n}"]


def test_two_hundred_concurrent_mixed_writes_give_no_server_error_and_no_duplicate(app, session, school_world):
    school, households = school_world
    headers = _header(app, "school_x")
    pupils = {hid: sid for sid, hid in session.query(Student.id, Student.household_id)}
    calls = []
    for n in range(200):
        hid = households[n % 50]
        kind = n % 4
        if kind == 0:
            body = {"address": f"地址{n}"}
            calls.append(("PUT", f"/api/v1/household/{hid}", body))
        elif kind == 1:
            calls.append(("PUT", f"/api/v1/student/{pupils[hid]}", {"class_name": f"{n % 5 + 1}班"}))
        elif kind == 2:
            calls.append(("POST", "/api/v1/household_member/",
                          {"household": hid, "name": f"成员{n}", "relation": "mother"}))
        else:
            id_number = pupil_id_number()
            calls.append(("POST", "/api/v1/student/", {
                "name": f"新生{n}", "id_number": id_number, "student_no": "G" + id_number, "sex": "M",
                "birth_date": f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}",
                "school": school.id, "grade": 2, "class_name": "1班"}))

    def request(method, url, body):
        resp = app.test_client().open(url, method=method, headers=headers, json=body)
        return resp.status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(lambda c: request(*c), calls, timeout=TIMEOUT))
    assert set(statuses) == {200, 201}, statuses
    session.expire_all()
    assert session.query(Household).count() == 50
    assert session.query(HouseholdMember).count() == 50
    assert session.query(Student).filter(Student.name.like("新生%")).count() == 50
    assert session.query(Student).filter(Student.household_id.isnot(None)).count() == 50


def test_concurrent_lists_keep_their_own_filters(app, session, school_world):
    _school, households = school_world
    headers = _header(app, "school_x")

    def search(n):
        def call():
            q = f"(filters:!((col:guardian_name,opr:eq,value:家长{n})))"
            resp = app.test_client().get(f"/api/v1/household/?q={q}", headers=headers)
            return resp.status_code, [row["guardian_name"] for row in resp.get_json()["result"]]
        return call

    results = _burst([search(n) for n in range(30)])
    assert results == [(200, [f"家长{n}"]) for n in range(30)]


def test_eight_posts_with_one_idempotency_key_create_one_row(app, session, school_world):
    school, _households = school_world
    headers = {**_header(app, "school_x"), "Idempotency-Key": "add-household-42"}
    body = {"guardian_name": "重试家长", "address": "城关镇", "district": school.district_id}

    def post():
        resp = app.test_client().post("/api/v1/household/", headers=headers,
                                      json=body)
        return resp.status_code, resp.get_json().get("id")

    results = _burst([post] * 8)
    assert {status for status, _ in results} == {201}, results
    assert len({row_id for _, row_id in results}) == 1
    session.expire_all()
    assert session.query(Household).filter_by(guardian_name="重试家长").count() == 1
    other = app.test_client().post("/api/v1/household/", headers={**headers, "Idempotency-Key": "add-household-43"},
                                   json=body)
    assert other.status_code == 201  # another key is another household
    bad = app.test_client().post("/api/v1/household/", headers={**headers, "Idempotency-Key": "有 空格"}, json=body)
    assert bad.status_code == 400
