"""What a REST body may hold: sizes, ranges, clean text and blanks, per field of each resource (issue 10)."""
from datetime import date, datetime, timedelta

import pytest

from app.clock import LOCAL_ZONE
from app.models import FundAccount, Household, HouseholdMember, School, SchoolYear, SpecialGroup, Student
from tests.factories import make_household, make_school, make_student, pupil_id_number

CHINA_TODAY = datetime.now(LOCAL_ZONE).date()
TOMORROW = (CHINA_TODAY + timedelta(days=1)).isoformat()
MODELS = {"student": Student, "household": Household, "household_member": HouseholdMember,
          "fund_account": FundAccount, "school_year": SchoolYear, "school": School}

BAD = [
    ("student", "grade", 0), ("student", "grade", 7), ("student", "grade", -1), ("student", "grade", 40000),
    ("student", "grade", 2**40), ("student", "grade", 2**70),
    ("student", "birth_date", TOMORROW), ("student", "birth_date", "1899-12-31"),
    ("student", "birth_date", "0001-01-01"), ("student", "birth_date", "40000-01-01"),
    ("student", "enrolled_on", "0001-01-01"), ("student", "enrolled_on", "2101-01-01"),
    ("student", "enrolled_on", "40000-01-01"),
    ("student", "name", ""), ("student", "name", "   "), ("student", "name", "王\x00丫"),
    ("student", "name", "王\x1b丫"), ("student", "name", "王\n丫"), ("student", "name", "x" * 33),
    ("student", "class_name", " \t "), ("student", "ethnicity", "汉\x07"), ("student", "class_name", "\u200b"),
    ("student", "name", "王\u202e丫"), ("student", "sex", "Q"), ("student", "status", "expelled"),
    ("household", "guardian_name", "   "), ("household", "notes", "说明\x00"),
    ("household", "notes", "x" * 10_001), ("household", "address", "x" * 201),
    ("household", "sudden_event_on", "0001-01-01"), ("household", "payee_name", "王\u2028丫"),
    ("household_member", "birth_year", 1899), ("household_member", "birth_year", CHINA_TODAY.year + 1),
    ("household_member", "birth_year", 40000), ("household_member", "name", "\x00"),
    ("fund_account", "fiscal_year", 1899), ("fund_account", "fiscal_year", 2101),
    ("fund_account", "fiscal_year", 40000), ("fund_account", "code", ""), ("fund_account", "code", "  "),
    ("school_year", "name", "40000-40001"), ("school_year", "name", "2031-2033"),
    ("school_year", "start_date", "0001-01-01"), ("school_year", "end_date", "9999-12-31"),
    ("school", "code", ""), ("school", "name", "小学\x00"),
]

GOOD = [
    ("student", "grade", 1, 1), ("student", "grade", 6, 6),
    # a pupil's date of birth must agree with the ID number: its range is tested in tests/services
    ("student", "enrolled_on", "2100-12-31", date(2100, 12, 31)), ("student", "name", "  王小丫  ", "王小丫"),
    ("student", "name", "x" * 32, "x" * 32), ("student", "ethnicity", "", None), ("student", "ethnicity", "  ", None),
    ("household", "notes", "第一行\r\n第二行\t备注", "第一行\n第二行\t备注"),
    ("household", "notes", "x" * 10_000, "x" * 10_000),
    ("household", "address", "   ", None),
    ("household_member", "birth_year", 1900, 1900),
    ("household_member", "birth_year", CHINA_TODAY.year, CHINA_TODAY.year),
    ("fund_account", "fiscal_year", 1900, 1900), ("fund_account", "fiscal_year", 2100, 2100),
    ("school_year", "name", " 2099-2100 ", "2099-2100"),
]


@pytest.fixture
def rows_and_token(session, make_user, jwt):
    """A school, a household with a pupil and a member, a fund account; a district officer's token."""
    school = make_school(session)
    household = make_household(session, district=school.district)
    pupil = make_student(session, school=school, household=household)
    member = HouseholdMember(household_id=household.id, name="王建国", relation="father")
    account = FundAccount(code="F-1", name="县级资金", source="county", fiscal_year=2026,
                          district_id=school.district_id)
    year = SchoolYear(name="2040-2041", start_date=date(2040, 9, 1), end_date=date(2041, 8, 31))
    session.add_all([member, account, year])
    session.commit()
    make_user("district", "DistrictOfficer", district=school.district)
    rows = {"student": pupil, "household": household, "household_member": member, "fund_account": account,
            "school_year": year, "school": school}
    return school, jwt("district"), rows


def _body(resource, school, rows) -> dict:
    """A valid new row of `resource`."""
    n = pupil_id_number()
    return {
        "student": {"name": "王小丫", "id_number": n, "student_no": "G" + n, "sex": "M", "school": school.id,
                    "birth_date": f"{n[6:10]}-{n[10:12]}-{n[12:14]}", "grade": 4, "class_name": "1班"},
        "household": {"guardian_name": "王建国", "district": school.district_id},
        "household_member": {"household": rows["household"].id, "name": "李桂兰", "relation": "mother"},
        "fund_account": {"code": "F-2", "name": "省级资金", "source": "provincial", "fiscal_year": 2026,
                         "district": school.district_id},
        "school_year": {"name": "2031-2032", "start_date": "2031-09-01", "end_date": "2032-08-31"},
        "school": {"code": "2199999999", "name": "新建小学", "district": school.district_id},
    }[resource]


