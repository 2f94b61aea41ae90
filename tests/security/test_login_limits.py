"""Login rate limits per client IP, for the form and the API alike (app with limits enabled)."""
from tests.conftest import TEST_PASSWORD
from tests.security.login_fixtures import csrf_token

pytest_plugins = ["tests.security.login_fixtures"]

IP_A = {"REMOTE_ADDR": "10.0.0.1"}
IP_B = {"REMOTE_ADDR": "10.0.0.2"}
TOO_MANY = "尝试次数过多"


def _form(client, token, username="nobody", password="wrong-pass-2026", environ=IP_A):
    """One login form POST with a valid CSRF token."""
    return client.post("/login/", data={"username": username, "password": password, "csrf_token": token},
                       environ_base=environ)


def _api(client, password="wrong-pass-2026", environ=IP_A, headers=None):
    """One API login."""
    return client.post("/api/v1/security/login", environ_base=environ, headers=headers or {},
                       json={"username": "nobody", "password": password, "provider": "db"})


def test_the_eleventh_form_login_from_one_ip_is_refused(hardened_app, hclient):
    token = csrf_token(hclient)
    for _ in range(10):
        assert _form(hclient, token, environ=IP_A).status_code == 302
    refused = _form(hclient, token, environ=IP_A)
    assert refused.status_code == 429
    assert TOO_MANY in refused.get_data(as_text=True)
    assert "no-store" in refused.headers["Cache-Control"]


def test_another_ip_can_still_log_in_through_the_form(hardened_app, hclient):
    token = csrf_token(hclient)
    for _ in range(11):
        _form(hclient, token, environ=IP_A)
    assert _form(hclient, token, environ=IP_A).status_code == 429
    ok = _form(hclient, token, username="hadmin", password=TEST_PASSWORD, environ=IP_B)
    assert ok.status_code == 302 and "/login" not in ok.headers["Location"]


def test_the_eleventh_api_login_from_one_ip_is_refused(hardened_app, hclient):
    for _ in range(10):
        assert _api(hclient, environ=IP_A).status_code == 401
    refused = _api(hclient, environ=IP_A)
    assert refused.status_code == 429
    assert TOO_MANY in refused.get_json()["message"]
    assert _api(hclient, environ=IP_B).status_code == 401


def test_form_and_api_limits_do_not_block_pages(hardened_app, hclient):
    for _ in range(12):
        _api(hclient, environ=IP_A)
    assert hclient.get("/login/", environ_base=IP_A).status_code == 200


def test_a_forged_forwarded_for_header_does_not_change_the_client_ip(hardened_app, hclient):
    for n in range(10):
        _api(hclient, environ=IP_A, headers={"X-Forwarded-For": f"192.0.2.{n}"})
    assert _api(hclient, environ=IP_A, headers={"X-Forwarded-For": "192.0.2.99"}).status_code == 429


def test_token_refresh_is_not_counted_as_a_login(hardened_app, hclient):
    resp = hclient.post("/api/v1/security/login", environ_base=IP_A, json={
        "username": "hadmin", "password": TEST_PASSWORD, "provider": "db", "refresh": True})
    refresh = {"Authorization": "Bearer " + resp.get_json()["refresh_token"]}
    for _ in range(12):
        assert hclient.post("/api/v1/security/refresh", headers=refresh, environ_base=IP_A).status_code == 200
    assert _api(hclient, environ=IP_A).status_code == 401
