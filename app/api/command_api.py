"""Custom REST endpoints that run one command each: the body checked, the runner, the answer."""
from flask import request
from flask_babel import gettext
from marshmallow import Schema, ValidationError

import app.api.field_errors  # noqa: F401  (translated messages, before any body schema is built)
from app.api import writes
from app.api.base import ZizhuApi
from app.api.idempotent import KeyTaken
from app.commands import idempotency
from app.errors import DomainError
from app.runner import run
from app.security.request_context import current_context


class BadBody(Exception):
    """The request body is not a JSON object."""


def request_values(schema: Schema | None) -> dict:
    """The JSON body checked by `schema` (an empty body is `{}`); BadBody or ValidationError."""
    if schema is None:
        return {}
    data = request.get_json(silent=True)
    if data is None and not request.get_data():
        data = {}
    if not isinstance(data, dict):
        raise BadBody()
    return schema.load(data)


class CommandApi(ZizhuApi):
    """A scoped resource whose custom endpoints run one command each, through the one runner.

    Refused fields answer 422 {message: {field: [message]}} like every other resource (a string
    message on a 422 is hidden as a database error); a body that is not a JSON object 400; a
    record not found (or not in scope) 404; any other refusal (an illegal step, an open objection,
    no standard in force, a stale save…) 409 {message}.
    """

    def run_command(self, schema: Schema | None, command, answer, status: int = 200, aliases=None):
        """Check the body, run `command(ctx, values)` through the runner, answer `answer(result)`.

        `aliases` renames the command's refused fields to the body's (return_reason → reason). With
        an `Idempotency-Key` header the request is carried out once per user and key: the key is
        stored with the answer in the same transaction, and a repeat (or a concurrent twin) gets
        the first answer again, marked `Idempotent-Replayed: true`.
        """
        try:
            values = request_values(schema)
            key = self._request_key()
        except BadBody:
            return self.response_400(message=gettext("The request body must be a JSON object."))
        except ValidationError as err:
            return self.response_422(message=err.messages)
        except writes.Refused as refused:
            return self.response(refused.status, message=refused.message)
        ctx = current_context()
        try:
            body = run(ctx, self._carry_out, command, answer, values, key, status)
        except KeyTaken:
            return self._replay(ctx, key)
        except DomainError as err:
            return self.refused(err, aliases)
        return self.response(status, **body)

    def _carry_out(self, ctx, command, answer, values: dict, key: str | None, status: int) -> dict:
        """The use case with its key: the key claimed first, the answer kept with it, in one transaction."""
        claimed = self._claim(ctx, key)
        body = answer(command(ctx, values))
        if claimed is not None:
            idempotency.remember(claimed, status, body)
        return body
