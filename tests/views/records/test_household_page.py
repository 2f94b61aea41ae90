"""Registering a family from its household page: add a member, a pupil and an application with the
household (or pupil) already chosen, and come back to the household page after saving."""
import re
from html import unescape

from app.models import Application, HouseholdMember, Sex, Student
from tests.factories import make_id_number, pupil_id_number


def _links(page: str) -> dict:
    """{button text: href} of the household page's add buttons."""
    found = re.findall(r'<a href="([^"]+)" class="btn btn-sm btn-success zz-add-related">.*?</i>\s*(.*?)</a>',
                       page, re.S)
    return {unescape(text).strip(): unescape(href) for href, text in found}


def _show(household) -> str:
    return f"/householdmodelview/show/{household.id}"


def test_household_page_offers_member_pupil_and_application_buttons(client, place, login):
    login("school1")
    page = client.get(_show(place.household)).get_data(as_text=True)
    links = _links(page)
    back = "next=%2Fhouseholdmodelview%2Fshow%2F" + str(place.household.id)
    member = links["新增家庭成员"]
    assert member.startswith("/householdmembermodelview/add?") and back in member
    assert f"_flt_0_household={place.household.id}" in member
    assert f"_flt_0_household={place.household.id}" in links["新增学生"] and back in links["新增学生"]
    apply = links[f"新增资助申请：{place.student.name}"]
    assert f"_flt_0_student={place.student.id}" in apply and back in apply


def test_member_added_from_the_household_page_returns_to_it(client, session, place, login):
    login("school1")
    url = _links(client.get(_show(place.household)).get_data(as_text=True))["新增家庭成员"]
    form = client.get(url).get_data(as_text=True)
    assert 'id="zz-chosen-household"' in form and place.household.guardian_name in form
    assert 'name="household"' not in form  # chosen by the page, not a field to change
    resp = client.post(url, data={"name": "王小二", "relation": "SIBLING", "presence": "PRESENT",
                                  "work_ability": "NONE", "health": "HEALTHY", "annual_income": "0"})
    assert resp.status_code == 302 and resp.headers["Location"] == _show(place.household)
    assert session.query(HouseholdMember).filter_by(name="王小二").one().household_id == place.household.id


def test_pupil_added_from_the_household_page_returns_to_it(client, session, place, login):
    login("school1")
    url = _links(client.get(_show(place.household)).get_data(as_text=True))["新增学生"]
    number = pupil_id_number()
    resp = client.post(url, data={"name": "王小妹", "id_number": number, "student_no": "G" + number,
                                  "school": str(place.school.id), "grade": "1", "class_name": "1班",
                                  "status": "ENROLLED"})
    assert resp.status_code == 302 and resp.headers["Location"] == _show(place.household)
    assert session.query(Student).filter_by(id_number=number).one().household_id == place.household.id


def test_application_added_for_a_pupil_has_the_pupil_and_the_current_term(client, session, place, login):
    session.delete(place.application)
    session.commit()
    login("school1")
    url = _links(client.get(_show(place.household)).get_data(as_text=True))[f"新增资助申请：{place.student.name}"]
    form = client.get(url).get_data(as_text=True)
    assert 'id="zz-chosen-student"' in form
    selected = re.search(r'<select[^>]*id="term".*?</select>', form, re.S).group(0)
    assert "selected" in selected
    term_id = re.search(r'<option selected value="(\d+)"|<option value="(\d+)" selected', selected)
    assert term_id is not None
    chosen = next(g for g in term_id.groups() if g)
    resp = client.post(url, data={"term": chosen, "reason": "家庭困难"})
    assert resp.status_code == 302 and resp.headers["Location"] == _show(place.household)
    row = session.query(Application).filter_by(student_id=place.student.id).one()
    assert str(row.term_id) == chosen


def test_edit_from_a_record_page_returns_to_it(client, session, place, login):
    login("school1")
    member = session.query(HouseholdMember).filter_by(household_id=place.household.id).first()
    url = f"/householdmembermodelview/edit/{member.id}?next=" + _show(place.household)
    form = client.get(url).get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"', form)
    data = {"household": str(place.household.id), "name": member.name, "relation": member.relation.name,
            "presence": member.presence.name, "work_ability": member.work_ability.name,
            "health": member.health.name, "annual_income": "8000"}
    if version:
        data["version"] = next(g for g in version.groups() if g)
    resp = client.post(url, data=data)
    assert resp.status_code == 302, re.findall(r'zz-field-errors.*?</ul>', resp.get_data(as_text=True), re.S)
    assert resp.headers["Location"] == _show(place.household)


