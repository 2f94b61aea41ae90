"""Login test fixtures: an app with CSRF and limits on (own SQLite file), a settable clock, helpers."""
import re
from datetime import datetime

import pytest

from app.clock import SYSTEM
from tests.conftest import TEST_PASSWORD

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture(scope="module")
def hardened_app(tmp_path_factory):
    """create_app with CSRF and rate limits enabled, migrated and initialised, with one admin."""
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.seeding import init_all

    url = f"sqlite:///{tmp_path_factory.mktemp('hardened') / 'hardened.db'}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "h" * 40,
                      "WTF_CSRF_ENABLED": True, "RATELIMIT_ENABLED": True,
                      "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        upgrade()
        init_all(app.appbuilder, db.session, SYSTEM.today())
        sm = app.appbuilder.sm
        sm.add_user("hadmin", "管理员", "测试", "hadmin@test.local", sm.find_role("Admin"),
                    password=TEST_PASSWORD)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def hclient(hardened_app):
    """A client of the hardened app, with the login limits reset."""
    hardened_app.appbuilder.sm.limiter.reset()
    return hardened_app.test_client()


def csrf_token(client, path: str = "/login/") -> str:
    """The CSRF token of the form rendered at `path`."""
    match = _TOKEN.search(client.get(path).get_data(as_text=True))
    assert match, f"no csrf_token on {path}"
    return match.group(1)


def sign_in(client, username: str = "hadmin", password: str = TEST_PASSWORD):
    """Log in through the form with a valid CSRF token."""
    token = csrf_token(client)
    resp = client.post("/login/", data={"username": username, "password": password, "csrf_token": token})
    assert resp.status_code == 302 and "/login" not in resp.headers["Location"], resp.status_code
    return resp


@pytest.fixture
def fake_clock(request):
    """The app's clock (app/clock.py), standing still until the test moves it; on whichever app the
    test uses."""
    from app.clock import EXTENSION, FixedClock

    fake = FixedClock(datetime(2026, 3, 2, 9, 0))
    apps = [request.getfixturevalue(name) for name in ("hardened_app", "app") if name in request.fixturenames]
    for application in apps:
        application.extensions[EXTENSION] = fake
    yield fake
    for application in apps:
        application.extensions.pop(EXTENSION, None)
