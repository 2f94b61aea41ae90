"""A user manager sees and changes only the accounts whose roles they may grant, in their own scope."""
import re

import pytest

from app.models import User, UserScope
from tests.conftest import TEST_PASSWORD

PAGE = "/districtusermodelview"


def _role(app, name):
    return app.appbuilder.sm.find_role(name)


def _form(app, user, school, roles=("SchoolOfficer",), active=True, **extra):
    """The district user page's edit form."""
    form = {"last_name": "测试", "first_name": "改", "email": user.email, "class_names": "",
            "school": str(school.id) if school else "", "roles": [str(_role(app, r).id) for r in roles]}
    if active:
        form["active"] = "y"
    form.update(extra)
    return form


def _state(session, username):
    """(active, role names, school id) of a user as stored."""
    session.expire_all()
    user = session.query(User).filter_by(username=username).one()
    scope = session.query(UserScope).filter_by(user_id=user.id).one_or_none()
    return user.active, sorted(r.name for r in user.roles), scope.school_id if scope else None


@pytest.fixture
def above(session, make_user, world):
    """An administrator and an auditor who work in district D, and an administrator with no scope."""
    make_user("admin_d", "Admin", district=world.d)
    make_user("auditor_d", "Auditor", district=world.d)
    make_user("boss", "Admin")
    return {name: session.query(User).filter_by(username=name).one() for name in ("admin_d", "auditor_d", "boss")}


def test_district_officer_does_not_see_admin_or_auditor_accounts_but_sees_staff(as_user, above, world):
    page = as_user("district").get(f"{PAGE}/list/").get_data(as_text=True)
    assert "admin_d" not in page and "auditor_d" not in page and "boss" not in page
    assert "school_a" in page and "teacher_a" in page


@pytest.mark.parametrize("name", ["admin_d", "auditor_d", "boss"])
def test_district_officer_cannot_open_an_admin_or_auditor_account(as_user, above, name):
    client = as_user("district")
    pk = above[name].id
    assert client.get(f"{PAGE}/show/{pk}").status_code == 404
    assert client.get(f"{PAGE}/edit/{pk}").status_code == 404


@pytest.mark.parametrize("name", ["admin_d", "auditor_d"])
def test_district_officer_cannot_disable_or_demote_an_admin_or_auditor(app, session, as_user, above, world, name):
    before = _state(session, name)
    client = as_user("district")
    for active in (False, True):
        resp = client.post(f"{PAGE}/edit/{above[name].id}", data=_form(app, above[name], world.a, active=active))
        assert resp.status_code == 404
    assert _state(session, name) == before
    assert before[0] is True


def test_district_officer_can_still_change_and_disable_a_school_officer(app, session, as_user, world):
    target = session.query(User).filter_by(username="school_a").one()
    client = as_user("district")
    assert client.get(f"{PAGE}/edit/{target.id}").status_code == 200
    client.post(f"{PAGE}/edit/{target.id}",
                data=_form(app, target, world.b, roles=("ClassTeacher",), class_names="3年级1班"))
    assert _state(session, "school_a") == (True, ["ClassTeacher"], world.b.id)
    client.post(f"{PAGE}/edit/{target.id}", data=_form(app, target, world.a, active=False))
    assert _state(session, "school_a")[0] is False


@pytest.mark.parametrize("role", ["Admin", "Auditor"])
def test_district_officer_cannot_raise_anyone_to_admin_or_auditor(app, session, as_user, world, role):
    target = session.query(User).filter_by(username="school_a").one()
    client = as_user("district")
    client.post(f"{PAGE}/edit/{target.id}", data=_form(app, target, world.a, roles=("SchoolOfficer", role)))
    client.post(f"{PAGE}/edit/{target.id}", data=_form(app, target, None, roles=(role,)))
    assert _state(session, "school_a") == (True, ["SchoolOfficer"], world.a.id)
    client.post(f"{PAGE}/add", data=_form(app, target, None, roles=(role,), username="risen",
                                          email="risen@test.local", password="Long-enough-2026"))
    assert session.query(User).filter_by(username="risen").count() == 0


def test_district_officer_cannot_make_a_school_user_a_district_officer(app, session, as_user, world):
    target = session.query(User).filter_by(username="school_a").one()
    client = as_user("district")
    client.post(f"{PAGE}/edit/{target.id}", data=_form(app, target, world.a, roles=("DistrictOfficer",)))
    assert _state(session, "school_a") == (True, ["SchoolOfficer"], world.a.id)


def test_district_officer_may_appoint_a_district_wide_colleague(app, session, as_user, world):
    target = session.query(User).filter_by(username="school_a").one()
    client = as_user("district")
    client.post(f"{PAGE}/edit/{target.id}", data=_form(app, target, None, roles=("DistrictOfficer",)))
    assert _state(session, "school_a") == (True, ["DistrictOfficer"], None)


