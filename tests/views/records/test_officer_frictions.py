"""Frictions of a school officer's day (issue 12): add buttons above the tabs, flash messages naming
what was saved, related lists without the parent column, the school preset from the scope, and the
applications list in term order."""
import re

from app.models import Sex, Student
from tests.factories import make_application, make_previous_term, make_student, pupil_id_number


def _show(household) -> str:
    return f"/householdmodelview/show/{household.id}"


def test_household_add_buttons_sit_above_the_tabs(client, place, login):
    login("school1")
    page = client.get(_show(place.household)).get_data(as_text=True)
    buttons = [m.start() for m in re.finditer(r'class="btn btn-sm btn-success zz-add-related"', page)]
    tabs = page.index('class="nav nav-tabs"')
    assert len(buttons) == 3  # member, pupil, an application for the one pupil
    assert all(at < tabs for at in buttons)  # in sight whichever tab FAB reopens on


def test_a_record_without_related_lists_keeps_its_buttons(client, place, login):
    login("school1")
    page = client.get(f"/studentmodelview/show/{place.student.id}").get_data(as_text=True)
    assert page.count('zz-edit"') == 1 and "zz-show-add-links" not in page


def test_adding_a_member_says_who_was_added(client, session, place, login):
    login("school1")
    url = f"/householdmembermodelview/add?_flt_0_household={place.household.id}&next={_show(place.household)}"
    resp = client.post(url, data={"name": "龙秀英", "relation": "SIBLING", "presence": "PRESENT",
                                  "work_ability": "NONE", "health": "HEALTHY", "annual_income": "0"},
                       follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert "已新增家庭成员：龙秀英" in page and "记录已新增" not in page


def test_adding_a_pupil_names_the_pupil_never_the_id_number(client, session, place, login):
    login("school1")
    number = pupil_id_number()
    resp = client.post(f"/studentmodelview/add?_flt_0_household={place.household.id}",
                       data={"name": "欧阳晨曦", "id_number": number, "student_no": "G" + number,
                             "school": str(place.school.id), "grade": "1", "class_name": "1班",
                             "status": "ENROLLED"}, follow_redirects=True)
    page = resp.get_data(as_text=True)
    assert "已新增学生：欧阳晨曦" in page and number not in page


def test_saving_a_household_says_which(client, session, place, login):
    login("school1")
    view = client.application.appbuilder  # the view's message, in English too
    household_view = next(v for v in view.baseviews if type(v).__name__ == "HouseholdModelView")
    with client.application.test_request_context(headers={"Accept-Language": "en"}):
        from flask_babel import force_locale
        with force_locale("en"):
            assert household_view.saved_message(place.household, False) == \
                f"Household saved: {place.household.guardian_name}"
        with force_locale("zh"):
            assert household_view.saved_message(place.household, False) == \
                f"已保存家庭：{place.household.guardian_name}"
            place.household.guardian_name = ""
            assert household_view.saved_message(place.household, True) == "已新增家庭"


def test_a_masked_first_column_is_never_named(client, place):
    appbuilder = client.application.appbuilder
    pupils = next(v for v in appbuilder.baseviews if type(v).__name__ == "StudentModelView")
    with client.application.test_request_context():
        assert pupils.record_name(place.student) == place.student.name
        original = pupils.list_columns
        try:
            pupils.list_columns = ["id_number", *original]
            assert pupils.record_name(place.student) == ""
        finally:
            pupils.list_columns = original


def _member_list(page: str) -> str:
    """The household page's 家庭成员 tab."""
    start = page.index('id="HouseholdMemberModelView"')
    return page[start:page.index("</table>", start)]


def test_household_member_list_shows_presence_not_the_household(client, session, place, login):
    login("school1")
    members = _member_list(client.get(_show(place.household)).get_data(as_text=True))
    assert 'zz-col-presence">在家情况' in members
    assert "zz-col-household" not in members  # the household shown is not repeated on every row
    # the member list of its own still names each member's household
    assert "zz-col-household" in client.get("/householdmembermodelview/list/").get_data(as_text=True)


def test_member_form_says_absent_members_are_not_scored_as_able(client, place, login):
    login("school1")
    form = client.get(f"/householdmembermodelview/add?_flt_0_household={place.household.id}").get_data(as_text=True)
    assert "不按有劳动能力计分" in form


def _selected(form: str, field: str) -> str | None:
    match = re.search(rf'<select[^>]*id="{field}".*?</select>', form, re.S)
    if match is None:
        return None
    chosen = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', match.group(0))
    return next((g for g in chosen.groups() if g), None) if chosen else None


def test_a_school_officer_finds_the_school_preset_on_the_pupil_form(client, place, login):
    login("school1")
    form = client.get("/studentmodelview/add").get_data(as_text=True)
    assert _selected(form, "school") == str(place.school.id)


def test_a_district_officer_still_picks_the_school(client, place, login):
    login("district")
    form = client.get("/studentmodelview/add").get_data(as_text=True)
    assert _selected(form, "school") in (None, "")


def test_a_class_teacher_with_one_class_finds_grade_and_class_preset(client, place):
    """A class teacher may not open the pupil form; the shared flow presets any form with these fields."""
    from flask import request

    from app.security.scope import Scope

    pupils = next(v for v in client.application.appbuilder.baseviews if type(v).__name__ == "StudentModelView")
    with client.application.test_request_context():
        request.environ["zizhu.cache"] = {"scope": Scope(district_id=place.school.district_id,
                                                         school_id=place.school.id, classes=((4, "2班"),))}
        form = pupils.add_form.refresh()
        pupils.prefill_from_scope(form)
        assert form.school.data.id == place.school.id
        assert (form.grade.data, form.class_name.data) == (4, "2班")
        request.environ["zizhu.cache"]["scope"] = Scope(district_id=place.school.district_id,
                                                        school_id=place.school.id, classes=((4, "2班"), (4, "3班")))
        form = pupils.add_form.refresh()
        pupils.prefill_from_scope(form)
        assert form.grade.data in (None, "") and form.class_name.data in (None, "")


def test_a_posted_school_outside_the_scope_is_still_refused(client, session, place, login):
    login("school1")
    number = pupil_id_number()
    client.post("/studentmodelview/add", data={
        "name": "外校生", "id_number": number, "student_no": "G" + number, "school": str(place.other_school.id),
        "grade": "1", "class_name": "1班", "status": "ENROLLED", "sex": "MALE"})
    assert session.query(Student).filter_by(id_number=number).count() == 0


def test_applications_list_newest_term_first_then_class_and_name(client, session, place, login):
    older = make_previous_term(session)
    b = make_student(session, school=place.school, household=place.household, name="白一", grade=1, class_name="1班",
                     sex=Sex.MALE)
    a = make_student(session, school=place.school, household=place.household, name="安二", grade=1, class_name="1班",
                     sex=Sex.MALE)
    old = make_application(session, a, term=older)  # made last: the newest id, yet an older term
    make_application(session, b)
    make_application(session, a)
    session.commit()
    login("school1")
    page = client.get("/applicationmodelview/list/").get_data(as_text=True)
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S)
    names = [n for row in rows for n in [next((x for x in ("安二", "白一", place.student.name) if x in row), None)]
             if n]
    # this term: grade 1 (安二, 白一 by name) before grade 3 (the place's pupil); last the older term
    assert names == ["安二", "白一", place.student.name, "安二"], names
    assert f"/applicationmodelview/show/{old.id}" in [r for r in rows if "安二" in r][-1]


def test_pupils_list_by_grade_class_and_name(client, session, place, login):
    make_student(session, school=place.school, name="甲", grade=1, class_name="2班", sex=Sex.MALE)
    make_student(session, school=place.school, name="乙", grade=2, class_name="1班", sex=Sex.MALE)
    session.commit()
    login("school1")
    page = client.get("/studentmodelview/list/").get_data(as_text=True)
    names = f"甲|乙|{re.escape(place.student.name)}"
    order = re.findall(rf"<td[^>]*>\s*({names})\s*</td>", page)
    assert order == ["甲", "乙", place.student.name], order
