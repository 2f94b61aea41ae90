"""School progress: the ranking rule with plain values, and the aggregate queries on a database."""
import re
from datetime import UTC, date, datetime

from app.models import Application, ApplicationStatus, StudentStatus, Term
from app.queries.progress import school_progress
from app.queries.terms import application_window
from app.security.scope import Scope
from app.services.progress import SchoolProgress, rank_schools
from tests.context import context
from tests.factories import make_district, make_school, make_student

S = ApplicationStatus


def _row(name, not_submitted, in_review, district=1):
    """A school's counts (no pupils, nothing decided)."""
    return SchoolProgress(school_id=hash(name), name=name, district_id=district, pupils=0,
                          not_submitted=not_submitted, in_review=in_review, identified=0, not_identified=0)


def test_least_done_first_and_well_behind_marked():
    table = rank_schools([_row("A", 1, 9), _row("B", 5, 5), _row("C", 2, 8), _row("D", 0, 0)])
    assert [r.name for r in table.rows] == ["B", "C", "A", "D"]  # no applications: last
    assert table.medians == {1: 0.8}
    b = table.rows[0]
    assert round(b.gap, 2) == -0.3 and b.behind
    assert not table.rows[1].behind and table.rows[3].gap is None
    assert [r.name for r in table.behind] == ["B"]


def test_median_is_per_district():
    table = rank_schools([_row("A", 5, 5, 1), _row("B", 5, 5, 1), _row("X", 9, 1, 2)])
    assert table.medians == {1: 0.5, 2: 0.1}
    assert not any(r.behind for r in table.rows)  # X is alone in its district


def test_totals_add_up():
    table = rank_schools([_row("A", 1, 9), _row("B", 5, 5)])
    assert (table.totals.not_submitted, table.totals.in_review, table.totals.applications) == (6, 14, 20)
    assert table.totals.share_done == 0.7


def test_application_window_states():
    term = Term(application_opens=date(2026, 9, 1), application_closes=date(2026, 9, 30))
    assert application_window(term, date(2026, 8, 31)).state == "upcoming"
    assert application_window(term, date(2026, 9, 30)).days_left == 1
    assert application_window(term, date(2026, 9, 24)).days_left == 7
    assert application_window(term, date(2026, 10, 1)).state == "closed"
    assert application_window(None, date(2026, 10, 1)).state == "unset"


def test_progress_query_counts_enrolled_pupils_and_statuses_in_scope(session):
    term = session.query(Term).filter_by(is_current=True).one()
    d = make_district(session)
    a, b, other = make_school(session, district=d), make_school(session, district=d), make_school(session)
    for school, statuses in ((a, [S.DRAFT, S.RETURNED, S.SUBMITTED, S.APPROVED, S.CANCELLED]),
                             (b, [S.SUBMITTED]), (other, [S.DRAFT])):
        for status in statuses:
            pupil = make_student(session, school=school)
            session.add(Application(student_id=pupil.id, school_id=school.id, term_id=term.id,
                                    school_year_id=term.school_year_id, status=status))
    make_student(session, school=a, status=StudentStatus.TRANSFERRED)
    session.commit()
    table = school_progress(session, Scope(district_id=d.id), term.id)
    rows = {r.school_id: r for r in table.rows}
    assert set(rows) == {a.id, b.id}
    assert (rows[a.id].pupils, rows[a.id].not_submitted, rows[a.id].in_review, rows[a.id].identified) == (5, 2, 1, 1)
    assert rows[b.id].share_done == 1.0
    assert school_progress(session, Scope(), term.id).rows == ()  # no scope: nothing