def test_the_role_picker_offers_only_grantable_roles(app, as_user, world):
    html = as_user("district").get(f"{PAGE}/add").get_data(as_text=True)
    page = re.search(r'<select[^>]*name="roles".*?</select>', html, re.S).group(0)
    for name in ("SchoolOfficer", "ClassTeacher", "Leader", "DistrictOfficer"):
        assert f'value="{_role(app, name).id}"' in page, name
    for name in ("Admin", "Auditor"):
        assert f'value="{_role(app, name).id}"' not in page, name


def test_district_officer_cannot_disable_or_demote_themselves(app, session, as_user, world):
    me = session.query(User).filter_by(username="district").one()
    client = as_user("district")
    url = f"{PAGE}/edit/{me.id}"
    page = client.post(url, data=_form(app, me, None, roles=("DistrictOfficer",), active=False),
                       follow_redirects=True).get_data(as_text=True)
    client.post(url, data=_form(app, me, None, roles=("Leader",)))
    client.post(url, data=_form(app, me, world.a, roles=("SchoolOfficer",)))
    assert _state(session, "district") == (True, ["DistrictOfficer"], None)
    assert "您不能停用自己的账号" in page


def test_district_officer_may_edit_their_own_name(app, session, as_user, world):
    me = session.query(User).filter_by(username="district").one()
    client = as_user("district")
    client.post(f"{PAGE}/edit/{me.id}", data=_form(app, me, None, roles=("DistrictOfficer",), first_name="新名"))
    session.expire_all()
    assert session.get(User, me.id).first_name == "新名"
    assert _state(session, "district") == (True, ["DistrictOfficer"], None)


def test_district_officer_cannot_touch_a_user_of_another_district(app, session, as_user, make_user, world):
    make_user("far", "SchoolOfficer", school=world.c)
    target = session.query(User).filter_by(username="far").one()
    client = as_user("district")
    assert client.get(f"{PAGE}/show/{target.id}").status_code == 404
    assert client.post(f"{PAGE}/edit/{target.id}", data=_form(app, target, world.a, active=False)).status_code == 404
    assert _state(session, "far") == (True, ["SchoolOfficer"], world.c.id)


def test_a_school_wide_manager_manages_only_school_staff_of_its_school(app, session, as_user, make_user, world):
    make_user("school_manager", "DistrictOfficer", school=world.a)
    make_user("other_school", "SchoolOfficer", school=world.b)
    client = as_user("school_manager")
    page = client.get(f"{PAGE}/list/").get_data(as_text=True)
    assert "school_a" in page and "other_school" not in page and "leader" not in page
    target = session.query(User).filter_by(username="school_a").one()
    client.post(f"{PAGE}/edit/{target.id}", data=_form(app, target, world.a, roles=("Leader",)))
    client.post(f"{PAGE}/edit/{target.id}", data=_form(app, target, world.b))
    assert _state(session, "school_a") == (True, ["SchoolOfficer"], world.a.id)
    client.post(f"{PAGE}/edit/{target.id}", data=_form(app, target, world.a, roles=("ClassTeacher",),
                                                       class_names="3年级1班"))
    assert _state(session, "school_a") == (True, ["ClassTeacher"], world.a.id)


@pytest.mark.parametrize("url", ["/users/list/", "/users/show/{pk}", "/users/edit/{pk}", "/roles/list/",
                                 "/resetpassword/form?pk={pk}"])
def test_district_officer_cannot_use_fabs_user_pages(as_user, above, url):
    client = as_user("district")
    assert client.get(url.format(pk=above["boss"].id)).status_code in (302, 403, 404)


def test_district_officer_cannot_reset_or_change_an_admin_through_fab(app, session, client, as_user, above, jwt):
    before = (above["boss"].password, above["boss"].active)
    headers = jwt("district")
    pk = above["boss"].id
    resp = client.put(f"/api/v1/security/users/{pk}", json={"active": False, "password": "Another-phrase-2026"},
                      headers=headers)
    assert resp.status_code in (401, 403, 404)
    assert client.get("/api/v1/security/users/", headers=headers).status_code in (401, 403, 404)
    as_user("district").post(f"/resetpassword/form?pk={pk}",
                             data={"password": "Another-phrase-2026", "conf_password": "Another-phrase-2026"})
    session.expire_all()
    boss = session.get(User, pk)
    assert (boss.password, boss.active) == before


def test_an_administrator_still_manages_accounts_on_fabs_pages(client, above):
    client.post("/login/", data={"username": "boss", "password": TEST_PASSWORD})
    assert client.get(f"/users/edit/{above['admin_d'].id}").status_code == 200
