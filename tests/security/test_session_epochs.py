"""Logout, a password change and disabling an account end every session and token of that user."""
import threading

import pytest

from app.models import User
from tests.conftest import TEST_PASSWORD

LIST = "/studentmodelview/list/"
MENU = "/api/v1/student/"
NEW_PASSWORD = "Brand-new-phrase-2026"


def _call(app, client, method, url, **kwargs):
    """One request in its own app context, as a real server would serve it."""
    with app.app_context():
        return getattr(client, method)(url, **kwargs)


def _browser(app, username, password=TEST_PASSWORD):
    """A new client signed in through the form."""
    client = app.test_client()
    resp = _call(app, client, "post", "/login/", data={"username": username, "password": password})
    assert resp.status_code == 302 and "/login/" not in resp.headers["Location"], resp.status_code
    return client


def _copy(app, client):
    """A second client carrying a copy of `client`'s session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _tokens(app, username, password=TEST_PASSWORD):
    """An access and a refresh token from the API login."""
    resp = _call(app, app.test_client(), "post", "/api/v1/security/login",
                 json={"username": username, "password": password, "provider": "db", "refresh": True})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    body = resp.get_json()
    return body["access_token"], body["refresh_token"]


def _bearer(token):
    return {"Authorization": f"Bearer {token}"}


def _tokens_work(app, access, refresh) -> tuple[int, int]:
    """Status of an API call with the access token and of a refresh with the refresh token."""
    client = app.test_client()
    used = _call(app, client, "get", MENU, headers=_bearer(access))
    refreshed = _call(app, client, "post", "/api/v1/security/refresh", headers=_bearer(refresh))
    return used.status_code, refreshed.status_code


def _sent_to_login(resp) -> bool:
    return resp.status_code == 302 and "/login/" in resp.headers["Location"]


@pytest.fixture
def staff(session, make_user, world):
    """Two school officers of school A besides the world's users (and an administrator)."""
    make_user("officer1", "SchoolOfficer", school=world.a)
    make_user("officer2", "SchoolOfficer", school=world.a)
    make_user("boss", "Admin")
    return world


def test_a_copied_cookie_works_until_its_owner_logs_out(app, staff):
    owner = _browser(app, "officer1")
    thief = _copy(app, owner)
    assert _call(app, thief, "get", LIST).status_code == 200
    _call(app, owner, "get", "/logout/")
    resp = _call(app, thief, "get", LIST)
    assert _sent_to_login(resp)
    assert _call(app, thief, "get", MENU).status_code in (401, 302)


def test_the_login_page_says_the_session_ended(app, staff):
    owner = _browser(app, "officer1")
    thief = _copy(app, owner)
    _call(app, owner, "get", "/logout/")
    resp = _call(app, thief, "get", LIST)
    page = _call(app, thief, "get", resp.headers["Location"]).get_data(as_text=True)
    assert "会话已结束" in page


def test_logout_keeps_other_users_sessions_and_tokens(app, staff):
    other = _browser(app, "officer2")
    access, refresh = _tokens(app, "officer2")
    owner = _browser(app, "officer1")
    _call(app, owner, "get", "/logout/")
    assert _call(app, other, "get", LIST).status_code == 200
    assert _tokens_work(app, access, refresh) == (200, 200)


def test_logout_ends_the_users_tokens_too(app, staff):
    access, refresh = _tokens(app, "officer1")
    assert _tokens_work(app, access, refresh) == (200, 200)
    owner = _browser(app, "officer1")
    _call(app, owner, "get", "/logout/")
    assert _tokens_work(app, access, refresh) == (401, 401)


def test_a_dead_token_answers_401_with_a_message(app, staff):
    access, _refresh = _tokens(app, "officer1")
    _call(app, _browser(app, "officer1"), "get", "/logout/")
    resp = _call(app, app.test_client(), "get", MENU, headers=_bearer(access))
    assert resp.status_code == 401 and resp.get_json()["message"]


def test_signing_in_again_after_logout_works(app, staff):
    owner = _browser(app, "officer1")
    _call(app, owner, "get", "/logout/")
    again = _browser(app, "officer1")
    assert _call(app, again, "get", LIST).status_code == 200
    access, refresh = _tokens(app, "officer1")
    assert _tokens_work(app, access, refresh) == (200, 200)


def test_changing_ones_own_password_ends_every_session_and_token(app, staff):
    access, refresh = _tokens(app, "officer1")
    elsewhere = _browser(app, "officer1")
    owner = _browser(app, "officer1")
    resp = _call(app, owner, "post", "/resetmypassword/form",
                 data={"password": NEW_PASSWORD, "conf_password": NEW_PASSWORD})
    assert resp.status_code == 302
    assert _tokens_work(app, access, refresh) == (401, 401)
    assert _sent_to_login(_call(app, elsewhere, "get", LIST))
    fresh = _browser(app, "officer1", NEW_PASSWORD)
    assert _call(app, fresh, "get", LIST).status_code == 200


def test_a_refused_password_change_keeps_the_sessions(app, staff):
    access, refresh = _tokens(app, "officer1")
    owner = _browser(app, "officer1")
    _call(app, owner, "post", "/resetmypassword/form", data={"password": "123", "conf_password": "123"})
    assert _tokens_work(app, access, refresh) == (200, 200)
    assert _call(app, owner, "get", LIST).status_code == 200


