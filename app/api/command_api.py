"""Custom REST endpoints that run one command each: the body checked, the transaction, the answer."""
from flask import request
from flask_babel import gettext
from marshmallow import Schema, ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

import app.api.field_errors  # noqa: F401  (translated messages, before any body schema is built)
from app.api.base import ZizhuApi
from app.api.idempotent import KEY_HEADER, api_user_id
from app.commands import idempotency
from app.errors import DomainError, FieldErrors
from app.commands.locking import STALE
from app.security.scope import current_scope


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
    """A scoped resource whose custom endpoints run one command each, in one transaction.

    Refused fields answer 422 {message: {field: [message]}} like every other resource (a string
    message on a 422 is hidden as a database error); a body that is not a JSON object 400; the
    `not_found` errors 404; any other DomainError (an illegal step, an open objection, no standard
    in force…) 409 {message}.
    """

    not_found: tuple[type[DomainError], ...] = ()

    def run_command(self, schema: Schema | None, command, answer, status: int = 200, aliases=None):
        """Check the body, run `command(session, scope, values)`, commit, answer `answer(result)`.

        `aliases` renames the command's refused fields to the body's (return_reason → reason). With
        an `Idempotency-Key` header the request is carried out once per user and key: the key is
        stored with the answer in the same transaction, and a repeat (or a concurrent twin) gets
        the first answer again, marked `Idempotent-Replayed: true`.
        """
        try:
            values = request_values(schema)
            key = idempotency.checked_key(request.headers.get(KEY_HEADER))
        except BadBody:
            return self.response_400(message=gettext("The request body must be a JSON object."))
        except ValidationError as err:
            return self.response_422(message=err.messages)
        except idempotency.BadRequestKey as err:
            return self.response_400(message=str(err))
        session, user_id = self.datamodel.session, api_user_id()
        claimed = None
        if key is not None and user_id is not None:
            try:
                claimed = idempotency.claim(session, user_id, key, request.path)
            except IntegrityError:  # used before, or by a twin that has just committed
                session.rollback()
                return self._replay(idempotency.recorded(session, user_id, key))
        return self._run(session, lambda: command(session, current_scope(), values), answer, status,
                         aliases, claimed)

    def _run(self, session, run, answer, status: int, aliases, claimed):
        """Run, keep the answer with the claimed key, commit; refusals roll back (the key too)."""
        try:
            body = answer(run())
            if claimed is not None:
                idempotency.remember(claimed, status, body)
            session.commit()
        except FieldErrors as err:
            session.rollback()
            return self.response_422(message={(aliases or {}).get(f, f): m for f, m in err.as_dict().items()})
        except DomainError as err:
            session.rollback()
            return self.response(404 if isinstance(err, self.not_found) else 409, message=str(err))
        except StaleDataError:  # another request changed the row between our read and our write
            session.rollback()
            return self.response(409, message=str(STALE))
        return self.response(status, **body)
