"""The workbench (home page) and the School progress report, per role and scope."""
import html
import logging
import re
from datetime import timedelta

import pytest

from app.clock import local_day
from app.models import Application, ApplicationStatus, Term
from app.queries.progress import school_progress
from app.security import audit
from app.security.scope import Scope
from app.workbench import Todo, quick_action, registry, todo
from tests.context import named
from tests.factories import make_household, make_school, make_student
from tests.security import conftest as security_fixtures

# the two-district world and the sign-in helper of the scope tests
world = security_fixtures.world
as_user = security_fixtures.as_user

S = ApplicationStatus
CARD = re.compile(r'<span class="zz-stat-value">(\d+)</span>\s*<span class="zz-stat-label">([^<]+)</span>')


def _apply(session, school, status, n, *, grade=3, class_name="1班"):
    """`n` applications of `status` this term at `school`, each for a new pupil."""
    term = session.query(Term).filter_by(is_current=True).one()
    for _ in range(n):
        pupil = make_student(session, school=school, grade=grade, class_name=class_name,
                             household=make_household(session, district=school.district))
        session.add(Application(student_id=pupil.id, school_id=school.id, term_id=term.id,
                                school_year_id=term.school_year_id, status=status))
    session.commit()


def _cards(page: str) -> dict[str, int]:
    """Title → count of every to-do card on the page."""
    return {html.unescape(title).strip(): int(n) for n, title in CARD.findall(page)}


def _workbench(client, username: str, as_user) -> str:
    """The workbench of `username`, in English (the msgids) so that titles are stable."""
    as_user(username)
    client.get("/lang/en")
    resp = client.get("/")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def open_window(session, clock, *, closed: bool = False) -> Term:
    """The current term's application window around the clock's day (open), or ended yesterday."""
    term = session.query(Term).filter_by(is_current=True).one()
    today = local_day(clock.now())
    term.application_opens = today - timedelta(days=60 if closed else 20)
    term.application_closes = today - timedelta(days=1) if closed else today + timedelta(days=40)
    session.commit()
    return term


@pytest.fixture
def busy(session, world, clock):
    """School A: 3 submitted, 2 more drafts (3 with the world's), 1 returned; school B: 5 submitted;
    school C (other district): 4 submitted. The window is open."""
    open_window(session, clock)
    _apply(session, world.a, S.SUBMITTED, 3)
    _apply(session, world.a, S.DRAFT, 2)
    _apply(session, world.a, S.RETURNED, 1)
    _apply(session, world.b, S.SUBMITTED, 5)
    _apply(session, world.c, S.SUBMITTED, 4)
    return world