def test_an_administrator_resetting_a_password_ends_that_users_sessions_only(app, session, staff):
    target = session.query(User).filter_by(username="officer1").one()
    access, refresh = _tokens(app, "officer1")
    victim = _browser(app, "officer1")
    bystander = _browser(app, "officer2")
    admin = _browser(app, "boss")
    resp = _call(app, admin, "post", f"/resetpassword/form?pk={target.id}",
                 data={"password": NEW_PASSWORD, "conf_password": NEW_PASSWORD})
    assert resp.status_code == 302
    assert _tokens_work(app, access, refresh) == (401, 401)
    assert _sent_to_login(_call(app, victim, "get", LIST))
    assert _call(app, bystander, "get", LIST).status_code == 200
    assert _call(app, admin, "get", "/users/list/").status_code == 200


def test_a_password_set_through_the_user_api_ends_that_users_tokens(app, session, staff):
    target = session.query(User).filter_by(username="officer1").one()
    access, refresh = _tokens(app, "officer1")
    admin_access, _ = _tokens(app, "boss")
    resp = _call(app, app.test_client(), "put", f"/api/v1/security/users/{target.id}",
                 json={"password": NEW_PASSWORD}, headers=_bearer(admin_access))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert _tokens_work(app, access, refresh) == (401, 401)
    assert _call(app, app.test_client(), "get", MENU, headers=_bearer(admin_access)).status_code == 200


def test_an_unchanged_user_api_edit_keeps_the_tokens(app, session, staff):
    target = session.query(User).filter_by(username="officer1").one()
    access, refresh = _tokens(app, "officer1")
    admin_access, _ = _tokens(app, "boss")
    resp = _call(app, app.test_client(), "put", f"/api/v1/security/users/{target.id}",
                 json={"first_name": "改名"}, headers=_bearer(admin_access))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert _tokens_work(app, access, refresh) == (200, 200)


def _district_form(app, user, world, active):
    """The district user page's edit form for a school officer of school A."""
    form = {"last_name": "测试", "first_name": "a", "email": user.email, "school": str(world.a.id),
            "roles": [str(app.appbuilder.sm.find_role("SchoolOfficer").id)], "class_names": ""}
    if active:
        form["active"] = "y"
    return form


def test_disabling_an_account_ends_its_sessions_even_after_it_is_enabled_again(app, session, staff):
    target = session.query(User).filter_by(username="officer1").one()
    access, refresh = _tokens(app, "officer1")
    victim = _browser(app, "officer1")
    district = _browser(app, "district")
    url = f"/districtusermodelview/edit/{target.id}"
    _call(app, district, "post", url, data=_district_form(app, target, staff, active=False))
    _call(app, district, "post", url, data=_district_form(app, target, staff, active=True))
    session.expire_all()
    assert session.get(User, target.id).active is True
    assert _tokens_work(app, access, refresh) == (401, 401)
    assert _sent_to_login(_call(app, victim, "get", LIST))
    assert _call(app, district, "get", LIST).status_code == 200


def test_editing_an_account_without_disabling_it_keeps_its_sessions(app, session, staff):
    target = session.query(User).filter_by(username="officer1").one()
    access, refresh = _tokens(app, "officer1")
    victim = _browser(app, "officer1")
    district = _browser(app, "district")
    _call(app, district, "post", f"/districtusermodelview/edit/{target.id}",
          data=_district_form(app, target, staff, active=True))
    assert _tokens_work(app, access, refresh) == (200, 200)
    assert _call(app, victim, "get", LIST).status_code == 200


def test_an_administrator_disabling_an_account_on_fabs_page_ends_its_tokens(app, session, staff):
    target = session.query(User).filter_by(username="officer1").one()
    access, refresh = _tokens(app, "officer1")
    bystander = _tokens(app, "officer2")
    admin = _browser(app, "boss")
    form = {"first_name": target.first_name, "last_name": target.last_name, "username": target.username,
            "email": target.email, "roles": [str(app.appbuilder.sm.find_role("SchoolOfficer").id)]}
    resp = _call(app, admin, "post", f"/users/edit/{target.id}", data=form)  # 'active' unticked
    assert resp.status_code == 302
    session.expire_all()
    assert session.get(User, target.id).active is False
    assert _tokens_work(app, access, refresh) == (401, 401)
    assert _tokens_work(app, *bystander) == (200, 200)


def test_a_password_reset_from_the_command_line_ends_the_users_tokens(app, session, staff):
    target = session.query(User).filter_by(username="officer1").one()
    access, refresh = _tokens(app, "officer1")
    bystander = _tokens(app, "officer2")
    app.appbuilder.sm.reset_password(target.id, NEW_PASSWORD)  # what `flask fab reset-password` calls
    assert _tokens_work(app, access, refresh) == (401, 401)
    assert _tokens_work(app, *bystander) == (200, 200)


def test_concurrent_logouts_each_raise_the_epoch_once(app, session, staff):
    from app.extensions import db
    from app.security.epochs import current_epoch, raise_epoch

    user_id = session.query(User).filter_by(username="officer1").one().id
    workers, barrier, failures = 8, threading.Barrier(8, timeout=30), []

    def logout():
        with app.app_context():
            try:
                barrier.wait()
                raise_epoch(db.session.connection(), user_id)
                db.session.commit()
            except Exception as error:  # noqa: BLE001 (collected and asserted below)
                failures.append(error)

    threads = [threading.Thread(target=logout) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads) and failures == []
    session.expire_all()
    assert current_epoch(session, user_id) == workers


def test_a_session_without_an_epoch_stamp_is_ended(app, staff):
    owner = _browser(app, "officer1")
    assert _call(app, owner, "get", LIST).status_code == 200
    with owner.session_transaction() as stored:
        del stored["zz_epoch"]
    assert _sent_to_login(_call(app, owner, "get", LIST))
