"""Sessions: idle and absolute limits, cookie flags, and `next` redirects that stay on the site."""
import pytest

from app.security import login as login_module
from app.security.sessions import session_expiry
from tests.conftest import TEST_PASSWORD

pytest_plugins = ["tests.security.login_fixtures"]

LIST = "/studentmodelview/list/"
LOOKUP = "/studentmodelview/lookup/school?q=&page=1"  # what a picker asks while the officer types


def fresh_get(app, client, url):
    """GET in a new app context, as a real server would (the session fixture keeps one open)."""
    with app.app_context():
        return client.get(url)


@pytest.fixture
def signed_in(app, client, session, make_user, fake_clock):
    """A district officer logged in through the form at the fake clock's time."""
    make_user("district", "DistrictOfficer")
    with app.app_context():
        resp = client.post("/login/", data={"username": "district", "password": TEST_PASSWORD})
    assert resp.status_code == 302 and resp.headers["Location"] == "/"
    return client


def _sent_to_login(resp) -> bool:
    """A redirect to the login page."""
    return resp.status_code == 302 and "/login/" in resp.headers["Location"]


def test_thirty_idle_minutes_end_the_session(app, signed_in, fake_clock):
    fake_clock.move(minutes=29)
    assert fresh_get(app, signed_in, LIST).status_code == 200
    fake_clock.move(minutes=31)
    resp = fresh_get(app, signed_in, LIST)
    assert _sent_to_login(resp) and "next=" in resp.headers["Location"]
    page = fresh_get(app, signed_in, resp.headers["Location"]).get_data(as_text=True)
    assert "会话已过期" in page
    assert _sent_to_login(fresh_get(app, signed_in, LIST))


def test_activity_keeps_the_session_until_the_absolute_limit(app, signed_in, fake_clock):
    for _ in range(23):  # 23 × 20 min = 7 h 40 min, never 30 min idle
        fake_clock.move(minutes=20)
        assert fresh_get(app, signed_in, LIST).status_code == 200
    fake_clock.move(minutes=21)  # 8 h 01 min after login
    assert _sent_to_login(fresh_get(app, signed_in, LIST))


def test_api_paths_answer_401_json_when_the_session_expired(app, signed_in, fake_clock):
    fake_clock.move(hours=1)
    resp = fresh_get(app, signed_in, "/api/v1/student/")
    assert resp.status_code == 401 and resp.is_json
    assert resp.get_json()["message"] == "会话已过期，请重新登录。"  # not FAB's own 401 for a missing token


def test_a_session_without_timestamps_is_ended(app, signed_in):
    with signed_in.session_transaction() as sess:
        del sess["zz_login_at"]
    assert _sent_to_login(fresh_get(app, signed_in, LIST))


@pytest.mark.parametrize("login_at, seen_at, now, expected", [
    (0, 0, 1799, None), (0, 0, 1801, "idle"), (0, 28000, 28801, "absolute"),
    (None, 0, 1, "absolute"), (0, None, 1, "absolute"),
])
def test_session_expiry_rule(login_at, seen_at, now, expected):
    assert session_expiry(now, login_at, seen_at, idle_seconds=1800, max_seconds=28800) == expected


def test_session_cookie_is_httponly_lax_and_lives_at_most_eight_hours(app, client, session, make_user):
    make_user("district", "DistrictOfficer")
    resp = client.post("/login/", data={"username": "district", "password": TEST_PASSWORD})
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie
    assert app.config["PERMANENT_SESSION_LIFETIME"].total_seconds() == 8 * 3600
    assert app.config["JWT_ACCESS_TOKEN_EXPIRES"].total_seconds() == 15 * 60


def test_https_cookie_settings(monkeypatch):
    import importlib

    import config

    monkeypatch.setenv("APP_HTTPS", "1")
    try:
        https = importlib.reload(config)
        assert https.SESSION_COOKIE_SECURE and https.REMEMBER_COOKIE_SECURE
        assert https.SESSION_COOKIE_NAME == "__Host-session"
    finally:
        monkeypatch.delenv("APP_HTTPS")
        importlib.reload(config)
    assert not config.SESSION_COOKIE_SECURE and config.SESSION_COOKIE_NAME == "session"


