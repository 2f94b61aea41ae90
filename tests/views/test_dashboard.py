"""The dashboard's JSON on the demo district: its totals are the SQL counts and the ledger's sums to the fen,
a school's user and a drill-down see one school, and no stock (Google Charts) chart view is registered."""
from datetime import date
from decimal import Decimal

import pytest
from flask_appbuilder.charts.views import BaseChartView
from sqlalchemy import distinct, func, select

from app.clock import SYSTEM
from app.demo.seed import seed_demo
from app.extensions import db
from app.models import (
    Entitlement,
    EntitlementStatus,
    School,
    Student,
    StudentStatus,
    Term,
    UserScope,
)
from app.queries.money import allocation_states
from app.security.scope import Scope
from tests.conftest import clean_database

TODAY = date(2026, 11, 20)
PASSWORD = "Demo-pass-2026!"


@pytest.fixture(scope="module")
def seeded(app):
    """The small demo district, and a Leader of its first school (`school_leader`)."""
    with app.app_context():
        seed_demo(app.appbuilder, db.session, schools=3, pupils=300, password=PASSWORD, seed=7, today=TODAY)
        sm = app.appbuilder.sm
        school = db.session.scalars(select(School).order_by(School.code)).first()
        user = sm.add_user("school_leader", "校长", "school_leader", "school_leader@test.local",
                           sm.find_role("Leader"), password=PASSWORD)
        db.session.add(UserScope(user_id=user.id, district_id=school.district_id, school_id=school.id))
        db.session.commit()
    yield
    with app.app_context():
        clean_database(SYSTEM.today())


@pytest.fixture
def demo(app, seeded):
    """A session on the demo for the test's own SQL; each request runs in an app context of its own (in
    this one, Flask-Login would keep the first request's user in `g` for every request)."""
    context = app.app_context()
    context.push()
    try:
        yield db.session
    finally:
        db.session.rollback()
        context.pop()


class Client:
    """A test client whose every request runs in an app context of its own (so with a fresh `g`)."""

    def __init__(self, app, username: str):
        self.app, self.client = app, app.test_client()
        self.post("/login/", data={"username": username, "password": PASSWORD})

    def get(self, *args, **kw):
        with self.app.app_context():
            return self.client.get(*args, **kw)

    def post(self, *args, **kw):
        with self.app.app_context():
            return self.client.post(*args, **kw)


def _client(app, username: str) -> Client:
    return Client(app, username)


def _section(client: Client, name: str, **args) -> dict[str, dict]:
    response = client.get(f"/reports/dashboard/data/{name}", query_string=args)
    assert response.status_code == 200, response.status_code
    return {chart["key"]: chart for chart in response.get_json()["charts"]}


def _current(session) -> Term:
    return session.scalars(select(Term).filter_by(is_current=True)).one()


def _terms_with_money(session) -> list[Term]:
    return [t for t in session.scalars(select(Term).order_by(Term.start_date))
            if allocation_states(session, Scope(everything=True), term_id=t.id)]


def _enrolled(session, *where) -> int:
    return session.scalar(select(func.count()).select_from(Student)
                          .where(Student.status == StudentStatus.ENROLLED, *where))


def _in_term(session, term: Term, *where) -> int:
    """The pupils of a past term: enrolled by its end, and enrolled still or left after its start."""
    return session.scalar(select(func.count()).select_from(Student).where(
        Student.enrolled_on <= term.end_date, *where,
        (Student.status == StudentStatus.ENROLLED) | (Student.left_on >= term.start_date)))


def _aided(session, term_id: int, *where) -> int:
    return session.scalar(select(func.count(distinct(Entitlement.student_id))).where(
        Entitlement.term_id == term_id, Entitlement.status == EntitlementStatus.ACTIVE, *where))


def _money(session, term_id: int, school_id: int | None = None) -> tuple[str, str, str]:
    """Allocated, paid and remaining of the term, from app/queries/money.py's allocation states."""
    states = allocation_states(session, Scope(everything=True), term_id=term_id)
    if school_id is not None:
        from app.models import Allocation

        mine = set(session.scalars(select(Allocation.id).where(Allocation.school_id == school_id)))
        states = {k: v for k, v in states.items() if k in mine}
    allocated = sum((s.allocated for s in states.values()), Decimal("0.00"))
    paid = sum((s.paid for s in states.values()), Decimal("0.00"))
    return str(allocated), str(paid), str(allocated - paid)


