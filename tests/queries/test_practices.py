"""Forbidden-practice checks on a real database: taking turns across two school years, equal sharing."""
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from app.commands.snapshots import take_snapshot
from app.models import Application, ApplicationStatus, Tier
from app.queries.practices import check
from app.services import practices
from app.workbench.context import make_context
from app.workbench.practices import practice_warnings
from tests.context import context
from tests.factories import current_term, make_household, make_member, make_previous_term, make_student


def _decided(session, student, term, tier_code, household=None):
    """An approved application of `student` in `term` with its snapshot and final tier."""
    tier = session.query(Tier).filter_by(code=tier_code).one()
    snapshot = take_snapshot(student, household or student.household, datetime(term.start_date.year, 9, 20, tzinfo=UTC))
    row = Application(student_id=student.id, school_id=student.school_id, school_year_id=term.school_year_id,
                      term_id=term.id, status=ApplicationStatus.APPROVED, household_snapshot=snapshot,
                      suggested_tier_id=tier.id, final_tier_id=tier.id)
    session.add(row)
    session.flush()
    return row


@pytest.fixture
def turns(session, place):
    """Siblings A and B of place's household take turns; a pupil of a richer-now household flips."""
    before, now = make_previous_term(session), current_term(session)
    session.delete(place.application)  # place's draft is replaced by decided applications
    sibling = make_student(session, school=place.school, household=place.household, name="李小红")
    _decided(session, place.student, before, "general")
    _decided(session, sibling, before, "none")
    _decided(session, place.student, now, "none")
    _decided(session, sibling, now, "general")
    changed = make_household(session, district=place.school.district)
    earner = make_member(session, changed, annual_income=Decimal("8000"))
    pupil = make_student(session, school=place.school, household=changed, name="赵小刚")
    _decided(session, pupil, before, "general")
    earner.annual_income = Decimal("90000")  # the household really became better off
    session.flush()
    _decided(session, pupil, now, "none")
    session.commit()
    return place


def test_siblings_taking_turns_with_unchanged_facts_are_flagged(session, turns):
    report = check(session, turns.district_scope, current_term(session).school_year_id)
    assert report.previous_year is not None
    [school] = report.schools
    assert school.school_id == turns.school.id
    found = {w.reason: w for w in school.warnings}
    assert set(found) == {practices.FLIP, practices.SIBLINGS}
    # both siblings switched with unchanged facts; 赵小刚's household really changed
    assert found[practices.FLIP].numbers == {"count": 2}
    assert {p[0] for p in found[practices.FLIP].pupils} == {"李小明", "李小红"}
    assert found[practices.SIBLINGS].pupils[0][0] == "李小红"


def test_a_school_scope_sees_only_its_own_warnings(session, turns):
    from app.security.scope import Scope

    other = Scope(district_id=turns.school.district_id, school_id=turns.other_school.id)
    assert check(session, other, current_term(session).school_year_id).schools == []


def test_one_tier_for_nearly_everyone_is_flagged_as_equal_sharing(session, place):
    term = current_term(session)
    for n in range(10):
        student = make_student(session, school=place.other_school, household=place.household, name=f"学生{n}")
        _decided(session, student, term, "general")
    session.commit()
    report = check(session, place.district_scope, term.school_year_id)
    [school] = report.schools
    assert school.school_id == place.other_school.id
    assert [w.reason for w in school.warnings] == [practices.ONE_TIER]
    assert school.warnings[0].numbers["count"] == 10


def test_the_report_page_and_the_district_to_do(app, client, session, turns, login, make_user):
    login("district")
    page = client.get("/reports/fairness/").get_data(as_text=True)
    assert f'data-school="{turns.school.id}"' in page and 'data-reason="turns.siblings"' in page
    with app.test_request_context():
        user = session.query(app.appbuilder.sm.user_model).filter_by(username="district").one()
        todo = practice_warnings(make_context(context(session, turns.district_scope, user=user), user))
        assert todo.count == 1 and todo.url.endswith("/reports/fairness/")
        school = make_context(context(session, turns.scope, user=user), user)
        assert practice_warnings(school) is None  # not for a school
    make_user("auditor", "Auditor")
    client.get("/logout/")
    login("auditor")
    assert f'data-school="{turns.school.id}"' in client.get("/reports/fairness/").get_data(as_text=True)
    client.get("/logout/")
    login("school1")
    assert client.get("/reports/fairness/").status_code == 403
