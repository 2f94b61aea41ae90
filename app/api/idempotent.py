"""Requests a client may retry: an Idempotency-Key header makes a create happen once per user and key."""
from flask import request
from flask_babel import gettext
from sqlalchemy.exc import IntegrityError

from app.api import writes
from app.commands import idempotency
from app.context import Context

KEY_HEADER = "Idempotency-Key"


class KeyTaken(Exception):
    """The request's key was used before, or by a twin that has just committed: answer as it did."""


class IdempotentRequests:
    """Mixed into the REST base: claim a request's key in its use case, or give again the answer of
    its first use."""

    @staticmethod
    def _request_key() -> str | None:
        """The Idempotency-Key sent (None when none was); Refused(400) when it is malformed."""
        try:
            return idempotency.checked_key(request.headers.get(KEY_HEADER))
        except idempotency.BadRequestKey as err:
            raise writes.Refused(400, str(err)) from None

    @staticmethod
    def _claim(ctx: Context, key: str | None):
        """Inside the use case's transaction: the key row claimed for the acting user (None without a
        key or a user); KeyTaken when it was used (the runner rolls the transaction back)."""
        if key is None or ctx.actor.user_id is None:
            return None
        try:
            return idempotency.claim(ctx, key, request.path)
        except IntegrityError:
            raise KeyTaken() from None

    def _replay(self, ctx: Context, key: str):
        """The answer given to the first request with this key (409 when it is still being carried
        out, or when the key named another request)."""
        row = idempotency.recorded(ctx.session, ctx.actor.user_id, key)
        if row is None or row.status is None:
            return self.response(409, message=gettext("The same request is being carried out; try again."))
        if row.path != request.path[:255]:
            return self.response(409, message=gettext("This Idempotency-Key was already used for another "
                                                      "request."))
        response = self.response(row.status, **(row.answer or {}))
        response.headers["Idempotent-Replayed"] = "true"
        return response
