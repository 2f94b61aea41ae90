"""Every list's quick search box, its active filters as chips, and pickers that tell namesakes apart."""
import html as htmllib
import re
from urllib.parse import quote

import pytest

from tests.factories import make_application, make_household, make_school, make_student, pupil_id_number


def _names(page: str) -> list[str]:
    return re.findall(r'<td class="zz-col-name">([^<]*)</td>', page)


def _chips(page: str) -> list[tuple[str, str]]:
    """(text, removal link) of each chip above the list."""
    return [(htmllib.unescape(text).strip(), htmllib.unescape(href)) for href, text in re.findall(
        r'<a class="btn btn-default btn-xs zz-chip" href="([^"]*)"[^>]*>([^<]*)<', page)]


def _search(client, text: str, extra: str = "", view: str = "studentmodelview") -> str:
    return client.get(f"/{view}/list/?_flt_0_search={quote(text)}{extra}").get_data(as_text=True)


@pytest.fixture
def pupils(session, make_user):
    """School A: 张美 (3年级2班), 张美丽 (4年级1班), 李张美; school B of the same district: 张美.
    Users: school1 (officer of A, may reveal), teacher (A's 3年级2班 only, may not reveal)."""
    a = make_school(session, name="城关小学")
    b = make_school(session, district=a.district, name="河西小学")
    rows = {
        "zhang_mei": make_student(session, school=a, name="张美", grade=3, class_name="2班"),
        "zhang_meili": make_student(session, school=a, name="张美丽", grade=4, class_name="1班"),
        "li": make_student(session, school=a, name="李张美"),
        "other": make_student(session, school=b, name="张美"),
    }
    session.commit()
    make_user("school1", "SchoolOfficer", school=a)
    make_user("teacher", "ClassTeacher", school=a, class_names="3年级2班")
    return rows


def test_every_list_has_one_search_box_and_it_names_what_it_searches(client, session, login, pupils):
    login("school1")
    page = client.get("/studentmodelview/list/").get_data(as_text=True)
    assert page.count('name="_flt_0_search"') == 1
    assert 'placeholder="按姓名、学籍号搜索"' in page
    # FAB's own search form offers it too (and shows it when active), under the same argument
    assert '"search": ["快速搜索"]' in page.replace("\\u5feb\\u901f\\u641c\\u7d22", "快速搜索")
    for view, placeholder in (("householdmodelview", "按监护人、地址搜索"),
                              ("applicationmodelview", "按学生、学籍号搜索"),
                              ("householdmembermodelview", "按姓名搜索")):
        page = client.get(f"/{view}/list/").get_data(as_text=True)
        assert 'name="_flt_0_search"' in page and f'placeholder="{placeholder}"' in page, view
    client.get("/logout/")
    login("teacher")
    page = client.get("/studentmodelview/list/").get_data(as_text=True)
    assert 'placeholder="按姓名搜索"' in page  # the 学籍号 is not searchable for a role that may not see it


def test_users_list_has_the_box_too(client, session, make_user, login, pupils):
    school = session.get(type(pupils["li"].school), pupils["li"].school_id)
    make_user("district", "DistrictOfficer", district=school.district)
    login("district")
    page = client.get("/districtusermodelview/list/?_flt_0_search=teach").get_data(as_text=True)
    assert 'name="_flt_0_search"' in page and "teacher" in page and "school1" not in page


def test_name_search_starts_with_the_text_inside_the_scope(client, session, login, pupils):
    login("school1")
    assert sorted(_names(_search(client, "张美"))) == ["张美", "张美丽"]  # not 李张美, not school B's 张美
    assert _names(_search(client, "张美丽")) == ["张美丽"]
    assert _names(_search(client, "美")) == []  # the start of a name, as the name filter
    assert _names(_search(client, "%")) == []  # a wildcard is a plain character
    client.get("/logout/")
    login("teacher")
    assert _names(_search(client, "张")) == ["张美"]  # the teacher's class only


def test_student_number_matches_exactly_for_a_role_that_may_see_it(client, session, login, pupils):
    number = pupils["zhang_meili"].student_no
    login("school1")
    assert _names(_search(client, number)) == ["张美丽"]
    assert _names(_search(client, number.lower())) == ["张美丽"]  # g… is G…
    assert _names(_search(client, number[:10])) == []  # never a prefix: it embeds the ID number
    assert _names(_search(client, pupils["other"].student_no)) == []  # school B's pupil: out of scope
    assert _names(_search(client, pupils["zhang_meili"].id_number)) == []  # the ID number is not the 学籍号


def test_student_number_is_ignored_for_a_role_that_may_not_see_it(client, session, login, pupils):
    login("teacher")
    assert _names(_search(client, pupils["zhang_mei"].student_no)) == []
    assert _names(_search(client, "张")) == ["张美"]


def test_search_combines_with_filters_order_and_page_size(client, session, login, pupils):
    login("school1")
    page = _search(client, "张", "&_flt_0_grade=4&_oc_StudentModelView=name&_od_StudentModelView=asc"
                                 "&psize_StudentModelView=5&page_StudentModelView=3")
    assert _names(page) == []  # page 4 of one row
    page = _search(client, "张", "&_flt_0_grade=4&_oc_StudentModelView=name&_od_StudentModelView=asc"
                                 "&psize_StudentModelView=5")
    assert _names(page) == ["张美丽"]
    form = page.split('class="form-inline zz-quick-search-form"', 1)[1].split("</form>", 1)[0]
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form))
    # a new search keeps the other filters, the order and the page size, and starts on the first page
    assert hidden == {"_flt_0_grade": "4", "_oc_StudentModelView": "name", "_od_StudentModelView": "asc",
                      "psize_StudentModelView": "5"}
    assert re.search(r'name="_flt_0_search"\s+value="张"', form)


