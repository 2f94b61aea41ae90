"""One place to manage users per role (docs/user-areas.md): the menu of every role links to at most one
user-administration page, ours, and FAB's Security category is gone from the menu."""
import re

import pytest

from tests.conftest import TEST_PASSWORD

OURS = "/districtusermodelview/list/"
# every page where accounts or their roles are handed out: ours, FAB's users and FAB's groups
USER_PAGES = re.compile(r'href="(/districtusermodelview/list/|/users/list/|/groups/list/)[^"]*"')
# role → the user-administration pages its menu offers: exactly ours for those who manage or read users
EXPECTED = {
    "Admin": [OURS],
    "DistrictOfficer": [OURS],
    "Auditor": [OURS],
    "SchoolOfficer": [],
    "ClassTeacher": [],
    "Leader": [],
}


def _navbar(client, username: str) -> str:
    client.post("/login/", data={"username": username, "password": TEST_PASSWORD}, follow_redirects=True)
    html = client.get("/").get_data(as_text=True)
    return re.search(r'<nav class="navbar zz-navbar".*?</nav>', html, re.S).group(0)


@pytest.fixture
def staff(make_user, place):
    """One account of every role, in the place's district and school."""
    district, school = place.school.district, place.school
    make_user("admin1", "Admin")
    make_user("auditor1", "Auditor", district=district)
    make_user("leader1", "Leader", district=district)
    make_user("teacher1", "ClassTeacher", school=school, class_names="3年级1班")
    return {"Admin": "admin1", "DistrictOfficer": "district", "Auditor": "auditor1",
            "SchoolOfficer": "school1", "ClassTeacher": "teacher1", "Leader": "leader1"}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_every_role_has_at_most_one_user_area_in_its_menu(app, staff, role):
    navbar = _navbar(app.test_client(), staff[role])
    assert [m.group(1) for m in USER_PAGES.finditer(navbar)] == EXPECTED[role]


def test_fabs_security_category_is_no_longer_a_menu_of_its_own(app, staff):
    menu = app.appbuilder.menu
    assert menu.find("Security") is None
    names = [item.name for item in menu.find("System").childs]
    assert "List Users" not in names and "List Groups" not in names
    assert "List Roles" in names  # Admin still reads the roles and permissions, under System settings


def test_admin_finds_the_role_pages_under_system_settings(app, staff):
    navbar = _navbar(app.test_client(), "admin1")
    assert 'href="/roles/list/"' in navbar and "用户与权限" not in navbar


def test_a_district_officer_sees_no_fab_security_page_in_the_menu(app, staff):
    navbar = _navbar(app.test_client(), "district")
    assert 'href="/roles/list/"' not in navbar and 'href="/permissions/list/"' not in navbar


def test_the_administrator_manages_district_staff_on_our_page(app, session, staff, place):
    client = app.test_client()
    client.post("/login/", data={"username": "admin1", "password": TEST_PASSWORD})
    page = client.get(OURS).get_data(as_text=True)
    assert "school1" in page and "district" in page
    form = client.get("/districtusermodelview/add").get_data(as_text=True)
    assert 'name="school"' in form and 'name="class_names"' in form  # what FAB's own user form lacks
