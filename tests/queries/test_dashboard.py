"""The dashboard's declarations: the pupils of a term, the charts of one school, the identifications of a
school year in each of its terms, and the note on a term not begun or still identifying."""
from dataclasses import replace
from datetime import date, timedelta
from types import SimpleNamespace

from sqlalchemy import select

from app.clock import day_start
from app.models import ApplicationStatus, StudentStatus, Term
from app.queries.charts import Chart, chart_data
from app.queries.dashboard import (
    BY_SCHOOL,
    BY_TOWNSHIP,
    SECTIONS,
    DashboardRequest,
    enrolled,
    trend_charts,
)
from app.queries.dashboard_notes import term_note
from app.security.scope import Scope
from tests.factories import current_term, make_application, make_previous_term, make_school, make_student

STARTS, ENDS, TODAY = date(2025, 9, 1), date(2026, 1, 31), date(2026, 11, 20)
PAST = DashboardRequest(1, TODAY, term_starts=STARTS, term_ends=ENDS)
NOW = DashboardRequest(1, TODAY, term_starts=date(2026, 9, 1), term_ends=date(2027, 1, 31))


def _pupil(session, school, enrolled_on: date, status=StudentStatus.ENROLLED, changed: date | None = None):
    """A pupil of the school enrolled on the day; one not enrolled left on `changed`, as the status hook
    records it (tests/commands/test_entitlements.py covers the hook)."""
    return make_student(session, school=school, enrolled_on=enrolled_on, status=status, left_on=changed)


def _count(session, school, req: DashboardRequest) -> int:
    chart = Chart("pupils", "pupils", BY_SCHOOL, (enrolled(req),))
    return chart_data(session, Scope(district_id=school.district_id), chart)["series"][0]["total"]


def test_a_past_terms_pupils_are_those_enrolled_through_it(session):
    school = make_school(session)
    _pupil(session, school, date(2024, 9, 1))  # still enrolled
    _pupil(session, school, date(2024, 9, 1), StudentStatus.TRANSFERRED, changed=date(2026, 6, 1))  # left after
    _pupil(session, school, STARTS, StudentStatus.GRADUATED, changed=STARTS)  # left on its first day
    assert _count(session, school, PAST) == 3
    _pupil(session, school, date(2026, 9, 1))  # enrolled after the term
    _pupil(session, school, ENDS + timedelta(days=1))
    _pupil(session, school, date(2023, 9, 1), StudentStatus.DROPPED_OUT, changed=STARTS - timedelta(days=1))
    assert _count(session, school, PAST) == 3  # none of the three was in the term
    _pupil(session, school, ENDS)  # enrolled on its last day
    _pupil(session, school, None)  # no day of enrolment kept
    assert _count(session, school, PAST) == 5


def test_the_current_terms_pupils_are_those_enrolled_today(session):
    school = make_school(session)
    _pupil(session, school, date(2024, 9, 1))
    _pupil(session, school, date(2026, 9, 1))  # enrolled this term
    assert _count(session, school, NOW) == 2
    _pupil(session, school, date(2024, 9, 1), StudentStatus.TRANSFERRED, changed=date(2026, 10, 8))  # left in it
    _pupil(session, school, date(2027, 3, 1))  # enrolls next term
    assert _count(session, school, NOW) == 2
    assert _count(session, school, DashboardRequest(1, TODAY)) == 3  # no term's days: enrolled now


def _drawn_by(req: DashboardRequest) -> set:
    return {chart.by for charts in SECTIONS.values() for chart in charts(req)}


def test_one_schools_dashboard_has_no_chart_by_school_or_township():
    district, school = _drawn_by(NOW), _drawn_by(DashboardRequest(1, TODAY, one_school=True))
    assert {BY_SCHOOL, BY_TOWNSHIP} <= district
    assert not {BY_SCHOOL, BY_TOWNSHIP} & school
    keys = {chart.key for charts in SECTIONS.values() for chart in charts(DashboardRequest(1, TODAY, one_school=True))}
    assert {"totals", "coverage_school", "money_source"} <= keys  # the headline figures read them


def test_a_school_years_identifications_count_in_each_of_its_terms(session):
    term = current_term(session)
    school = make_school(session)
    for status in (ApplicationStatus.APPROVED, ApplicationStatus.APPROVED, ApplicationStatus.SUBMITTED):
        make_application(session, make_student(session, school=school), term, status=status,
                         approved_on=day_start(term.start_date) if status is ApplicationStatus.APPROVED else None)
    before = make_previous_term(session)
    make_application(session, make_student(session, school=school), before, status=ApplicationStatus.APPROVED,
                     approved_on=day_start(before.start_date))
    chart = replace(next(c for c in trend_charts(NOW) if c.key == "trend_pupils"), totals=True)  # not on the page
    data = chart_data(session, Scope(district_id=school.district_id), chart)
    identified = dict(zip(data["keys"], data["series"][1]["data"], strict=True))
    same_year = session.scalars(select(Term.id).where(Term.school_year_id == term.school_year_id)).all()
    assert len(same_year) == 2 and all(identified[t] == 2 for t in same_year)  # autumn's in the spring too
    assert identified[before.id] == 1
    assert data["series"][1]["total"] == 3  # each application once, not once per term of its school year


def _term(start: date, end: date, school_year_id: int):
    return SimpleNamespace(start_date=start, end_date=end, school_year_id=school_year_id)


def test_the_note_tells_a_term_not_begun_and_identification_in_progress(session):
    term = current_term(session)
    first = make_school(session)
    second = make_school(session, first.district)
    scope, today = Scope(district_id=first.district_id), term.start_date + timedelta(days=30)
    ahead = _term(today + timedelta(days=1), today + timedelta(days=100), term.school_year_id)
    assert term_note(session, scope, ahead, today).not_started
    for status in (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED):
        make_application(session, make_student(session, school=first), term, status=status)
    waiting = make_application(session, make_student(session, school=second), term, status=ApplicationStatus.DRAFT)
    note = term_note(session, scope, term, today)
    assert (note.not_started, note.identified, note.done, note.schools) == (False, 1, 1, 2)
    assert term_note(session, Scope(district_id=first.district_id, school_id=first.id), term, today) is None
    waiting.status = ApplicationStatus.APPROVED
    session.flush()
    assert term_note(session, scope, term, today) is None  # every school done
    waiting.status = ApplicationStatus.SUBMITTED
    session.flush()
    assert term_note(session, scope, term, term.end_date + timedelta(days=1)) is None  # a term over
