"""Fixtures: one migrated, initialised database per session (SQLite, or APP_TEST_DATABASE_URL)."""
import os
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, select, text

from app import create_app
from app.clock import SYSTEM
from app.extensions import db as _db

pytest_plugins = ["tests.place"]  # the identification `place` fixture, for every test package

TEST_PASSWORD = "Test-pass-2026!"
_SEEDED: dict = {}  # the rows `aid init` seeds into business tables, taken on the first clean of a day
KEEP_TABLES = {"alembic_version", "ab_permission", "ab_view_menu", "ab_permission_view",
               "ab_role", "ab_permission_view_role"}


def _database_url(tmp_path_factory) -> str:
    """APP_TEST_DATABASE_URL when set (PostgreSQL in CI), else a fresh SQLite file."""
    url = os.environ.get("APP_TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def _drop_everything(url: str) -> None:
    """Start PostgreSQL runs from an empty schema, whatever a previous run left."""
    if not url.startswith("postgresql"):
        return
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """The app on a database upgraded by the migrations and set up by `aid init`."""
    from flask_migrate import upgrade

    from app.seeding import init_all

    url = _database_url(tmp_path_factory)
    _drop_everything(url)
    application = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "WTF_CSRF_ENABLED": False,
        "SECRET_KEY": "test-secret-key-long-enough-for-hs256-jwt",
        "RATELIMIT_ENABLED": False,
        # a cheap hash keeps hundreds of test logins fast; production uses scrypt (config.py)
        "FAB_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # jobs run at once in the calling thread; tests/jobs/ also drive a real worker
        "JOBS_QUEUE_URL": "immediate://",
        "JOBS_DIR": str(tmp_path_factory.mktemp("jobs")),
        "WORKBENCH_CACHE_SECONDS": 0,  # counts must follow each test's data
    })
    with application.app_context():
        upgrade()
        init_all(application.appbuilder, _db.session, SYSTEM.today())
    yield application
    with application.app_context():
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def clock(app):
    """The app's clock standing still at 09:00 China time today, until the test moves it
    (`clock.move(days=1)`, `clock.set_day(day)`); the real clock again afterwards."""
    from app.clock import EXTENSION, FixedClock, day_start

    fixed = FixedClock(day_start(SYSTEM.today()) + timedelta(hours=9))
    app.extensions[EXTENSION] = fixed
    yield fixed
    app.extensions.pop(EXTENSION, None)


@pytest.fixture
def session(app):
    """The app's SQLAlchemy session; every row a test wrote is removed afterwards."""
    with app.app_context():
        yield _db.session
        _db.session.rollback()
        _clean(app)


def _clean(app) -> None:
    """Delete business rows and users, then restore the data `aid init` seeds (roles are kept)."""
    clean_database(SYSTEM.today())


def clean_database(today) -> None:
    """Empty every business table and the users; re-seed code lists, aid items, bank file layouts and the
    calendar.

    Roles and permissions are kept, so the slow permission sync of `aid init` is not needed. The
    seed's rows are taken once per day and put back with one INSERT per table afterwards (the
    seed's own row-by-row upserts took most of the time between two tests).
    """
    from app.models import Model
    from app.seeding import seed_aid_items, seed_bank_layouts, seed_calendar, seed_code_lists

    empty_audit_trail()
    tables = [t for t in Model.metadata.sorted_tables if t.name not in KEEP_TABLES | set(GUARDED_TABLES)]
    for table in reversed(tables):
        _db.session.execute(table.delete())
    if _SEEDED.get("day") == today:
        for table in tables:
            if _SEEDED["rows"].get(table.name):
                _db.session.execute(table.insert(), _SEEDED["rows"][table.name])
    else:
        _db.session.commit()
        seed_code_lists(_db.session)
        seed_aid_items(_db.session)
        seed_bank_layouts(_db.session)
        seed_calendar(_db.session, today)
        _db.session.flush()
        _SEEDED.update(day=today, rows={t.name: [dict(r._mapping) for r in _db.session.execute(select(t))]
                                        for t in tables})
    _db.session.commit()
    empty_audit_trail()
    _db.session.commit()


GUARDED_TABLES = ("audit_event", "distribution_line", "distribution", "canteen_meal_record", "ledger_line",
                  "ledger_entry", "bank_file", "bank_return", "disbursement_line", "disbursement_batch", "entitlement")


def empty_audit_trail() -> None:
    """Empty the append-only tables (the audit trail, the ledger, the payment lines and batches) past
    their triggers, inside the cleaning transaction, in an order their foreign keys accept.

    PostgreSQL: the triggers are switched off for this transaction only (ALTER TABLE is
    transactional). SQLite: the triggers are dropped and re-created from their stored SQL.
    """
    conn = _db.session.connection()
    if conn.dialect.name == "postgresql":
        for table in GUARDED_TABLES:
            conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
            conn.execute(text(f"DELETE FROM {table}"))
            conn.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
        return
    for table in GUARDED_TABLES:
        triggers = conn.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :table"
        ), {"table": table}).all()
        for name, _sql in triggers:
            conn.execute(text(f"DROP TRIGGER {name}"))
        conn.execute(text(f"DELETE FROM {table}"))
        for _name, sql in triggers:
            conn.execute(text(sql))


@pytest.fixture
def client(app, session):
    """A test client on a clean database."""
    return app.test_client()


@pytest.fixture
def make_user(app, session):
    """Create a user with a role (and scope): make_user("school1", "SchoolOfficer", school=s)."""
    from app.models import UserScope

    def _make(username, role, *, district=None, school=None, class_names=None):
        sm = app.appbuilder.sm
        user = sm.add_user(username, "测试", username, f"{username}@test.local",
                           sm.find_role(role), password=TEST_PASSWORD)
        assert user, f"could not create {username}"
        if district or school:
            session.add(UserScope(
                user_id=user.id, district_id=(district or school.district).id,
                school_id=school.id if school else None, class_names=class_names,
            ))
            session.commit()
        return user

    return _make


@pytest.fixture
def login(client):
    """Log the test client in through the form: login("district")."""

    def _login(username, password=TEST_PASSWORD):
        return client.post("/login/", data={"username": username, "password": password},
                           follow_redirects=True)

    return _login


@pytest.fixture
def jwt(client):
    """Authorization headers of a user signed in through the REST API: jwt("school1")."""

    def _headers(username, password=TEST_PASSWORD):
        resp = client.post("/api/v1/security/login",
                           json={"username": username, "password": password, "provider": "db"})
        assert resp.status_code == 200, resp.get_data(as_text=True)
        return {"Authorization": "Bearer " + resp.get_json()["access_token"]}

    return _headers


@pytest.fixture
def district_school(session, make_user, login):
    """A school whose district officer (`district`) is signed in on the test client."""
    from tests.factories import make_school

    school = make_school(session)
    session.commit()
    make_user("district", "DistrictOfficer", district=school.district)
    login("district")
    return school
