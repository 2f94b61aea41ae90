"""Command tests reuse the two-district world of the security tests."""
from tests.security.conftest import as_user, world  # noqa: F401  (fixtures)