def test_a_foreign_or_absolute_next_is_ignored(client, session, place, login):
    login("school1")
    for bad in ("https://evil.example/x", "//evil.example/x", "/\\evil.example", "http:/evil", "/\t/evil.example",
                "javascript:alert(1)"):
        url = f"/householdmembermodelview/add?_flt_0_household={place.household.id}"
        resp = client.post(url, data={"name": "某某", "relation": "SIBLING", "presence": "PRESENT",
                                 "work_ability": "NONE", "health": "HEALTHY", "annual_income": "0", "next": bad})
        assert resp.status_code == 302
        location = resp.headers["Location"]
        assert "evil" not in location and not location.startswith(("http", "//", "javascript"))
        resp = client.post(url + "&next=" + bad.replace("\t", "%09"),
                           data={"name": "某某", "relation": "SIBLING", "presence": "PRESENT",
                                 "work_ability": "NONE", "health": "HEALTHY", "annual_income": "0"})
        assert resp.status_code == 302 and "evil" not in resp.headers["Location"]


def test_without_next_or_history_a_save_shows_the_record_not_the_workbench(client, session, place, login):
    login("school1")
    # a fresh session: FAB's page history is empty, so it would answer the start page
    resp = client.post(f"/householdmembermodelview/add?_flt_0_household={place.household.id}",
                       data={"name": "王三", "relation": "SIBLING", "presence": "PRESENT",
                             "work_ability": "NONE", "health": "HEALTHY", "annual_income": "0"})
    member = session.query(HouseholdMember).filter_by(name="王三").one()
    assert resp.headers["Location"] == f"/householdmembermodelview/show/{member.id}"


def test_pupil_birth_date_and_sex_left_empty_come_from_the_id_number(client, session, place, login):
    from datetime import date

    from app.clock import SYSTEM

    login("school1")
    birth = date(SYSTEM.today().year - 8, 5, 17)
    girl = make_id_number("990101", birth, 22)  # 17th digit 2: even, female
    resp = client.post(f"/studentmodelview/add?_flt_0_household={place.household.id}",
                       data={"name": "王小花", "id_number": girl, "student_no": "G" + girl, "sex": "",
                             "birth_date": "", "school": str(place.school.id), "grade": "2",
                             "class_name": "1班", "status": "ENROLLED"})
    assert resp.status_code == 302, resp.get_data(as_text=True)
    row = session.query(Student).filter_by(id_number=girl).one()
    assert row.birth_date == birth and row.sex is Sex.FEMALE


def test_pupil_form_serves_the_id_number_script_and_marks_the_fields(client, place, login):
    login("school1")
    page = client.get("/studentmodelview/add").get_data(as_text=True)
    assert re.search(r'<script src="/static/js/id_number\.js"', page)
    assert "留空则按身份证号自动填写" in page
    script = client.get("/static/js/id_number.js")
    assert script.status_code == 200 and b"birth_date" in script.data


def test_pupil_birth_date_and_sex_that_disagree_with_the_id_number_are_refused(client, session, place, login):
    from datetime import date

    from app.clock import SYSTEM

    login("school1")
    birth = date(SYSTEM.today().year - 8, 5, 17)
    boy = make_id_number("990101", birth, 21)
    resp = client.post("/studentmodelview/add",
                       data={"name": "王小虎", "id_number": boy, "student_no": "G" + boy, "sex": "FEMALE",
                             "birth_date": "2000-01-01", "school": str(place.school.id), "grade": "2",
                             "class_name": "1班", "status": "ENROLLED"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert re.search(r'id="birth_date-errors".*?与身份证号中的出生日期', page, re.S)
    assert re.search(r'id="sex-errors".*?与身份证号', page, re.S)
    assert session.query(Student).filter_by(id_number=boy).count() == 0


def test_a_household_outside_the_scope_is_never_named_nor_chosen(client, session, place, login):
    from tests.factories import make_household

    theirs = make_household(session, district=place.school.district, school_id=place.other_school.id,
                            guardian_name="外校家长")
    session.commit()
    login("school1")
    url = f"/householdmembermodelview/add?_flt_0_household={theirs.id}"
    page = client.get(url).get_data(as_text=True)
    assert "外校家长" not in page
    resp = client.post(url, data={"name": "某某", "relation": "SIBLING", "presence": "PRESENT",
                                  "work_ability": "NONE", "health": "HEALTHY", "annual_income": "0"})
    assert resp.status_code == 422 and 'id="household-errors"' in resp.get_data(as_text=True)
    assert session.query(HouseholdMember).filter_by(name="某某").count() == 0
    assert client.get("/householdmembermodelview/add?_flt_0_household=abc").status_code == 200
