"""The `place` fixture (plugged in by tests/conftest.py): a school, its officers, the default standard, a household."""
from dataclasses import dataclass

import pytest

from app.models import Health, Relation, WorkAbility
from app.security.scope import Scope
from tests.factories import (
    current_term,
    make_application,
    make_household,
    make_member,
    make_school,
    make_standard,
    make_student,
)


@dataclass
class Place:
    """What the identification tests work on."""

    school: object
    other_school: object
    standard: object
    student: object
    household: object
    application: object
    scope: Scope  # the school officer's
    district_scope: Scope


def _window_open_all_term(term) -> None:
    """Applications open for the whole term, so that tests may submit on any day of it."""
    term.application_opens, term.application_closes = term.start_date, term.end_date


@pytest.fixture
def place(session, make_user):
    """A rural household of four (mother unable to work, father earning 12 000 a year) with one
    pupil whose draft application is signed; the default standard in force; school1 and district users."""
    school = make_school(session)
    other = make_school(session, district=school.district)
    _window_open_all_term(current_term(session))
    standard = make_standard(session, school.district)
    household = make_household(session, district=school.district, school_id=school.id)
    make_member(session, household, name="王建国", relation=Relation.FATHER)
    make_member(session, household, name="李秀英", relation=Relation.MOTHER, annual_income=0,
                work_ability=WorkAbility.NONE, health=Health.SERIOUS_ILLNESS)
    make_member(session, household, name="王奶奶", relation=Relation.GRANDPARENT, annual_income=0)
    student = make_student(session, school=school, household=household)
    application = make_application(session, student)
    session.commit()
    make_user("school1", "SchoolOfficer", school=school)
    make_user("district", "DistrictOfficer", district=school.district)
    return Place(school, other, standard, student, household, application,
                 Scope(district_id=school.district_id, school_id=school.id),
                 Scope(district_id=school.district_id))
