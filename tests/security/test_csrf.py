"""CSRF: no change without a token, no change by GET, and the APIs refuse the browser cookie."""
import pytest

from app.extensions import db
from app.models import Student
from tests.factories import make_student
from tests.security.login_fixtures import csrf_token, sign_in

pytest_plugins = ["tests.security.login_fixtures"]

CSRF_MESSAGE = "表单已过期或并非来自本网站"


@pytest.fixture
def pupil_id(hardened_app):
    """One pupil in the hardened app's database (no app context is kept open: `g` must not outlive
    a request)."""
    with hardened_app.app_context():
        pupil_id = make_student(db.session).id
        db.session.commit()
    yield pupil_id
    with hardened_app.app_context():
        db.session.query(Student).filter_by(id=pupil_id).delete()
        db.session.commit()


def _pupils(app) -> int:
    """How many pupils exist."""
    with app.app_context():
        return db.session.query(Student).count()


def test_login_without_token_is_refused_with_a_translated_page(hclient):
    resp = hclient.post("/login/", data={"username": "hadmin", "password": "Test-pass-2026!"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 400
    assert CSRF_MESSAGE in body
    assert "CSRF" not in body and "werkzeug" not in body.lower() and "Traceback" not in body


def test_login_with_token_works(hclient):
    sign_in(hclient)
    assert hclient.get("/studentmodelview/list/").status_code == 200


def test_add_without_token_is_refused_and_creates_nothing(hardened_app, hclient, pupil_id):
    sign_in(hclient)
    before = _pupils(hardened_app)
    resp = hclient.post("/studentmodelview/add", data={"name": "王小红", "grade": "3"})
    assert resp.status_code == 400
    assert _pupils(hardened_app) == before


def test_edit_without_token_is_refused_and_changes_nothing(hardened_app, hclient, pupil_id):
    sign_in(hclient)
    resp = hclient.post(f"/studentmodelview/edit/{pupil_id}", data={"name": "改名"})
    assert resp.status_code == 400
    with hardened_app.app_context():
        assert db.session.get(Student, pupil_id).name == "李小明"


def test_delete_without_token_is_refused(hardened_app, hclient, pupil_id):
    sign_in(hclient)
    assert hclient.post(f"/studentmodelview/delete/{pupil_id}").status_code == 400
    with hardened_app.app_context():
        assert db.session.get(Student, pupil_id) is not None


def test_delete_by_get_is_refused(hardened_app, hclient, pupil_id):
    sign_in(hclient)
    resp = hclient.get(f"/studentmodelview/delete/{pupil_id}")
    assert resp.status_code == 302
    with hardened_app.app_context():
        assert db.session.get(Student, pupil_id) is not None


def test_bulk_action_without_token_is_refused(hardened_app, hclient, pupil_id):
    sign_in(hclient)
    resp = hclient.post("/studentmodelview/action_post", data={"action": "muldelete", "rowid": [str(pupil_id)]})
    assert resp.status_code == 400
    with hardened_app.app_context():
        assert db.session.get(Student, pupil_id) is not None


def test_delete_with_token_works(hardened_app, hclient, pupil_id):
    sign_in(hclient)
    token = csrf_token(hclient, "/studentmodelview/list/")
    hclient.post(f"/studentmodelview/delete/{pupil_id}", data={"csrf_token": token})
    with hardened_app.app_context():
        assert db.session.get(Student, pupil_id) is None


def test_user_add_form_without_token_is_refused(hclient):
    sign_in(hclient)
    resp = hclient.post("/users/add", data={"username": "mallory", "first_name": "x", "last_name": "y",
                                            "email": "m@test.local", "password": "a-long-passphrase-2026",
                                            "conf_password": "a-long-passphrase-2026"})
    assert resp.status_code == 400


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_write_api_refuses_the_session_cookie(client, session, make_user, login, method):
    make_user("district", "DistrictOfficer")
    login("district")
    assert client.get("/studentmodelview/list/").status_code == 200  # the cookie is valid
    url = "/api/v1/student/" if method == "post" else "/api/v1/student/1"
    resp = getattr(client, method)(url, json={"name": "王小红"})
    assert resp.status_code == 401


def test_read_api_and_security_api_refuse_the_session_cookie(client, session, make_user, login):
    make_user("boss", "Admin")
    login("boss")
    assert client.get("/api/v1/student/").status_code == 401
    created = client.post("/api/v1/security/users/", json={
        "username": "mallory", "first_name": "M", "last_name": "M", "email": "m@test.local",
        "password": "a-long-passphrase-2026", "active": True, "roles": [1]})
    assert created.status_code == 401
