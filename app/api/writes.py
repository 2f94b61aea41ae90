"""POST, PUT and DELETE of a REST resource: a fresh schema per request, the version check, the write
through the one runner, database refusals as 4xx."""
import logging

from flask import request
from flask_appbuilder.exceptions import DatabaseException
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import DataError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError

from app.context import Context
from app.errors import STALE, FieldErrors, Stale
from app.runner import run

log = logging.getLogger(__name__)

BLIND_RETRIES = 3  # a PUT without a version re-applied on the fresh row after losing a race
# columns the server keeps: never taken from a body
SERVER_COLUMNS = ("id", "created_on", "changed_on", "created_by", "changed_by", "version")
NOT_JSON = _l("The request body must be a JSON object.")
CONFLICT = _l("The record could not be saved: it conflicts with another record.")
IN_USE = _l("The record is still used by other records and cannot be deleted.")
BUSY = _l("The system is busy. Please try again in a moment.")
BAD_VALUE = _l("The record could not be saved: a value is out of range or too long.")


class Refused(Exception):
    """A write refused before or while saving; `status` and `message` make the answer."""

    def __init__(self, status: int, message, *, stale: bool = False):
        super().__init__(status)
        self.status = status
        self.message = message
        self.stale = stale  # lost a race with another save of the same row


def fresh(schema):
    """A new instance of a load schema: marshmallow-sqlalchemy keeps the instance being loaded on
    the schema object, so one schema shared by concurrent requests mixes their rows."""
    return type(schema)()


def row_version_key(model) -> str | None:
    """"version" when the model counts its rows' versions in that column (PUT checks it), else None."""
    column = sa_inspect(model).version_id_col
    return "version" if column is not None and column.key == "version" else None


def echo(schema, item) -> dict:
    """The saved record as the answer shows it (the add and edit schemas answer its version)."""
    return schema.dump(item)


def body() -> dict:
    """The request's JSON object, or Refused(400)."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Refused(400, str(NOT_JSON))
    return data


def expected_version(data: dict):
    """The version the client edited: `version` in the body or an If-Match header; None if not sent."""
    sent = data.pop("version", None)
    if sent is None and request.headers.get("If-Match"):
        sent = request.headers["If-Match"].strip().removeprefix("W/").strip('"')
    if sent is None:
        return None
    try:
        number = int(sent)
    except (TypeError, ValueError):
        raise Refused(422, {"version": [str(_l("must be a whole number"))]}) from None
    if isinstance(sent, bool) or not 0 <= number < 2**31:
        raise Refused(422, {"version": [str(_l("must be a whole number"))]})
    return number


def check_version(item, expected) -> None:
    """Refuse (409) a PUT made on an older version of the record than the one stored."""
    current = item.version if row_version_key(type(item)) else None
    if expected is not None and current is not None and expected != current:
        raise Refused(409, str(STALE))


def load(schema, data: dict, instance=None):
    """The body loaded into a new or an existing row; field errors as Refused(422)."""
    data = {k: v for k, v in data.items() if k not in SERVER_COLUMNS}
    try:
        if instance is None:
            return schema.load(data)
        return schema.load(data, instance=instance, partial=True)  # PUT changes only what it sends
    except ValidationError as err:
        raise Refused(422, err.messages) from None


def save(session, item, check, write) -> None:
    """Run the record's rules (`check`), then `write` the row and flush it: a refusal raises here,
    inside the use case (`run_write` turns it into an answer)."""
    check(item)
    write(item)
    session.flush()


def run_write(ctx: Context, command, *args, conflict=CONFLICT):
    """`command(ctx, *args)` through the runner (committed, or rolled back on any refusal); refused
    fields, a stale version and database refusals become Refused (`conflict` is the 409's message
    when the database refuses for another row)."""
    try:
        return run(ctx, command, *args)
    except FieldErrors as err:
        raise Refused(422, err.as_dict()) from None
    except Stale:
        raise Refused(409, str(STALE), stale=True) from None
    except (SQLAlchemyError, DatabaseException) as err:
        raise _refusal(err.__cause__ if isinstance(err, DatabaseException) else err, conflict) from None


def _refusal(error, conflict) -> Exception:
    """The answer to a database refusal: a stale version or a conflict 409, a bad value 422, busy 503."""
    if isinstance(error, StaleDataError):
        return Refused(409, str(STALE), stale=True)
    # the error's text and traceback carry the statement's parameters (ID numbers, phones): never logged
    log.warning("database refused a write: %s (%s)", type(error).__name__,
                getattr(getattr(error, "orig", None), "pgcode", None) or type(getattr(error, "orig", None)).__name__)
    if isinstance(error, IntegrityError):
        return Refused(409, str(conflict))
    if isinstance(error, DataError):
        return Refused(422, {"_schema": [str(BAD_VALUE)]})
    if isinstance(error, OperationalError):
        return Refused(503, str(BUSY))
    return error
