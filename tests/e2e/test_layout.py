"""Browser: at 1024×768 the navbar is one row for every role, in Chinese and in English, and nothing on
it overflows; a screenshot of each is kept in tests/e2e/screenshots/ (ignored by git)."""
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.e2e.conftest import DEMO_PASSWORD, sign_in

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
ROLES = ("admin", "district", "school1", "teacher1", "leader", "auditor")  # app/demo/users.py
ONE_ROW = 52  # px: Bootstrap's navbar is 50 px high on one row, 100 px on two

MEASURE = """() => {
  const nav = document.querySelector('nav.zz-navbar');
  const box = e => e.getBoundingClientRect();
  const items = [...nav.querySelectorAll('.navbar-nav > li')].filter(li => box(li).width > 0);
  const menu = [...nav.querySelectorAll('.navbar-nav:not(.navbar-right) > li')].filter(li => box(li).width > 0);
  const right = [...nav.querySelectorAll('.navbar-right > li')].filter(li => box(li).width > 0);
  return {
    height: box(nav).height,
    width: document.documentElement.clientWidth,
    scrollWidth: document.documentElement.scrollWidth,
    toggle: getComputedStyle(nav.querySelector('.navbar-toggle')).display,
    tops: [...new Set(items.map(li => Math.round(box(li).top)))],
    menuEnd: Math.max(...menu.map(li => box(li).right)),
    rightStart: Math.min(...right.map(li => box(li).left)),
    rightEnd: Math.max(...right.map(li => box(li).right)),
    labels: menu.map(li => li.innerText.trim()),
    wrapped: items.filter(li => box(li.querySelector('a')).height > 52).map(li => li.innerText.trim()),
  };
}"""


@pytest.fixture(scope="module")
def layout_server(tmp_path_factory):
    """A small demo district of our own: six sign-ins in a row would trip the login rate limit of the
    shared live server."""
    from flask_migrate import upgrade

    from app import create_app
    from app.clock import SYSTEM
    from app.demo.seed import seed_demo
    from app.extensions import db
    from app.seeding import init_all

    url = f"sqlite:///{tmp_path_factory.mktemp('layout') / 'layout.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "layout-secret", "AUTH_RATE_LIMITED": False,
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        init_all(app.appbuilder, db.session, SYSTEM.today())
        seed_demo(app.appbuilder, db.session, schools=2, pupils=40, password=DEMO_PASSWORD, seed=7,
                  today=SYSTEM.today())
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.mark.parametrize("username", ROLES)
def test_the_navbar_is_one_row_at_1024_px_for_every_role(browser, layout_server, username):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1024, "height": 768})
    page = context.new_page()
    try:
        sign_in(page, layout_server, username)
        SCREENSHOTS.mkdir(exist_ok=True)
        for language in ("zh", "en"):
            page.goto(f"{layout_server}/lang/{language}")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(SCREENSHOTS / f"navbar-1024-{username}-{language}.png"))
            got = page.evaluate(MEASURE)
            where = f"{username} ({language}): {got['labels']}"
            assert got["toggle"] == "none", f"{where}: the navbar collapsed behind its toggle"
            assert got["labels"], f"{where}: no menu"
            assert got["height"] <= ONE_ROW and len(got["tops"]) == 1, f"{where}: {got['height']} px high"
            assert not got["wrapped"], f"{where}: items wrapped inside: {got['wrapped']}"
            assert got["menuEnd"] <= got["rightStart"], f"{where}: the menu runs into the name and language"
            assert got["rightEnd"] <= got["width"] and got["scrollWidth"] <= got["width"], f"{where}: overflows"
    finally:
        context.close()