def test_households_by_guardian_name_start_or_address_anywhere(client, session, login, pupils):
    school = pupils["li"].school
    make_household(session, district=school.district, school_id=school.id, guardian_name="赵大",
                   address="城关镇东街1号")
    make_household(session, district=school.district, school_id=school.id, guardian_name="钱二", address="河西村赵家组")
    session.commit()
    login("school1")

    def guardians(text):
        page = _search(client, text, view="householdmodelview")
        return sorted(re.findall(r'<td class="zz-col-guardian_name">([^<]*)</td>', page))

    assert guardians("钱") == ["钱二"]  # a name by its start
    assert guardians("二") == []  # not inside a name
    assert guardians("赵家") == ["钱二"]  # an address anywhere
    assert guardians("赵") == ["赵大", "钱二"]  # either


def test_applications_by_pupil_name(client, session, login, pupils):
    for key in ("zhang_mei", "li", "other"):
        make_application(session, pupils[key])
    session.commit()
    login("school1")
    page = _search(client, "张", view="applicationmodelview")
    assert page.count('<td class="zz-col-student">') == 1 and "张美" in page and "李张美" not in page


def test_active_filters_are_chips_each_removable(client, session, login, pupils):
    school = pupils["li"].school
    login("school1")
    url = f"/studentmodelview/list/?_flt_0_school={school.id}&_flt_0_grade=3&_flt_0_status=enrolled" \
          f"&_flt_0_name=张&page_StudentModelView=1"
    chips = dict(_chips(client.get(url).get_data(as_text=True)))
    assert set(chips) == {"学校：城关小学", "年级：3", "状态：在读", "姓名 开头是：张"}
    removed = chips["年级：3"]
    assert "_flt_0_grade" not in removed and f"_flt_0_school={school.id}" in removed
    assert "page_StudentModelView" not in removed  # back to the first page
    assert sorted(_names(client.get(removed).get_data(as_text=True))) == ["张美", "张美丽"]
    assert 'class="btn btn-link btn-xs zz-chips-clear" href="/studentmodelview/list/"' in client.get(url).get_data(
        as_text=True)
    assert _chips(client.get("/studentmodelview/list/").get_data(as_text=True)) == []


def test_chips_in_english(client, session, login, pupils):
    login("school1")
    client.get("/lang/en")
    chips = _chips(_search(client, "张", "&_flt_0_grade=3"))
    assert [text for text, _url in chips] == ["Quick search: 张", "Grade: 3"]


def test_a_masked_column_filter_shows_only_that_it_is_set(client, session, login, pupils):
    id_number = pupils["zhang_mei"].id_number
    login("school1")
    page = client.get(f"/studentmodelview/list/?_flt_0_id_number={id_number}").get_data(as_text=True)
    assert _names(page) == ["张美"]
    chips = _chips(page)
    assert [text for text, _url in chips] == ["身份证号：已设置"]
    assert id_number not in chips[0][0] and id_number[4:-2] not in chips[0][0]


def test_picker_names_pupils_with_grade_class_and_masked_id_tail(client, session, login, pupils):
    login("school1")
    found = client.get("/applicationmodelview/lookup/student?q=张美").get_json()["results"]
    texts = {r["id"]: r["text"] for r in found}
    mei, meili, li = pupils["zhang_mei"], pupils["zhang_meili"], pupils["li"]
    assert texts == {mei.id: f"张美 · 3年级2班 · ****{mei.id_number[-2:]}",
                     meili.id: f"张美丽 · 4年级1班 · ****{meili.id_number[-2:]}",
                     li.id: f"李张美 · 3年级1班 · ****{li.id_number[-2:]}"}  # not school B's 张美
    assert all(p.id_number[:-2] not in str(found) for p in pupils.values())


def test_picker_shows_the_chosen_pupil_the_same_way(client, session, login, pupils):
    application = make_application(session, pupils["zhang_mei"])
    session.commit()
    login("school1")
    page = client.get(f"/applicationmodelview/edit/{application.id}").get_data(as_text=True)
    tail = pupils["zhang_mei"].id_number[-2:]
    assert f'selected>张美 · 3年级2班 · ****{tail}</option>' in page


def test_household_picker_shows_the_guardian_id_tail(client, session, login, pupils):
    school = pupils["li"].school
    number = pupil_id_number()
    make_household(session, district=school.district, school_id=school.id, guardian_name="张美",
                   address="东街", guardian_id_number=number)
    session.commit()
    login("school1")
    found = client.get("/studentmodelview/lookup/household?q=张美").get_json()["results"]
    assert [r["text"] for r in found] == [f"张美（东街） · ****{number[-2:]}"]



def test_fabs_own_security_lists_have_the_box(client, session, make_user, login, pupils):
    make_user("admin1", "Admin")
    login("admin1")
    page = client.get("/users/list/?_flt_0_search=teach").get_data(as_text=True)
    assert 'name="_flt_0_search"' in page and "teacher@test.local" in page and "school1@test.local" not in page
    assert [text for text, _url in _chips(page)] == ["快速搜索：teach"]
    page = client.get("/roles/list/").get_data(as_text=True)
    assert 'name="_flt_0_search"' in page
