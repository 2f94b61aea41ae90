"""A district with two schools, a second district, and one user per role."""
from dataclasses import dataclass

import pytest

from app.models import Application, FundAccount, FundSource, HouseholdMember, Relation, Term
from tests.conftest import TEST_PASSWORD
from tests.factories import make_district, make_household, make_school, make_student


@dataclass
class World:
    """Rows of two districts: schools a and b in district d, school c in district e."""

    d: object
    e: object
    a: object
    b: object
    c: object
    pupil: dict
    household: dict
    member: dict
    application: dict
    account: dict


def _school_rows(session, school, term, tag):
    household = make_household(session, district=school.district, guardian_name=f"{tag}家长",
                               phone="13800138000", bank_account="6217990000000001234")
    member = HouseholdMember(household_id=household.id, name=f"{tag}母亲", relation=Relation.MOTHER)
    session.add(member)
    pupil = make_student(session, school=school, household=household, name=f"{tag}学生",
                         grade=3, class_name="1班")
    application = Application(student_id=pupil.id, school_id=school.id, term_id=term.id,
                              school_year_id=term.school_year_id)
    account = FundAccount(code=f"ACC-{tag}", name=f"{tag}账户", source=FundSource.COUNTY,
                          fiscal_year=2026, district_id=school.district_id, school_id=school.id)
    session.add_all([application, account])
    session.flush()
    return pupil, household, member, application, account


@pytest.fixture
def world(session, make_user):
    """Schools A, B (district D) and C (district E), each with a pupil, household, member,
    application and fund account; users of every role."""
    term = session.query(Term).filter_by(is_current=True).one()
    d, e = make_district(session), make_district(session)
    a, b, c = make_school(session, district=d), make_school(session, district=d), make_school(session, district=e)
    rows = {tag: _school_rows(session, s, term, tag) for tag, s in (("A", a), ("B", b), ("C", c))}
    session.commit()
    make_user("district", "DistrictOfficer", district=d)
    make_user("school_a", "SchoolOfficer", school=a)
    make_user("teacher_a", "ClassTeacher", school=a, class_names="3年级1班")
    make_user("leader", "Leader", district=d)
    make_user("auditor", "Auditor")
    return World(d=d, e=e, a=a, b=b, c=c,
                 pupil={t: r[0] for t, r in rows.items()}, household={t: r[1] for t, r in rows.items()},
                 member={t: r[2] for t, r in rows.items()}, application={t: r[3] for t, r in rows.items()},
                 account={t: r[4] for t, r in rows.items()})


@pytest.fixture
def as_user(client, world):
    """Sign the test client in as a user: as_user("school_a")."""

    def _sign_in(username):
        client.get("/logout/")
        resp = client.post("/login/", data={"username": username, "password": TEST_PASSWORD})
        assert resp.status_code in (200, 302)
        return client

    return _sign_in