def test_leader_totals_are_the_sql_counts_of_the_district(app, demo):
    term = _current(demo)
    charts = _section(_client(app, "leader"), "coverage", term=term.id)
    enrolled, aided = charts["totals"]["series"]
    assert enrolled["total"] == _enrolled(demo) > 0
    assert aided["total"] == _aided(demo, term.id)
    assert charts["totals"]["labels"] == list(demo.scalars(select(School.name).order_by(School.code)))
    assert charts["coverage_school"]["series"][0]["total"] == round(100 * aided["total"] / enrolled["total"], 1)
    tiers = charts["aided_tier"]["series"][0]["data"]
    assert sum(tiers) == aided["total"]  # each aided pupil has one tier in the term


def test_a_past_terms_coverage_counts_the_pupils_enrolled_through_it(app, demo):
    past = _terms_with_money(demo)[0]
    assert past.end_date < TODAY
    totals = _section(_client(app, "leader"), "coverage", term=past.id)["totals"]
    enrolled = totals["series"][0]["total"]
    later = _enrolled(demo, Student.enrolled_on > past.end_date)
    left = demo.scalar(select(func.count()).select_from(Student).where(
        Student.status != StudentStatus.ENROLLED, Student.enrolled_on <= past.end_date))  # left after it began
    assert later > 0 and left > 0  # the demo has both: pupils who came after the term, and who left since
    assert demo.scalar(select(func.count()).select_from(Student).where(  # the status hook dated every leaver
        Student.status != StudentStatus.ENROLLED, Student.left_on.is_(None))) == 0
    assert enrolled == _in_term(demo, past) == _enrolled(demo) - later + left
    assert _section(_client(app, "leader"), "coverage")["totals"]["series"][0]["total"] == _enrolled(demo)


def test_the_page_says_when_identification_is_in_progress_or_the_term_not_begun(app, demo):
    leader = _client(app, "leader")
    page = leader.get("/reports/dashboard/").get_data(as_text=True)
    assert "zz-term-note" in page  # the demo's schools are identifying this term's pupils
    later = demo.scalars(select(Term).where(Term.start_date > TODAY)).first()
    page = leader.get("/reports/dashboard/", query_string={"term": later.id}).get_data(as_text=True)
    assert "zz-term-note" in page and _current(demo).start_date <= TODAY
    past = _terms_with_money(demo)[0]
    assert "zz-term-note" not in leader.get("/reports/dashboard/", query_string={"term": past.id}).get_data(
        as_text=True)


def test_spending_matches_the_ledger_to_the_fen_in_every_term(app, demo):
    client = _client(app, "leader")
    terms = _terms_with_money(demo)
    assert len(terms) >= 2  # last school year's payments, this term's allocations
    paid_somewhere = False
    for term in terms:
        allocated, paid, remaining = _money(demo, term.id)
        for key in ("money_source", "money_item", "money_school"):
            series = _section(client, "spending", term=term.id)[key]["series"]
            assert [s["total"] for s in series] == [allocated, paid, remaining], (term.name, key)
        paid_somewhere |= Decimal(paid) > 0
    assert paid_somewhere
    trend = _section(client, "trends")["trend_money"]
    for term in terms:
        column = trend["keys"].index(term.id)
        assert [s["data"][column] for s in trend["series"]] == list(_money(demo, term.id)[:2])


