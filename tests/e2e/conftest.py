"""A live Zizhu on 127.0.0.1 with a small demo district, and headless Debian Chromium."""
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import pytest
from werkzeug.serving import make_server

from app.clock import EXTENSION, Clock, FixedClock, clock_of, day_start

DEMO_PASSWORD = "e2e-demo-2026"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-features=Translate,OptimizationHints,MediaRouter",
]


def demo_app(url: str, clock: Clock | None = None):
    """A Zizhu app on the database `url`, migrated, initialised and seeded with the small demo district
    on the day of its clock (`clock` when given, which then stays the app's clock; else the real one)."""
    from flask_migrate import upgrade

    from app import create_app
    from app.demo.seed import seed_demo
    from app.extensions import db
    from app.seeding import init_all

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "e2e-secret"})
    if clock is not None:
        app.extensions[EXTENSION] = clock
    today = clock_of(app).today()
    with app.app_context():
        upgrade()
        init_all(app.appbuilder, db.session, today)
        seed_demo(app.appbuilder, db.session, schools=3, pupils=300, password=DEMO_PASSWORD,
                  seed=7, today=today)
    return app


@contextmanager
def serving(app):
    """Serve `app` on a free port of 127.0.0.1 in a thread of this process; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """Serve a freshly migrated and seeded SQLite database on a free local port."""
    app = demo_app(f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'e2e.db'}")
    with serving(app) as base:
        yield base


# A Monday inside the autumn term's application window (1–30 September): the day a clocked demo starts.
DEMO_DAY = date(2026, 9, 14)


@dataclass(frozen=True)
class ClockedServer:
    """A live demo whose time is `clock`: the test moves it (`clock.set_day(day)`), no request can."""

    base: str
    clock: FixedClock


@pytest.fixture
def clocked_server(tmp_path_factory):
    """A fresh demo district served on 127.0.0.1, its clock standing at 09:00 (China) of DEMO_DAY until
    the test moves it. The clock is an object of this process handed to the app, so only the test reaches
    it; the shared `live_server` keeps the real time."""
    clock = FixedClock(day_start(DEMO_DAY))
    clock.set_day(DEMO_DAY)
    app = demo_app(f"sqlite:///{tmp_path_factory.mktemp('e2e-clocked') / 'e2e.db'}", clock)
    with serving(app) as base:
        yield ClockedServer(base, clock)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never a downloaded browser)."""
    playwright = pytest.importorskip("playwright.sync_api")
    if not shutil.which("chromium") and not __import__("os").path.exists(CHROMIUM):
        pytest.fail("Debian chromium is not installed: `make test` installs it (scripts/install-browser.sh), "
                    "or run `sudo apt-get install -y chromium fonts-noto-cjk`")
    with playwright.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser page that records every request leaving 127.0.0.1."""
    context = browser.new_context(locale="zh-CN")
    pg = context.new_page()
    pg.outside_requests = []

    def record(request):
        if not request.url.startswith(("http://127.0.0.1:", "data:", "blob:", "about:")):
            pg.outside_requests.append(request.url)

    context.on("request", record)
    yield pg
    context.close()


def sign_in(page, base: str, username: str) -> None:
    """Log in through the form as a demo user and wait for the home page."""
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.fixture
def console_errors(page):
    """The page's console errors and uncaught script errors, as text, in the order they happen."""
    errors = []
    page.on("console", lambda message: errors.append(f"console error: {message.text} ({message.location['url']})")
            if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    return errors
