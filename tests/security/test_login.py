"""Logins: one answer for every failure, per-account back-off, audit entries, demo accounts in production."""
from datetime import datetime

import pytest

from app import create_app
from app.security import audit, login, manager
from tests.conftest import TEST_PASSWORD

pytest_plugins = ["tests.security.login_fixtures"]

WRONG = "Wrong-pass-2026!"


@pytest.fixture
def audited(monkeypatch):
    """Every audit.record call of the request, as (action, keyword arguments); the actor's name as
    `username`."""
    calls = []
    monkeypatch.setattr(audit, "record", lambda ctx, action, **kw: calls.append(
        (action, {**kw, **({"username": ctx.actor.username} if ctx.actor.username else {})})))
    return calls


def form_login(client, username, password=TEST_PASSWORD, next_url=None):
    """POST the login form (not followed); returns (status, Location, flashed messages)."""
    url = "/login/" + (f"?next={next_url}" if next_url else "")
    resp = client.post(url, data={"username": username, "password": password})
    with client.session_transaction() as sess:
        flashes = sess.pop("_flashes", [])
    client.get("/logout/")
    return resp.status_code, resp.headers.get("Location"), flashes


def api_login(client, username, password=TEST_PASSWORD):
    """POST the API login; returns (status, JSON body)."""
    resp = client.post("/api/v1/security/login",
                       json={"username": username, "password": password, "provider": "db"})
    return resp.status_code, resp.get_json()


@pytest.fixture
def accounts(app, session, make_user):
    """An active and a disabled user."""
    make_user("teacher1", "ClassTeacher")
    disabled = make_user("gone", "ClassTeacher")
    disabled.active = False
    session.commit()


def test_unknown_user_wrong_password_and_disabled_user_get_the_same_form_answer(client, accounts):
    answers = [form_login(client, "nobody"), form_login(client, "teacher1", WRONG),
               form_login(client, "gone")]
    assert answers[0][0] == 302 and "/login/" in answers[0][1]
    assert answers[0][2] == [("warning", "用户名或密码错误，请重试。")]
    assert answers[0] == answers[1] == answers[2]
    assert form_login(client, "teacher1")[1] == "/"


def test_unknown_user_wrong_password_and_disabled_user_get_the_same_api_answer(client, accounts):
    answers = [api_login(client, "nobody"), api_login(client, "teacher1", WRONG), api_login(client, "gone")]
    assert answers[0][0] == 401
    assert answers[0] == answers[1] == answers[2]
    assert api_login(client, "teacher1")[0] == 200


def test_every_kind_of_attempt_checks_one_password_hash(app, client, accounts, monkeypatch):
    method = app.config["FAB_PASSWORD_HASH_METHOD"].split(":")[0]
    checked = []
    real = manager.check_password_hash
    monkeypatch.setattr(manager, "check_password_hash",
                        lambda h, p: checked.append(h.split(":")[0]) or real(h, p))
    for username, password in (("nobody", WRONG), ("teacher1", WRONG), ("gone", TEST_PASSWORD),
                               ("teacher1", TEST_PASSWORD)):
        checked.clear()
        api_login(client, username, password)
        assert checked == [method], username  # the fake hash uses the configured method too


def test_fake_hash_uses_the_method_of_stored_hashes(app, accounts):
    stored = app.appbuilder.sm.find_user(username="teacher1").password
    fake = app.config["AUTH_DB_FAKE_PASSWORD_HASH_CHECK"]
    assert fake.split("$")[0] == stored.split("$")[0]
    assert stored.startswith(app.config["FAB_PASSWORD_HASH_METHOD"].split(":")[0] + ":")


def test_fake_hash_follows_a_changed_hash_method():
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "s" * 40,
                      "FAB_PASSWORD_HASH_METHOD": "pbkdf2:sha256:600000"})
    assert app.config["AUTH_DB_FAKE_PASSWORD_HASH_CHECK"].startswith("pbkdf2:sha256:600000$")


def test_five_failures_slow_the_account_down_even_for_the_right_password(client, accounts, fake_clock):
    for _ in range(5):
        assert api_login(client, "teacher1", WRONG)[0] == 401
    refused = form_login(client, "teacher1")
    assert refused == form_login(client, "nobody")
    assert api_login(client, "teacher1")[0] == 401
    fake_clock.move(seconds=59)
    assert api_login(client, "teacher1")[0] == 401
    fake_clock.move(seconds=2)
    assert api_login(client, "teacher1")[0] == 200


