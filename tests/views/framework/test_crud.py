"""CRUD through the HTML views: list, add, edit, show, delete, lookups and bad input."""
import re

from app.models import Student
from tests.factories import make_household, make_school, make_student, pupil_id_number


def _form(student_no, id_number, school, household=None, **extra):
    data = {
        "name": "张小花", "id_number": id_number, "student_no": student_no, "sex": "MALE",
        "birth_date": f"{id_number[6:10]}-{id_number[10:12]}-{id_number[12:14]}",
        "school": str(school.id), "grade": "2", "class_name": "2班", "status": "ENROLLED",
        "household": str(household.id) if household else "",
    }
    data.update(extra)
    return data


def test_pupil_list_shows_pupils_in_chinese(client, session, make_user, login):
    school = make_school(session, name="城关小学")
    make_student(session, school=school, name="李小明")
    session.commit()
    make_user("district", "DistrictOfficer", district=school.district)
    login("district")
    page = client.get("/studentmodelview/list/").get_data(as_text=True)
    assert "李小明" in page and "城关小学" in page
    assert "学生" in page
    assert ">Add<" not in page and ">Edit<" not in page


def test_district_officer_adds_pupil_and_x_is_normalised(client, session, make_user, login):
    school = make_school(session)
    household = make_household(session, district=school.district)
    session.commit()
    make_user("district", "DistrictOfficer", district=school.district)
    login("district")
    id_number = pupil_id_number()
    lower = id_number.lower()
    resp = client.post("/studentmodelview/add", data=_form("g" + lower, lower, school, household),
                       follow_redirects=True)
    assert resp.status_code == 200
    row = session.query(Student).filter_by(id_number=id_number.upper()).one()
    assert row.student_no == "G" + id_number.upper()
    assert row.household_id == household.id


def test_bad_check_character_is_refused_inline_and_nothing_saved(client, session, district_school):
    school = district_school
    good = pupil_id_number()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    page = client.post("/studentmodelview/add", data=_form("G" + bad, bad, school),
                       follow_redirects=True).get_data(as_text=True)
    assert "校验位" in page
    assert session.query(Student).count() == 0


def test_seventeen_digits_and_impossible_date_are_refused(client, session, district_school):
    school = district_school
    for bad, words in ((pupil_id_number()[:17], "18"), ("990101" + "20190230" + "0011", "出生日期")):
        page = client.post("/studentmodelview/add", data=_form("G" + bad, bad, school),
                           follow_redirects=True).get_data(as_text=True)
        assert words in page
    assert session.query(Student).count() == 0


def test_student_no_must_match_id_number(client, session, district_school):
    school = district_school
    page = client.post("/studentmodelview/add",
                       data=_form("G" + pupil_id_number(), pupil_id_number(), school),
                       follow_redirects=True).get_data(as_text=True)
    assert "不一致" in page or "不符" in page
    assert session.query(Student).count() == 0


def test_duplicate_id_number_gets_a_clear_message(client, session, make_user, login):
    existing = make_student(session)
    session.commit()
    make_user("district", "DistrictOfficer", district=existing.school.district)
    login("district")
    page = client.post("/studentmodelview/add",
                       data=_form(existing.student_no, existing.id_number, existing.school),
                       follow_redirects=True).get_data(as_text=True)
    assert "已存在" in page
    assert "IntegrityError" not in page and "UNIQUE" not in page
    assert session.query(Student).count() == 1


def test_edit_form_does_not_render_whole_tables(client, session, make_user, login):
    school = make_school(session)
    for i in range(30):
        make_household(session, district=school.district, guardian_name=f"家长{i:02d}")
    pupil = make_student(session, school=school)
    session.commit()
    make_user("district", "DistrictOfficer", district=school.district)
    login("district")
    page = client.get(f"/studentmodelview/edit/{pupil.id}").get_data(as_text=True)
    assert "家长00" not in page and "家长29" not in page
    assert 'class="zz-lookup' in page
    listing = client.get("/studentmodelview/list/").get_data(as_text=True)
    assert "家长07" not in listing


