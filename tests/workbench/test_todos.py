"""Built-in to-dos at a given day: the window card and the deadline colour of drafts."""
from datetime import date, timedelta

import pytest
from flask_babel import gettext

from app.models import Application, ApplicationStatus, Term
from app.security.scope import Scope
from app.workbench import applications
from app.workbench.context import make_context
from tests.context import context
from tests.factories import make_school, make_student


@pytest.fixture
def school_with_draft(app, session):
    """A school with one draft this term; the term's window closes on 30 September 2026."""
    term = session.query(Term).filter_by(is_current=True).one()
    term.application_opens, term.application_closes = date(2026, 9, 1), date(2026, 9, 30)
    school = make_school(session)
    pupil = make_student(session, school=school)
    session.add(Application(student_id=pupil.id, school_id=school.id, term_id=term.id,
                            school_year_id=term.school_year_id, status=ApplicationStatus.DRAFT))
    session.commit()
    return school


@pytest.fixture
def on_day(session, clock, school_with_draft):
    """`on_day(day)`: a workbench context of the school's officer, the app's clock set to `day`."""
    scope = Scope(district_id=school_with_draft.district_id, school_id=school_with_draft.id)

    def at(day):
        clock.set_day(day)
        return make_context(context(session, scope, clock=clock))

    return at


def test_window_card_turns_amber_in_the_last_week(app, on_day):
    with app.test_request_context():
        far = applications.window_closing(on_day(date(2026, 9, 1)))
        soon = applications.window_closing(on_day(date(2026, 9, 20)))
        last = applications.window_closing(on_day(date(2026, 9, 24)))
        after = applications.window_closing(on_day(date(2026, 10, 1)))
    assert far is None and after is None
    assert (soon.count, soon.level, soon.due) == (11, "info", date(2026, 9, 30))
    assert (last.count, last.level) == (7, "warning")


def _midyear_draft(session, school):
    """A mid-year draft (a family that met a sudden event) at the school this term."""
    term = session.query(Term).filter_by(is_current=True).one()
    pupil = make_student(session, school=school)
    session.add(Application(student_id=pupil.id, school_id=school.id, term_id=term.id, is_midyear=True,
                            school_year_id=term.school_year_id, status=ApplicationStatus.DRAFT))
    session.commit()


def test_drafts_are_due_at_the_deadline_and_amber_in_its_last_week(app, on_day, session, school_with_draft):
    _midyear_draft(session, school_with_draft)
    with app.test_request_context():
        before = applications.drafts(on_day(date(2026, 9, 10)))
        last = applications.drafts(on_day(date(2026, 9, 30)))
    assert (before.count, before.due, before.level) == (2, date(2026, 9, 30), "info")
    assert (last.count, last.level) == (2, "warning")  # every draft can still be submitted
    assert "_flt_0_status=draft" in before.url and "is_midyear" not in before.url


def test_after_the_deadline_only_mid_year_drafts_are_asked_for(app, on_day, session, school_with_draft):
    _midyear_draft(session, school_with_draft)
    with app.test_request_context():
        midyear, left = applications.drafts(on_day(date(2026, 9, 30) + timedelta(1)))
    assert (midyear.count, midyear.level, midyear.due) == (1, "warning", None)
    assert "_flt_0_is_midyear=y" in midyear.url
    assert (left.count, left.level, left.due) == (1, "info", None)  # cannot be submitted: not urged
    assert "2026-09-30" in left.hint and gettext("Mid-year application").lower() in left.hint.lower()
    assert "is_midyear" not in left.url


def test_after_the_deadline_returned_applications_are_still_asked_for(app, on_day, session, school_with_draft):
    session.query(Application).filter_by(school_id=school_with_draft.id).update(
        {"status": ApplicationStatus.RETURNED})
    session.commit()
    with app.test_request_context():
        during = applications.returned(on_day(date(2026, 9, 10)))
        after = applications.returned(on_day(date(2026, 10, 2)))
    assert (during.count, during.level) == (1, "warning")
    assert (after.count, after.level, after.due) == (1, "warning", None)  # submitted in time: it goes back