def test_the_back_off_grows_and_a_success_resets_it(app, client, accounts, fake_clock):
    for _ in range(5):
        api_login(client, "teacher1", WRONG)
    fake_clock.move(minutes=1, seconds=1)
    assert api_login(client, "teacher1", WRONG)[0] == 401  # sixth failure: two minutes now
    fake_clock.move(minutes=1, seconds=30)
    assert api_login(client, "teacher1")[0] == 401
    fake_clock.move(seconds=31)
    assert api_login(client, "teacher1")[0] == 200
    assert app.appbuilder.sm.find_user(username="teacher1").fail_login_count == 0
    assert api_login(client, "teacher1", WRONG)[0] == 401
    assert api_login(client, "teacher1")[0] == 200  # one failure after a reset is not throttled


def test_refused_attempts_during_the_window_do_not_extend_it(client, accounts, fake_clock):
    for _ in range(5):
        api_login(client, "teacher1", WRONG)
    for _ in range(10):
        fake_clock.move(seconds=5)
        api_login(client, "teacher1", WRONG)
    fake_clock.move(seconds=11)
    assert api_login(client, "teacher1")[0] == 200


@pytest.mark.parametrize("failures, window", [(4, None), (5, 60), (6, 120), (7, 240), (9, 900), (40, 900)])
def test_lockout_window_doubles_up_to_fifteen_minutes(failures, window):
    last = datetime(2026, 3, 2, 9, 0)
    until = login.lockout_until(failures, last, after=5, base_seconds=60, max_seconds=900)
    assert (until - last).total_seconds() == window if window else until is None


def test_logins_logouts_and_failures_are_audited(client, accounts, audited):
    api_login(client, "x" * 100, WRONG)
    api_login(client, "teacher1", WRONG)
    client.post("/login/", data={"username": "teacher1", "password": TEST_PASSWORD})
    client.get("/logout/")
    actions = [(action, kw.get("username"), kw.get("detail")) for action, kw in audited]
    assert actions == [
        ("login_failed", "x" * 64, "unknown user"),
        ("login_failed", "teacher1", "wrong password"),
        ("login", "teacher1", None),
        ("logout", "teacher1", None),
    ]
    assert all(kw.get("commit") for _action, kw in audited)


def test_a_forbidden_page_is_audited_as_a_denial(client, session, make_user, login, audited):
    make_user("teacher1", "ClassTeacher")
    login("teacher1")
    audited.clear()
    assert client.get("/users/list/").status_code == 403
    assert ("denied", "/users/list/", True) in [(a, kw["detail"], kw["commit"]) for a, kw in audited if a == "denied"]


def test_a_forbidden_api_call_with_a_token_is_audited_as_a_denial(client, accounts, audited, jwt):
    resp = client.get("/api/v1/security/users/", headers=jwt("teacher1"))
    assert resp.status_code == 403
    denials = [(kw["detail"], kw["commit"]) for action, kw in audited if action == "denied"]
    assert ("/api/v1/security/users/", True) in denials


@pytest.fixture
def demo_user(session, make_user):
    """A user with the demo generator's e-mail domain."""
    user = make_user("school1", "SchoolOfficer")
    user.email = "school1" + manager.DEMO_EMAIL_SUFFIX
    session.commit()
    return user


def test_demo_accounts_cannot_log_in_in_production(app, client, demo_user, accounts, monkeypatch):
    from app.demo.users import EMAIL_DOMAIN

    assert manager.DEMO_EMAIL_SUFFIX == "@" + EMAIL_DOMAIN
    assert api_login(client, "school1")[0] == 200
    monkeypatch.setitem(app.config, "APP_ENV", "production")
    assert form_login(client, "school1") == form_login(client, "nobody")
    assert api_login(client, "school1") == api_login(client, "nobody")
    assert api_login(client, "teacher1")[0] == 200


def test_a_demo_session_ends_when_production_starts(app, client, demo_user, login, monkeypatch):
    login("school1")
    assert client.get("/studentmodelview/list/").status_code == 200
    monkeypatch.setitem(app.config, "APP_ENV", "production")
    with app.app_context():  # a fresh `g`: the session fixture's would keep the loaded user
        resp = client.get("/studentmodelview/list/")
    assert resp.status_code == 302 and "/login/" in resp.headers["Location"]


@pytest.mark.parametrize("key", [None, "", "too-short"])
def test_production_refuses_to_start_without_a_real_secret_key(key):
    with pytest.raises(RuntimeError, match="APP_SECRET_KEY"):
        create_app({"APP_ENV": "production", "SECRET_KEY": key})