@pytest.mark.parametrize("next_url", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example",
    "javascript:alert(1)", "/\t/evil.example", "http:evil.example", "https://localhost@evil.example/",
])
def test_login_never_redirects_off_the_site(client, session, make_user, next_url):
    make_user("district", "DistrictOfficer")
    resp = client.post("/login/", query_string={"next": next_url},
                       data={"username": "district", "password": TEST_PASSWORD})
    assert resp.status_code == 302 and resp.headers["Location"] == "/"
    again = client.get("/login/", query_string={"next": next_url})
    assert again.headers["Location"] == "/"


def test_a_failed_login_keeps_only_a_safe_next(client, session):
    resp = client.post("/login/", query_string={"next": "//evil.example/"},
                       data={"username": "nobody", "password": "x"})
    assert "evil" not in resp.headers["Location"]


def test_login_follows_a_next_on_this_site(client, session, make_user):
    make_user("district", "DistrictOfficer")
    resp = client.post("/login/", query_string={"next": LIST + "?psize_StudentModelView=50"},
                       data={"username": "district", "password": TEST_PASSWORD})
    assert resp.headers["Location"] == LIST + "?psize_StudentModelView=50"


@pytest.mark.parametrize("url, safe", [
    ("/", True), ("/studentmodelview/list/?_flt_0_name=张", True), ("http://localhost/x", True),
    ("http://localhost.evil.example/x", False), ("", False), (None, False), ("studentmodelview", False),
    ("/x\n", False), ("ftp://localhost/x", False), ("/" + "a" * 3000, False),
])
def test_is_safe_next(app, url, safe):
    with app.test_request_context("/login/"):
        assert login_module.is_safe_next(url) is safe


def test_trusted_hosts_refuse_a_forged_host_and_bound_redirects(app, client, session, make_user, monkeypatch):
    make_user("district", "DistrictOfficer")
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["aid.example.gov.cn"])
    monkeypatch.setitem(app.config, "FAB_SAFE_REDIRECT_HOSTS", ["aid.example.gov.cn"])
    forged = client.get("/login/", headers={"Host": "evil.example"},
                        query_string={"next": "http://evil.example/"})
    assert forged.status_code == 400 and "evil" not in forged.get_data(as_text=True)
    resp = client.post("/login/", base_url="http://aid.example.gov.cn",
                       query_string={"next": "http://aid.example.gov.cn/studentmodelview/list/"},
                       data={"username": "district", "password": TEST_PASSWORD})
    assert resp.headers["Location"] == "http://aid.example.gov.cn/studentmodelview/list/"


def test_a_request_that_changes_nothing_sends_no_session_cookie_back(app, signed_in, fake_clock):
    """A picker's lookup running beside a save must not hand the browser its older copy of the session
    (the save's flashed message was lost that way): activity is noted at most once a minute, and an
    unchanged session is not sent back."""
    fake_clock.move(seconds=5)
    quiet = fresh_get(app, signed_in, LOOKUP)
    assert quiet.status_code == 200 and "Set-Cookie" not in quiet.headers
    fake_clock.move(minutes=2)
    noted = fresh_get(app, signed_in, LOOKUP)
    assert noted.status_code == 200 and "Set-Cookie" in noted.headers  # the activity, once a minute


def test_a_message_flashed_by_a_save_survives_a_request_sent_beside_it(app, signed_in, fake_clock):
    before = signed_in.get_cookie("session").value  # the copy a lookup in flight still carries
    with signed_in.session_transaction() as sess:
        sess["_flashes"] = [("info", "已新增学生：欧阳晨曦")]  # what the save's answer set
    after = signed_in.get_cookie("session").value
    fake_clock.move(seconds=5)
    signed_in.set_cookie("session", before)
    beside = fresh_get(app, signed_in, LOOKUP)  # the lookup, answered after the save
    assert "Set-Cookie" not in beside.headers  # so the browser keeps the save's cookie
    signed_in.set_cookie("session", after)
    assert "已新增学生：欧阳晨曦" in fresh_get(app, signed_in, LIST).get_data(as_text=True)
