"""Job tests reuse the two-district world of the security tests."""
import pytest

from tests.security.conftest import as_user, world  # noqa: F401  (fixtures)


@pytest.fixture
def owner(make_user, session):
    """A district officer who owns the jobs."""
    from tests.factories import make_district

    return make_user("owner", "DistrictOfficer", district=make_district(session))


@pytest.fixture
def kind(monkeypatch):
    """Register a test kind whose work is the function given: kind(fn)."""
    from app.jobs.kinds import KINDS, JobKind

    def _register(work):
        monkeypatch.setitem(KINDS, "test_kind", JobKind("test_kind", "Test", "", ("can_read", "Job"), work))
        return "test_kind"
    return _register