def test_identified_counts_approvals_only_and_rejections_apart(session):
    term = session.query(Term).filter_by(is_current=True).one()
    school = make_school(session)
    approved_then = datetime(2026, 9, 20, tzinfo=UTC)
    for status, approved_on in ((S.APPROVED, approved_then), (S.REJECTED, None), (S.REJECTED, None),
                                (S.ARCHIVED, approved_then), (S.ARCHIVED, None), (S.NOTICE, None)):
        pupil = make_student(session, school=school)
        session.add(Application(student_id=pupil.id, school_id=school.id, term_id=term.id, approved_on=approved_on,
                                school_year_id=term.school_year_id, status=status))
    session.commit()
    row = school_progress(session, Scope(district_id=school.district_id, school_id=school.id), term.id).rows[0]
    assert (row.identified, row.not_identified, row.in_review) == (2, 3, 1)  # 已认定 never counts 不予认定
    assert (row.decided, row.applications, row.share_done) == (5, 6, 1.0)


def test_progress_report_shows_identified_and_not_identified_apart(session, client, login, place):
    term = session.query(Term).filter_by(is_current=True).one()
    for status in (S.APPROVED, S.REJECTED, S.REJECTED, S.REJECTED):
        pupil = make_student(session, school=place.school)
        session.add(Application(student_id=pupil.id, school_id=place.school.id, term_id=term.id,
                                school_year_id=term.school_year_id, status=status))
    session.commit()
    login("district")
    html = client.get("/reports/progress/").get_data(as_text=True)
    assert re.search(r'zz-identified">\s*1\s*<', html) and re.search(r'zz-not-identified">\s*3\s*<', html)


def test_schools_well_behind_become_a_district_todo_naming_them_while_the_window_is_open(app, session, make_user,
                                                                                          clock):
    from app.security.scope import scope_for
    from app.workbench.context import make_context
    from app.workbench.schools import schools_behind

    term = session.query(Term).filter_by(is_current=True).one()
    term.application_opens, term.application_closes = date(2026, 9, 1), date(2026, 9, 30)
    clock.set_day(date(2026, 9, 20))
    d = make_district(session)
    schools = [make_school(session, district=d, name=f"进度{i}小学") for i in range(3)]
    plan = {0: [S.DRAFT] * 4 + [S.SUBMITTED], 1: [S.SUBMITTED] * 5, 2: [S.SUBMITTED] * 4 + [S.DRAFT]}
    for index, statuses in plan.items():
        for status in statuses:
            pupil = make_student(session, school=schools[index])
            session.add(Application(student_id=pupil.id, school_id=schools[index].id, term_id=term.id,
                                    school_year_id=term.school_year_id, status=status))
    session.commit()
    district_user = make_user("watcher", "DistrictOfficer", district=d)
    school_user = make_user("inside", "SchoolOfficer", school=schools[1])
    with app.test_request_context():
        for_district = context(session, scope_for(district_user, session), user=district_user, clock=clock)
        found = schools_behind(make_context(for_district, district_user))
        assert found.count == 1 and "进度0小学" in str(found.hint) and found.url.endswith("/reports/progress/")
        for_school = context(session, scope_for(school_user, session), user=school_user, clock=clock)
        assert schools_behind(make_context(for_school, school_user)) is None
        clock.set_day(date(2026, 10, 1))  # past the deadline no school can catch up: nobody to urge
        closed = context(session, scope_for(district_user, session), user=district_user, clock=clock)
        assert schools_behind(make_context(closed, district_user)) is None


def test_pupil_counts_are_reused_for_a_while_when_the_cache_is_on(app, session, monkeypatch):
    from app.queries import cache

    calls = []
    monkeypatch.setitem(app.config, "WORKBENCH_CACHE_SECONDS", 60)
    monkeypatch.setattr(cache, "_KEPT", {})
    scope = Scope(district_id=1)
    for _ in range(2):
        assert cache.kept("n", session, scope, lambda: calls.append(1) or len(calls)) == 1
    assert cache.kept("n", session, Scope(district_id=2), lambda: calls.append(1) or len(calls)) == 2
    monkeypatch.setitem(app.config, "WORKBENCH_CACHE_SECONDS", 0)
    assert cache.kept("n", session, scope, lambda: calls.append(1) or len(calls)) == 3