def _refused(resp, field):
    """A 4xx answer naming the field, never a 500."""
    assert 400 <= resp.status_code < 500, (resp.status_code, resp.get_data(as_text=True))
    message = resp.get_json()["message"]
    assert field in message, message


@pytest.mark.parametrize(("resource", "field", "value"), BAD)
def test_bad_value_is_refused_on_post_naming_the_field_and_nothing_is_stored(
        client, session, rows_and_token, resource, field, value):
    school, auth, rows = rows_and_token
    before = session.query(MODELS[resource]).count()
    body = {**_body(resource, school, rows), field: value}
    _refused(client.post(f"/api/v1/{resource}/", json=body, headers=auth), field)
    session.expire_all()
    assert session.query(MODELS[resource]).count() == before


@pytest.mark.parametrize(("resource", "field", "value"), BAD)
def test_bad_value_is_refused_on_put_and_the_row_keeps_its_value(
        client, session, rows_and_token, resource, field, value):
    _school, auth, rows = rows_and_token
    row = rows[resource]
    kept = getattr(row, field)
    _refused(client.put(f"/api/v1/{resource}/{row.id}", json={field: value}, headers=auth), field)
    session.expire_all()
    assert getattr(session.get(MODELS[resource], row.id), field) == kept


@pytest.mark.parametrize(("resource", "field", "value", "stored"), GOOD)
def test_boundary_value_is_accepted_and_stored_clean(client, session, rows_and_token, resource, field, value, stored):
    school, auth, rows = rows_and_token
    body = {**_body(resource, school, rows), field: value}
    resp = client.post(f"/api/v1/{resource}/", json=body, headers=auth)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    session.expire_all()
    assert getattr(session.get(MODELS[resource], resp.get_json()["id"]), field) == stored


def test_messages_are_translated_and_labelled(client, session, rows_and_token):
    school, auth, rows = rows_and_token
    resp = client.post("/api/v1/student/", json={**_body("student", school, rows), "grade": 9}, headers=auth)
    assert resp.get_json()["message"]["grade"] == ["年级：须为 1 至 6 之间的整数"]
    resp = client.post("/api/v1/student/", json={**_body("student", school, rows), "name": "x" * 40}, headers=auth)
    assert resp.get_json()["message"]["name"] == ["最多 32 个字"]
    resp = client.post("/api/v1/student/", json={**_body("student", school, rows), "sex": "Q"}, headers=auth)
    assert "不是允许的取值" in str(resp.get_json()["message"]["sex"])


def test_blank_unique_code_is_refused_every_time_never_a_server_error(client, session, rows_and_token):
    school, auth, rows = rows_and_token
    for _ in range(2):
        body = {**_body("school", school, rows), "code": ""}
        _refused(client.post("/api/v1/school/", json=body, headers=auth), "code")
    assert session.query(School).filter(School.code == "").count() == 0


def test_duplicate_message_never_carries_the_stored_value(client, session, rows_and_token):
    _school, auth, rows = rows_and_token
    other = make_student(session, school=rows["student"].school)
    session.commit()
    resp = client.put(f"/api/v1/student/{other.id}", json={"id_number": rows["student"].id_number,
                                                          "student_no": rows["student"].student_no}, headers=auth)
    _refused(resp, "id_number")
    text = resp.get_data(as_text=True)
    assert rows["student"].id_number not in text and rows["student"].id_number[6:14] not in text
    assert "已存在" in resp.get_json()["message"]["id_number"][0]


def test_special_group_code_blank_is_refused_for_the_admin_too(client, session, make_user, jwt):
    make_user("root", "Admin")
    auth = jwt("root")
    for code in ("", "   "):
        _refused(client.post("/api/v1/special_group/", json={"code": code, "name": "测试"}, headers=auth), "code")
    resp = client.post("/api/v1/special_group/", json={"code": " T9 ", "name": "测试"}, headers=auth)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    assert session.get(SpecialGroup, resp.get_json()["id"]).code == "T9"


def test_a_stored_value_is_not_judged_again_by_an_unrelated_edit_nor_quoted(client, session, rows_and_token):
    _school, auth, rows = rows_and_token
    adult = pupil_id_number(birth=date(CHINA_TODAY.year - 20, 3, 1))  # too old for the pupil rule
    pupil = rows["student"]
    pupil.id_number, pupil.student_no = adult, "G" + adult
    session.commit()
    assert client.put(f"/api/v1/student/{pupil.id}", json={"class_name": "2班"}, headers=auth).status_code == 200
    resp = client.put(f"/api/v1/student/{pupil.id}", json={"id_number": adult, "grade": 5}, headers=auth)
    assert resp.status_code == 200  # the same ID number sent back is no change
    other = pupil_id_number(birth=date(CHINA_TODAY.year - 21, 3, 1))
    resp = client.put(f"/api/v1/student/{pupil.id}", json={"id_number": other, "student_no": "G" + other}, headers=auth)
    _refused(resp, "id_number")
    assert adult not in resp.get_data(as_text=True)
    session.expire_all()
    assert session.get(Student, pupil.id).id_number == adult
