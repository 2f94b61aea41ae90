"""Request keys: checked, claimed once per user and key, forgotten after KEEP_DAYS."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from app.clock import FixedClock
from app.commands import idempotency
from app.models.request_key import RequestKey
from app.runner import run
from tests.context import context

NOW = datetime(2026, 12, 6, 1, 0, tzinfo=UTC)


@pytest.mark.parametrize("value", ["", " ", "a b", "x" * 129, "键"])
def test_a_malformed_key_is_refused(value):
    with pytest.raises(idempotency.BadRequestKey):
        idempotency.checked_key(value)


def test_a_printable_key_of_up_to_128_characters_is_taken():
    assert idempotency.checked_key("k" * 128) == "k" * 128
    assert idempotency.checked_key(None) is None


def test_a_key_is_claimed_once_per_user(session, make_user):
    one, two = make_user("one", "SchoolOfficer"), make_user("two", "SchoolOfficer")
    for user in (one, two):
        run(context(session, user=user, clock=FixedClock(NOW)), idempotency.claim, "k", "/a")
    with pytest.raises(IntegrityError):
        idempotency.claim_alone(session, one.id, "k", "/a", NOW)
    session.rollback()
    row = idempotency.recorded(session, one.id, "k")
    assert row.path == "/a" and row.created_on == NOW


def test_keys_older_than_a_week_are_forgotten_and_newer_ones_kept(session, make_user):
    user = make_user("one", "SchoolOfficer")
    for key, age in (("old", idempotency.KEEP_DAYS + 1), ("new", idempotency.KEEP_DAYS - 1)):
        session.add(RequestKey(user_id=user.id, key=key, path="/a", created_on=NOW - timedelta(days=age)))
    session.commit()
    assert run(context(session, clock=FixedClock(NOW)), idempotency.purge_keys) == 1
    assert [k for (k,) in session.query(RequestKey.key)] == ["new"]


def test_the_hourly_task_forgets_old_keys(app, session, make_user, clock):
    user = make_user("hourly", "SchoolOfficer")
    session.add(RequestKey(user_id=user.id, key="old", path="/a", created_on=clock.now()))
    session.commit()
    clock.move(days=8)
    session.add(RequestKey(user_id=user.id, key="new", path="/a", created_on=clock.now()))
    session.commit()
    app.extensions["zizhu.jobs"]._purge()
    session.expire_all()
    assert [row.key for row in session.query(RequestKey).filter_by(user_id=user.id)] == ["new"]