def test_lookup_finds_households_by_name_twenty_at_a_time(client, session, make_user, login):
    school = make_school(session)
    for i in range(25):
        make_household(session, district=school.district, guardian_name=f"赵{i:02d}")
    make_household(session, district=school.district, guardian_name="钱多多")
    session.commit()
    make_user("district", "DistrictOfficer", district=school.district)
    login("district")
    data = client.get("/studentmodelview/lookup/household?q=赵").get_json()
    assert len(data["results"]) == 20 and data["pagination"]["more"] is True
    assert all("赵" in r["text"] for r in data["results"])
    page2 = client.get("/studentmodelview/lookup/household?q=赵&page=2").get_json()
    assert len(page2["results"]) == 5 and page2["pagination"]["more"] is False
    assert client.get("/studentmodelview/lookup/name").status_code == 404


def test_household_show_lists_members_and_pupils(client, session, make_user, login):
    from app.models import HouseholdMember, Relation, SpecialGroup

    school = make_school(session)
    household = make_household(session, district=school.district, guardian_name="孙大伟")
    household.special_groups = session.query(SpecialGroup).filter(
        SpecialGroup.code.in_(["dibao", "orphan"])).order_by(SpecialGroup.sort_order).all()
    session.add(HouseholdMember(household_id=household.id, name="孙大伟", relation=Relation.FATHER,
                                annual_income=12000))
    make_student(session, school=school, household=household, name="孙小宝")
    session.commit()
    make_user("district", "DistrictOfficer", district=school.district)
    login("district")
    page = client.get(f"/householdmodelview/show/{household.id}").get_data(as_text=True)
    assert "孙小宝" in page and "父亲" in page
    assert "¥12,000.00" in page
    assert re.search(r"家庭成员", page)
    assert "最低生活保障家庭（低保）、孤儿" in page
    assert "None" not in page and "[]" not in page


def test_list_filters_by_enum_and_odd_values_do_not_crash(client, session, make_user, login):
    from app.models import StudentStatus

    school = make_school(session)
    make_student(session, school=school, name="在读生")
    make_student(session, school=school, name="转出生", status=StudentStatus.TRANSFERRED)
    session.commit()
    make_user("district", "DistrictOfficer", district=school.district)
    login("district")
    page = client.get("/studentmodelview/list/?_flt_0_status=transferred").get_data(as_text=True)
    assert "转出生" in page and "在读生" not in page
    for odd in ("_flt_0_status=NOPE", "_flt_0_school=abc", "_flt_0_grade=x", "page_StudentModelView=-3",
                "_oc_StudentModelView=nosuch", "psize_StudentModelView=-5", "psize_StudentModelView=99999"):
        assert client.get(f"/studentmodelview/list/?{odd}").status_code in (200, 302, 400), odd


def test_enum_filter_offers_translated_choices_with_stored_values(client, session, make_user, login):
    make_user("district", "DistrictOfficer", district=make_school(session).district)
    login("district")
    page = client.get("/studentmodelview/list/").get_data(as_text=True)
    assert 'value=\\"transferred\\"' in page or 'value="transferred"' in page


def test_name_filters_starts_with_and_contains(client, session, make_user, login):
    school = make_school(session)
    for name in ("李小明", "李小红", "王李小", "Li Xiao", "li xiaoming"):
        make_student(session, school=school, name=name)
    session.commit()
    make_user("district", "DistrictOfficer", district=school.district)
    login("district")

    def names(query):
        page = client.get(f"/studentmodelview/list/?{query}").get_data(as_text=True)
        return {n for n in ("李小明", "李小红", "王李小", "Li Xiao", "li xiaoming") if n in page}

    assert names("_flt_0_name=李小") == {"李小明", "李小红"}
    assert names("_flt_2_name=李小") == {"李小明", "李小红", "王李小"}
    assert names("_flt_0_name=li") == {"Li Xiao", "li xiaoming"}


def test_application_form_sets_school_from_the_pupil(client, session, make_user, login):
    from app.models import Application, Term

    pupil = make_student(session)
    term = session.query(Term).filter_by(is_current=True).one()
    session.commit()
    make_user("district", "DistrictOfficer", district=pupil.school.district)
    login("district")
    page = client.get("/applicationmodelview/add").get_data(as_text=True)
    assert 'name="school"' not in page
    client.post("/applicationmodelview/add", data={
        "student": str(pupil.id), "term": str(term.id), "reason": "家庭突发变故"}, follow_redirects=True)
    row = session.query(Application).one()
    assert row.school_id == pupil.school_id and row.school_year_id == term.school_year_id