def test_anonymous_visitor_is_sent_to_login(client):
    resp = client.get("/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_school_officer_sees_only_own_school_counts(client, busy, as_user):
    cards = _cards(_workbench(client, "school_a", as_user))
    assert cards["Submitted, awaiting review"] == 3  # not 3 + 5 (school B) + 4 (school C)
    assert cards["Drafts not yet submitted"] == 3
    assert cards["Returned for correction"] == 1


def test_district_officer_counts_the_whole_district_only(client, busy, as_user):
    page = _workbench(client, "district", as_user)
    cards = _cards(page)
    assert cards["Submitted, awaiting review"] == 8  # schools A and B, not C of the other district
    assert "Drafts not yet submitted" not in cards  # the schools submit, not the district
    assert busy.a.name in page and busy.b.name in page and busy.c.name not in page


def test_class_teacher_counts_only_own_classes(client, busy, session, as_user):
    _apply(session, busy.a, S.SUBMITTED, 2, grade=4, class_name="2班")  # not teacher_a's class
    cards = _cards(_workbench(client, "teacher_a", as_user))
    assert cards["Submitted, awaiting review"] == 3
    assert "Enrolled pupils without a household" not in cards  # pupils are read-only for teachers


def test_leader_sees_progress_but_no_pupil_work(client, busy, as_user):
    page = _workbench(client, "leader", as_user)
    assert set(_cards(page)) <= {"Schools well behind with applications"}  # only district-wide work
    assert busy.a.name in page and busy.b.name in page
    assert "/studentmodelview/add" not in page and "/reports/progress/" in page


def test_pupil_data_to_fix_counted_per_school(client, busy, session, as_user):
    make_student(session, school=busy.a)  # no household
    temp = make_student(session, school=busy.a, household=busy.household["A"])
    temp.student_no = "L" + temp.id_number[:14] + "0001"
    make_student(session, school=busy.b)  # other school
    session.commit()
    cards = _cards(_workbench(client, "school_a", as_user))
    assert cards["Enrolled pupils without a household"] == 1
    assert cards["Enrolled pupils with a temporary student number"] == 1
    district = _cards(_workbench(client, "district", as_user))
    assert district["Enrolled pupils without a household"] == 2


def test_auditor_sees_recent_reveals_and_refusals(client, busy, session, as_user):
    for action, school in ((audit.REVEAL, busy.a), (audit.REVEAL, busy.c), (audit.DENIED, busy.a)):
        audit.record(named("x"), action, entity="student", entity_id=1, school_id=school.id)
    session.commit()
    cards = _cards(_workbench(client, "auditor", as_user))
    assert cards["Full values viewed in the last 7 days"] == 2
    assert cards["Access refused in the last 7 days"] == 1
    assert "Full values viewed in the last 7 days" not in _cards(_workbench(client, "school_a", as_user))


def _record_count(page: str) -> int:
    """The "Record Count: N" of a FAB list page."""
    return int(re.search(r"Record Count:</strong>\s*(\d+)", page).group(1))


def test_card_links_open_the_list_filtered(client, busy, as_user):
    page = _workbench(client, "school_a", as_user)
    links = dict((title, html.unescape(url)) for url, title in re.findall(
        r'href="([^"]+)">\s*<span class="zz-stat-value">\d+</span>\s*<span class="zz-stat-label">([^<]+)<',
        page))
    expected = {"Submitted, awaiting review": 3, "Drafts not yet submitted": 3, "Returned for correction": 1}
    for title, count in expected.items():
        assert _record_count(client.get(links[title]).get_data(as_text=True)) == count, title
    assert _record_count(client.get("/applicationmodelview/list/").get_data(as_text=True)) == 7


def test_audit_card_link_lists_only_that_action(client, busy, session, as_user):
    audit.record(named("x"), audit.REVEAL, entity="student", entity_id=1, detail="reveal-one")
    audit.record(named("x"), audit.EXPORT, entity="student", entity_id=2, detail="export-one")
    session.commit()
    page = _workbench(client, "auditor", as_user)
    url = html.unescape(re.search(r'href="([^"]*_flt_3_action=reveal[^"]*)"', page).group(1))
    listed = client.get(url).get_data(as_text=True)
    assert "reveal-one" in listed and "export-one" not in listed


@pytest.fixture
def broken_provider(monkeypatch):
    """A registered to-do that raises, and one that works."""
    monkeypatch.setattr(registry, "_TODOS", dict(registry._TODOS))

    @todo("test.broken", order=1)
    def broken(ctx):
        raise RuntimeError("boom")

    @todo("test.fine", order=2)
    def fine(ctx):
        return Todo("Fine to-do", 7)


def test_broken_provider_does_not_break_the_page(client, busy, as_user, broken_provider, caplog,
                                                 monkeypatch):
    monkeypatch.setattr(registry.log, "disabled", False)  # Alembic's fileConfig disables loggers
    with caplog.at_level(logging.ERROR, logger="app.workbench.registry"):
        cards = _cards(_workbench(client, "school_a", as_user))
    assert cards["Fine to-do"] == 7 and cards["Submitted, awaiting review"] == 3
    assert any("test.broken" in r.getMessage() for r in caplog.records)


def test_quick_actions_follow_permissions(client, busy, as_user, monkeypatch):
    monkeypatch.setattr(registry, "_ACTIONS", dict(registry._ACTIONS))
    quick_action("test.schools", "Edit schools", "SchoolModelView.list", permission=("can_write", "School"))
    school = _workbench(client, "school_a", as_user)
    assert "/studentmodelview/add" in school and "/householdmodelview/add" in school
    assert "/auditeventmodelview/list/" not in school and "Edit schools" not in school
    teacher = _workbench(client, "teacher_a", as_user)
    assert "/householdmodelview/add" in teacher and "/studentmodelview/add" not in teacher
    district = _workbench(client, "district", as_user)
    assert "Edit schools" in district and "/auditeventmodelview/list/" in district


def test_user_without_scope_is_told_to_ask_the_district(client, busy, make_user, as_user):
    make_user("lost", "SchoolOfficer")
    page = _workbench(client, "lost", as_user)
    assert "You have no work scope yet." in page
    assert _cards(page) == {} and "/studentmodelview/add" not in page


def test_progress_report_refused_to_school_officer(client, busy, as_user):
    as_user("school_a")
    resp = client.get("/reports/progress/")
    assert resp.status_code in (302, 403)
    assert busy.b.name not in resp.get_data(as_text=True)


def test_progress_report_lists_every_school_of_the_district(client, busy, session, as_user):
    extra = make_school(session, district=busy.d)
    session.commit()
    as_user("district")
    client.get("/lang/en")
    page = client.get("/reports/progress/").get_data(as_text=True)
    assert all(s.name in page for s in (busy.a, busy.b, extra)) and busy.c.name not in page
    assert re.search(r"<th>Total</th>\s*<th[^>]*>\d+</th>\s*<th[^>]*>5</th>\s*<th[^>]*>8</th>", page)


def test_progress_report_for_another_term_is_empty(client, busy, session, as_user):
    other = session.query(Term).filter_by(is_current=False).first()
    as_user("district")
    client.get("/lang/en")
    page = client.get(f"/reports/progress/?term={other.id}").get_data(as_text=True)
    assert other.name in page and busy.a.name in page
    assert re.search(r"<th>Total</th>\s*<th[^>]*>\d+</th>\s*<th[^>]*>0</th>\s*<th[^>]*>0</th>", page)


def _footer(page: str) -> tuple[str, list[int]]:
    """The heading and the numbers of the workbench progress table's totals row."""
    foot = page.split("<tfoot>", 1)[1].split("</tfoot>", 1)[0]
    heading = re.search(r"<th>([^<]+)</th>", foot).group(1)
    return html.unescape(heading), [int(n) for n in re.findall(r'<th class="zz-num">(\d+)</th>', foot)]


def test_workbench_totals_name_the_schools_the_table_leaves_out(client, busy, session, as_user):
    for n in range(10):  # 12 schools in the district: the workbench lists 10
        _apply(session, make_school(session, district=busy.d), S.DRAFT, n + 1)
    page = _workbench(client, "district", as_user)
    listed = re.findall(r'<tr(?: class="warning")?>\s*<td>([^<]+)', page.split('class="zz-card"', 1)[1])
    heading, numbers = _footer(page)
    assert len(listed) == 10 and heading == "Total (all 12 schools)"
    every = school_progress(session, Scope(district_id=busy.d.id), busy.application["A"].term_id)
    assert len(every.rows) == 12 and numbers[:2] == [every.totals.pupils, every.totals.not_submitted]
    assert numbers[1] > sum(row.not_submitted for row in every.rows[:10])  # the two left out count too
    note = html.unescape(re.search(r'id="zz-progress-hidden">(.*?)</p>', page, re.S).group(1))
    assert "2 more are in the total" in note and "/reports/progress/" in note


def test_workbench_totals_of_every_school_listed_say_total(client, busy, as_user):
    page = _workbench(client, "district", as_user)
    assert _footer(page)[0] == "Total" and "zz-progress-hidden" not in page


def test_after_the_deadline_the_school_is_offered_only_what_it_can_still_do(client, busy, session, clock,
                                                                            as_user):
    open_window(session, clock, closed=True)
    midyear = session.query(Application).filter_by(school_id=busy.a.id, status=S.DRAFT).first()
    midyear.is_midyear = True
    session.commit()
    page = _workbench(client, "school_a", as_user)
    cards = _cards(page)
    assert "Drafts not yet submitted" not in cards
    assert cards.get("Returned for correction", 0) == session.query(Application).filter_by(
        school_id=busy.a.id, status=S.RETURNED).count()  # submitted in time: asked for still
    assert cards["Mid-year applications to submit"] == 1 and cards["Drafts not submitted before the deadline"] == 2
    assert "Add a mid-year application" in page and "Add application" not in page
    links = dict((title, html.unescape(url)) for url, title in re.findall(
        r'href="([^"]+)">\s*<span class="zz-stat-value">\d+</span>\s*<span class="zz-stat-label">([^<]+)<', page))
    assert _record_count(client.get(links["Mid-year applications to submit"]).get_data(as_text=True)) == 1
    assert "Schools well behind with applications" not in _cards(_workbench(client, "leader", as_user))


def test_while_the_window_is_open_every_draft_is_asked_for(client, busy, as_user):
    page = _workbench(client, "school_a", as_user)
    assert _cards(page)["Drafts not yet submitted"] == 3 and "Mid-year applications to submit" not in page
    assert "Add application" in page and "Add a mid-year application" not in page
