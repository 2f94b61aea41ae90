"""The security clock: one `now()` for login back-off and session limits, replaced in tests."""
from datetime import datetime


def now() -> datetime:
    """Local naive time, as Flask-AppBuilder stores it in ab_user (last_login, changed_on)."""
    return datetime.now()
