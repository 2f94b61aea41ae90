"""Every signed-in user sees their own account page and may change their own password."""
import pytest


@pytest.mark.parametrize("role", ["SchoolOfficer", "ClassTeacher", "Leader", "Auditor", "DistrictOfficer"])
def test_every_role_sees_its_own_account_and_password_form(client, make_user, login, role, district_school):
    make_user("self_" + role.lower(), role, school=district_school)
    client.get("/logout/")
    login("self_" + role.lower())
    page = client.get("/users/userinfo/")
    assert page.status_code == 200, page.status_code
    assert f"self_{role.lower()}@test.local" in page.get_data(as_text=True)
    assert client.get("/resetmypassword/form").status_code == 200


def test_a_school_officer_still_cannot_list_users(client, make_user, login, district_school):
    make_user("plain", "SchoolOfficer", school=district_school)
    client.get("/logout/")
    login("plain")
    assert client.get("/users/list/").status_code in (302, 403)