def test_a_school_leader_sees_only_their_school(app, demo):
    school = demo.scalars(select(School).order_by(School.code)).first()
    other = demo.scalars(select(School).order_by(School.code.desc())).first()
    client = _client(app, "school_leader")
    term = _terms_with_money(demo)[0]
    coverage = _section(client, "coverage", term=term.id)
    totals = coverage["totals"]  # by grade: one school's dashboard draws no chart of one bar
    assert totals["labels"][0] == "1 年级" and totals["link"] is None
    assert "coverage_township" not in coverage
    assert totals["series"][0]["total"] == _in_term(demo, term, Student.school_id == school.id)
    assert totals["series"][1]["total"] == _aided(demo, term.id, Entitlement.school_id == school.id)
    spending = _section(client, "spending", term=term.id)
    assert "money_school" not in spending
    assert [s["total"] for s in spending["money_source"]["series"]] == list(_money(demo, term.id, school.id))
    assert client.get(f"/reports/dashboard/data/coverage?school={other.id}").status_code == 404
    assert client.get(f"/reports/dashboard/?school={other.id}").status_code == 404


def _unlinked(charts: dict) -> dict:
    return {key: {**chart, "link": None} for key, chart in charts.items()}


def test_a_click_on_a_school_shows_the_same_figures_as_the_schools_own_leader(app, demo):
    school = demo.scalars(select(School).order_by(School.code)).first()
    term = _terms_with_money(demo)[0]
    district = _client(app, "leader")
    overview = _section(district, "coverage", term=term.id)["coverage_school"]
    assert overview["link"].endswith("school=__key__")
    assert school.id in overview["keys"]
    for name in ("coverage", "groups", "progress", "spending"):
        drilled = _section(district, name, term=term.id, school=school.id)
        own = _section(_client(app, "school_leader"), name, term=term.id)
        assert _unlinked(drilled) == _unlinked(own), name
    page = district.get(f"/reports/dashboard/?school={school.id}&term={term.id}").get_data(as_text=True)
    assert school.name in page and "vendor/echarts/echarts.min.js" in page


def test_special_groups_show_small_counts_as_under_five(app, demo):
    from app.models import SpecialGroup, household_special_group

    charts = _section(_client(app, "leader"), "groups")
    groups = charts["special_groups"]
    counted = dict(demo.execute(
        select(SpecialGroup.name, func.count())
        .join(household_special_group, household_special_group.c.special_group_id == SpecialGroup.id)
        .join(Student, Student.household_id == household_special_group.c.household_id)
        .where(Student.status == StudentStatus.ENROLLED).group_by(SpecialGroup.name)).all())
    shown = dict(zip(groups["labels"], groups["series"][0]["data"], strict=True))
    assert shown == {name: "<5" if n < 5 else n for name, n in counted.items()}
    assert "<5" in shown.values() and groups["series"][0]["total"] is None


def test_the_dashboard_is_for_report_readers(app, demo):
    assert _client(app, "teacher1").get("/reports/dashboard/data/coverage").status_code != 200
    leader = _client(app, "leader")
    assert leader.get("/reports/dashboard/data/nothing").status_code == 404
    page = leader.get("/reports/dashboard/")
    assert page.status_code == 200 and 'data-zz-charts="spending"' in page.get_data(as_text=True)
    assert "/reports/dashboard/" in leader.get("/").get_data(as_text=True)  # linked from the workbench


def test_no_stock_chart_view_is_registered(app):
    assert not [v for v in app.appbuilder.baseviews if isinstance(v, BaseChartView)]


def test_a_school_officer_sees_the_dashboard_of_their_school_only(app, demo):
    first, other = demo.scalars(select(School).order_by(School.code).limit(2)).all()
    officer = _client(app, "school1")
    charts = _section(officer, "coverage")
    assert charts["coverage_school"]["keys"] == [1, 2, 3, 4, 5, 6]  # their school's grades, not one bar
    enrolled, _aided_ = charts["totals"]["series"]
    assert enrolled["total"] == _enrolled(demo, Student.school_id == first.id)
    assert officer.get("/reports/dashboard/", query_string={"school": other.id}).status_code == 404
    assert officer.get("/reports/dashboard/data/spending", query_string={"school": other.id}).status_code == 404
    assert "/reports/dashboard/" in officer.get("/").get_data(as_text=True)  # linked from the workbench
    page = officer.get("/reports/dashboard/").get_data(as_text=True)
    assert f'<li class="active">{first.name}</li>' in page  # their school's page, with its lists
    assert "/studentmodelview/list/" in page and 'href="/reports/dashboard/?term=' not in page  # no "all schools"
