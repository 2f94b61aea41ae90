"""District officers manage the accounts of their own district only, and never delete them."""
from app.models import User, UserScope
from tests.conftest import TEST_PASSWORD


def _role_id(app, name):
    return app.appbuilder.sm.find_role(name).id


def _new_user(app, school, **extra):
    data = {"username": "newofficer", "last_name": "王", "first_name": "新", "email": "new@test.local",
            "roles": [str(_role_id(app, "SchoolOfficer"))], "school": str(school.id),
            "class_names": "", "password": "Long-enough-2026"}
    data.update(extra)
    return data


def test_district_officer_creates_a_school_officer_who_can_sign_in(app, as_user, session, world):
    client = as_user("district")
    client.post("/districtusermodelview/add", data=_new_user(app, world.a))
    user = session.query(User).filter_by(username="newofficer").one()
    scope = session.query(UserScope).filter_by(user_id=user.id).one()
    assert (scope.district_id, scope.school_id) == (world.d.id, world.a.id)
    assert user.password.startswith(("scrypt:", "pbkdf2:")) and "Long-enough-2026" not in user.password
    client.get("/logout/")
    resp = client.post("/login/", data={"username": "newofficer", "password": "Long-enough-2026"},
                       follow_redirects=True)
    assert "A学生" in client.get("/studentmodelview/list/").get_data(as_text=True), resp.status_code


def test_no_user_in_another_district_no_admin_no_weak_password(app, as_user, session, world):
    client = as_user("district")
    client.post("/districtusermodelview/add", data=_new_user(app, world.c, username="u1", email="u1@t.l"))
    client.post("/districtusermodelview/add",
                data=_new_user(app, world.a, username="u2", email="u2@t.l", roles=[str(_role_id(app, "Admin"))]))
    page = client.post("/districtusermodelview/add",
                       data=_new_user(app, world.a, username="u3", email="u3@t.l", password="123456"),
                       follow_redirects=True).get_data(
        as_text=True)
    assert session.query(User).filter(User.username.in_(["u1", "u2", "u3"])).count() == 0
    assert "密码" in page


def test_district_officer_lists_only_own_district_users_and_disables_one(app, as_user, session, world,
                                                                         make_user):
    make_user("elsewhere", "SchoolOfficer", school=world.c)
    client = as_user("district")
    page = client.get("/districtusermodelview/list/").get_data(as_text=True)
    assert "school_a" in page and "elsewhere" not in page
    other = session.query(User).filter_by(username="elsewhere").one()
    assert client.get(f"/districtusermodelview/edit/{other.id}").status_code == 404
    target = session.query(User).filter_by(username="school_a").one()
    form = {"last_name": "测试", "first_name": "a", "email": target.email,
            "roles": [str(_role_id(app, "SchoolOfficer"))], "school": str(world.a.id), "class_names": ""}
    client.post(f"/districtusermodelview/edit/{target.id}", data=form)  # 'active' unticked
    session.expire_all()
    assert session.get(User, target.id).active is False
    client.get("/logout/")
    client.post("/login/", data={"username": "school_a", "password": TEST_PASSWORD})
    assert client.get("/studentmodelview/list/").status_code in (302, 401, 403)
    assert client.post(f"/districtusermodelview/delete/{target.id}").status_code in (302, 403, 404, 405)


def test_school_officer_cannot_manage_users(as_user, world):
    client = as_user("school_a")
    assert client.get("/districtusermodelview/list/").status_code in (302, 403)
    assert client.get("/districtusermodelview/add").status_code in (302, 403)
