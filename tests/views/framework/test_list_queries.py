"""List pages: the number of SQL statements does not grow with the number of rows shown."""
import pytest
from sqlalchemy import event

from app.extensions import db
from tests.factories import make_household, make_school, make_student


class _Counter:
    def __init__(self):
        self.n = 0

    def __call__(self, *args, **kwargs):
        self.n += 1


def _queries(client, url):
    counter = _Counter()
    event.listen(db.engine, "before_cursor_execute", counter)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", counter)
    return counter.n


@pytest.mark.parametrize("view", ["StudentModelView", "HouseholdModelView", "HouseholdMemberModelView",
                                  "ApplicationModelView", "FundAccountModelView", "AidStandardModelView"])
def test_query_count_is_independent_of_page_size(client, session, make_user, login, view):
    from app.models import Application, HouseholdMember, Relation, SchoolYear, Term

    school = make_school(session)
    term = session.query(Term).filter_by(is_current=True).one()
    year = session.query(SchoolYear).filter_by(is_current=True).one()
    for i in range(45):
        household = make_household(session, district=school.district, guardian_name=f"家长{i}")
        session.add(HouseholdMember(household_id=household.id, name=f"家长{i}", relation=Relation.MOTHER))
        pupil = make_student(session, school=school, household=household)
        session.add(Application(student_id=pupil.id, school_id=school.id, term_id=term.id,
                                school_year_id=year.id))
    session.commit()
    make_user("district", "DistrictOfficer", district=school.district)
    login("district")
    few = _queries(client, f"/{view.lower()}/list/?psize_{view}=5")
    many = _queries(client, f"/{view.lower()}/list/?psize_{view}=40")
    assert few == many, (few, many)
    assert many <= 10


@pytest.mark.parametrize("resource", ["student", "household_member", "application", "school"])
def test_api_query_count_is_independent_of_page_size(client, session, make_user, jwt, resource):
    """Nested rows are checked against the scope once per request, not once per listed row."""
    from app.models import Application, HouseholdMember, Relation, SchoolYear, Term

    district_schools = [make_school(session)]
    district_schools += [make_school(session, district=district_schools[0].district) for _ in range(4)]
    term = session.query(Term).filter_by(is_current=True).one()
    year = session.query(SchoolYear).filter_by(is_current=True).one()
    for i in range(45):
        school = district_schools[i % 5]
        household = make_household(session, district=school.district, guardian_name=f"家长{i}")
        session.add(HouseholdMember(household_id=household.id, name=f"家长{i}", relation=Relation.MOTHER))
        pupil = make_student(session, school=school, household=household)
        session.add(Application(student_id=pupil.id, school_id=school.id, term_id=term.id, school_year_id=year.id))
    session.commit()
    make_user("district", "DistrictOfficer", district=district_schools[0].district)
    headers = jwt("district")

    def count(size):
        counter = _Counter()
        event.listen(db.engine, "before_cursor_execute", counter)
        try:
            assert client.get(f"/api/v1/{resource}/?q=(page_size:{size})", headers=headers).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)
        return counter.n

    count(1)  # the first request of the client loads what later requests find cached
    assert count(5) == count(40)
