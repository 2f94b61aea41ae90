"""View-test fixtures: a school and its district officer, signed in."""
import pytest

from tests.factories import make_school


@pytest.fixture
def district_school(session, make_user, login):
    """A school whose district officer (`district`) is signed in on the test client."""
    school = make_school(session)
    session.commit()
    make_user("district", "DistrictOfficer", district=school.district)
    login("district")
    return school
