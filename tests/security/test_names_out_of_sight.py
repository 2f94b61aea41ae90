"""A leader reads figures, never a child: no page, print, xlsx or REST answer a leader can reach names a
pupil or anyone of the pupil's family; and a school officer reaches no one of another school. Found by following
every link from the workbench on the demo district (its money included), so that a page added later is covered
without being listed here."""
import re
from datetime import date
from io import BytesIO
from urllib.parse import urljoin, urlparse

import openpyxl
import pytest
from sqlalchemy import select

from app.api.resources import RESOURCES
from app.clock import SYSTEM
from app.demo.seed import seed_demo
from app.extensions import db
from app.models import Household, HouseholdMember, Student, UserScope
from tests.conftest import clean_database

TODAY = date(2026, 11, 20)
PASSWORD = "Demo-pass-2026!"
HREF = re.compile(r"""href=["']([^"'#]+)""")
# links that change state or leave the session; everything else is read, files included
SKIP = re.compile(r"/logout|/lang/|/delete|/action|/static/|/swagger|javascript:|mailto:")
MOST_PAGES = 800  # a bound, far above what the demo's leader reaches


@pytest.fixture(scope="module")
def demo(app):
    """The demo district (seeded once for the module)."""
    with app.app_context():
        seed_demo(app.appbuilder, db.session, schools=3, pupils=300, password=PASSWORD, seed=11, today=TODAY)
    yield
    with app.app_context():
        clean_database(SYSTEM.today())


def _people(session, households) -> set[str]:
    """The full names of the pupils, members, guardians and payees of the households (a select of ids)."""
    found = set(session.scalars(select(Student.name).where(Student.household_id.in_(households))))
    found |= set(session.scalars(select(HouseholdMember.name).where(HouseholdMember.household_id.in_(households))))
    for guardian, payee in session.execute(select(Household.guardian_name, Household.payee_name)
                                           .where(Household.id.in_(households))):
        found |= {guardian, payee} - {None}
    return found


def _forbidden(app, username: str) -> set[str]:
    """The names `username` must never reach: every family's for a leader; for a school's officer, the families
    with no pupil in the school. Names under three characters, or also a user's or an allowed family's, are left
    out: they could appear for another reason."""
    with app.app_context():
        session = db.session
        user = app.appbuilder.sm.find_user(username=username)
        scope = session.scalars(select(UserScope).filter_by(user_id=user.id)).one()
        everyone = _people(session, select(Household.id))
        allowed = set() if scope.school_id is None else _people(
            session, select(Student.household_id).where(Student.school_id == scope.school_id))
        users = session.scalars(select(app.appbuilder.sm.user_model)).all()
        allowed |= {u.first_name for u in users} | {u.last_name for u in users}
        allowed |= {f"{u.last_name}{u.first_name}" for u in users}
    return {name for name in everyone - allowed if len(name) >= 3}


def _text(response) -> str:
    """The answer as text: an xlsx's every cell, else the body."""
    if response.mimetype.endswith("spreadsheetml.sheet"):
        book = openpyxl.load_workbook(BytesIO(response.get_data()), read_only=True)
        return "\n".join(str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                         for cell in row if cell is not None)
    return response.get_data(as_text=True)


def _links(url: str, html: str) -> list[str]:
    found = []
    for href in HREF.findall(html):
        target = urljoin(url, href.replace("&amp;", "&"))
        parsed = urlparse(target)
        if parsed.netloc in ("", "localhost") and not SKIP.search(parsed.path):
            found.append(parsed.path + (f"?{parsed.query}" if parsed.query else ""))
    return found


def _crawl(app, client):
    """(url, text) of every page and file reachable from the workbench by links, breadth first."""
    seen, queue = set(), ["/"]
    while queue and len(seen) < MOST_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        with app.app_context():
            response = client.get(url)
        if response.status_code != 200:
            continue
        text = _text(response)
        yield url, text
        if response.mimetype == "text/html":
            queue.extend(link for link in _links(url, text) if link not in seen)


@pytest.mark.parametrize("username", ["leader", "school1"])
def test_no_page_file_or_answer_reaches_a_child_out_of_the_users_sight(app, demo, username):
    names = _forbidden(app, username)
    client = app.test_client()
    with app.app_context():
        assert client.post("/login/", data={"username": username, "password": PASSWORD}).status_code == 302
    assert len(names) > 150
    pages, naming = 0, []
    for url, text in _crawl(app, client):
        pages += 1
        naming += [(url, name) for name in names if name in text][:1]
    for resource in RESOURCES:
        url = f"/api/v1/{resource.resource_name}/"
        with app.app_context():
            response = client.get(url)
        pages += 1
        naming += [(url, name) for name in names if name in response.get_data(as_text=True)][:1]
    assert pages > 40  # the crawl went round the user's pages: workbench, lists, reports, money…
    assert sorted({re.sub(r"\d+", "N", url) for url, _name in naming}) == []  # the pages, ids left out
