"""Requests a client may retry: an Idempotency-Key header makes a create happen once per user and key."""
from flask import g, request
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from app.api import writes
from app.commands import idempotency

KEY_HEADER = "Idempotency-Key"


class Replayed(Exception):
    """The request repeats one already carried out under the same key: `response` answers it."""

    def __init__(self, response):
        super().__init__("replayed")
        self.response = response


def api_user_id() -> int | None:
    """The id of the API's user (FAB puts the JWT user in g.user)."""
    user = g.get("user") or current_user
    return getattr(user, "id", None) if getattr(user, "is_authenticated", False) else None


class IdempotentRequests:
    """Mixed into the REST base: claim a request's key, or give again the answer of its first use."""

    def _claim_key(self, session):
        """The request key row claimed for this user (None without a header); Replayed when it was used."""
        try:
            key = idempotency.checked_key(request.headers.get(KEY_HEADER))
        except idempotency.BadRequestKey as err:
            raise writes.Refused(400, str(err)) from None
        user_id = api_user_id()
        if key is None or user_id is None:
            return None
        try:
            return idempotency.claim(session, user_id, key, request.path)
        except IntegrityError:  # used before, or by a twin that has just committed
            session.rollback()
            raise Replayed(self._replay(idempotency.recorded(session, user_id, key))) from None

    def _replay(self, row):
        """The answer given to the first request with this key (409 when the key named another)."""
        if row is None or row.status is None:
            return self.response(409, message=gettext("The same request is being carried out; try again."))
        if row.path != request.path[:255]:
            return self.response(409, message=gettext("This Idempotency-Key was already used for another "
                                                      "request."))
        response = self.response(row.status, **(row.answer or {}))
        response.headers["Idempotent-Replayed"] = "true"
        return response
