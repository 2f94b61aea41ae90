"""Idempotency keys: a create that a client may retry is recorded once per user and key.

The key is inserted in the same transaction as the create, under a UNIQUE (user, key) constraint:
a repeat finds it, and a concurrent twin waits on the constraint until the first commits, then
fails with IntegrityError; the runner rolls back and answers what the first answered.
"""
import re
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert

from app.context import Context
from app.errors import AlreadyDone, DomainError
from app.models.request_key import RequestKey

KEEP_DAYS = 7  # a client retries within minutes; a week covers an office closed over a holiday
KEY = re.compile(r"[\x21-\x7e]{1,128}")  # printable ASCII, no spaces


class AlreadyRecorded(AlreadyDone):
    """The same thing was recorded a moment ago (a form or request sent twice); nothing new is written."""


class BadRequestKey(DomainError):
    """The key is empty, too long or has characters other than printable ASCII."""


def checked_key(value: str | None) -> str | None:
    """The key sent (None when none was), else BadRequestKey."""
    if value is None:
        return None
    if not KEY.fullmatch(value):
        raise BadRequestKey(_l("The Idempotency-Key must be 1 to 128 printable characters without spaces."))
    return value


def recorded(session, user_id: int, key: str) -> RequestKey | None:
    """The request already carried out under this user's key, if any."""
    return session.query(RequestKey).filter_by(user_id=user_id, key=key).one_or_none()


def claim(ctx: Context, key: str, path: str) -> RequestKey:
    """Insert the acting user's key now, before the create (IntegrityError when it is already taken)."""
    row = RequestKey(user_id=ctx.actor.user_id, key=key, path=path[:255], created_on=ctx.now)
    ctx.session.add(row)
    ctx.session.flush()
    return row


def claim_alone(session, user_id: int, key: str, path: str, now: datetime) -> None:
    """Insert the key (stamped `now`) with a plain INSERT that flushes nothing else the session holds
    (a form's record not yet checked); IntegrityError when it is already taken."""
    session.execute(insert(RequestKey.__table__).values(user_id=user_id, key=key, path=path[:255],
                                                        created_on=now))


def remember(row: RequestKey, status: int, answer: dict) -> None:
    """Keep the answer given, to give it again to a repeat of the request."""
    row.status, row.answer = status, answer


def purge_keys(ctx: Context) -> int:
    """Forget keys older than KEEP_DAYS by the context's clock (the hourly task); how many were deleted."""
    old = RequestKey.__table__.delete().where(RequestKey.created_on < ctx.now - timedelta(days=KEEP_DAYS))
    return ctx.session.execute(old).rowcount
