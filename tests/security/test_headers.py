"""Security headers on every answer: CSP with a nonce, no framing, nosniff, no-store; no library names."""
import re

import pytest

from app.security.hardening import hide_database_errors

LIST = "/studentmodelview/list/"


@pytest.fixture
def district(client, session, make_user, login):
    """The test client logged in as a district officer."""
    make_user("district", "DistrictOfficer")
    login("district")
    return client


def _csp(resp) -> dict[str, str]:
    """The Content-Security-Policy as {directive: sources}."""
    parts = (part.strip().split(" ", 1) for part in resp.headers["Content-Security-Policy"].split(";"))
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


@pytest.mark.parametrize("url", ["/login/", LIST])
def test_pages_carry_a_csp_whose_nonce_is_on_every_script(app, district, url):
    with app.app_context():
        resp = district.get(url) if url != "/login/" else app.test_client().get(url)
    assert resp.status_code == 200
    csp = _csp(resp)
    nonce = re.search(r"'nonce-([^']+)'", csp["script-src"]).group(1)
    assert csp["default-src"] == "'self'" and "'unsafe-inline'" not in csp["script-src"]
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
    scripts = re.findall(r"<script\b[^>]*>", resp.get_data(as_text=True))
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts), scripts


def test_each_response_gets_a_new_nonce(app):
    with app.app_context():
        first = _csp(app.test_client().get("/login/"))["script-src"]
    with app.app_context():
        second = _csp(app.test_client().get("/login/"))["script-src"]
    assert first != second


def test_pages_with_personal_data_are_never_stored(district):
    resp = district.get(LIST)
    assert resp.headers["Cache-Control"] == "no-store"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["Referrer-Policy"] == "same-origin"


def test_json_answers_are_never_stored(district):
    resp = district.get("/api/v1/student/")
    assert resp.headers["Cache-Control"] == "no-store" and resp.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("url", ["/static/css/zizhu.css", "/static/appbuilder/css/ab.css"])
def test_static_assets_stay_cacheable(client, url):
    resp = client.get(url)
    assert resp.status_code == 200
    assert "no-store" not in resp.headers.get("Cache-Control", "")
    assert resp.headers.get("ETag") or resp.headers.get("Last-Modified")
    assert resp.headers["X-Content-Type-Options"] == "nosniff"


def test_hsts_only_over_https(app, client, monkeypatch):
    assert "Strict-Transport-Security" not in client.get("/login/").headers
    monkeypatch.setitem(app.config, "APP_HTTPS", True)
    assert client.get("/login/").headers["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.parametrize("url, status", [("/login/", 200), ("/no/such/page", 404), ("/api/v1/nothing/", 404)])
def test_no_library_names_in_answers(client, url, status):
    resp = client.get(url)
    assert resp.status_code == status
    text = (resp.get_data(as_text=True) + str(resp.headers)).lower()  # the app's own headers only
    for word in ("werkzeug", "python/", "traceback", "sqlalchemy"):
        assert word not in text


def test_database_errors_are_not_shown_to_api_clients(app):
    with app.test_request_context("/api/v1/security/users/"):
        leaky = app.response_class(
            '{"message": "Database exception occurred: (sqlite3.IntegrityError) UNIQUE constraint failed"}',
            status=422, mimetype="application/json")
        body = hide_database_errors(leaky).get_data(as_text=True)
    assert "IntegrityError" not in body and "UNIQUE" not in body and "message" in body


def test_duplicate_user_through_the_api_shows_no_sql(client, session, make_user, jwt):
    make_user("boss", "Admin")
    headers = jwt("boss")
    body = {"username": "boss", "first_name": "B", "last_name": "B", "email": "boss2@test.local",
            "password": "a-long-passphrase-2026", "active": True, "roles": [1]}
    resp = client.post("/api/v1/security/users/", json=body, headers=headers)
    assert resp.status_code in (400, 409, 422)
    text = resp.get_data(as_text=True)
    assert "sqlite" not in text.lower() and "psycopg" not in text.lower() and "UNIQUE" not in text
