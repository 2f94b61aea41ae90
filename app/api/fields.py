"""REST fields for relations: written by id only and inside the scope; read back filtered by the scope."""
from datetime import UTC

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields
from marshmallow_sqlalchemy.fields import Related, RelatedList

from app.commands.scoping import NOT_AVAILABLE
from app.request_cache import per_request
from app.security.scope import criterion, current_scope

MAX_ID = 2**63 - 1


def _session():
    """The request's SQLAlchemy session (the same scoped session FAB's interface uses)."""
    from app.extensions import db

    return db.session


def visible_ids(model, ids) -> set:
    """The subset of `ids` of `model` the current user may read (all when unscoped).

    Answers are kept for the request, and a question about one row also asks about every row of
    the model the request has loaded: a list of 100 pupils with their schools asks once, not 100 times.
    """
    ids = [i for i in ids if i is not None]
    where = criterion(model, current_scope())
    if where is None or not ids:
        return set(ids)
    known = per_request("visible-rows", dict).setdefault(model, {})
    unknown = {i for i in ids if i not in known}
    if unknown:
        session = _session()
        unknown |= {row.id for row in list(session.identity_map.values())
                    if isinstance(row, model) and row.id is not None and row.id not in known}
        allowed = {row_id for (row_id,) in session.query(model.id).filter(model.id.in_(unknown), where)}
        known.update({i: i in allowed for i in unknown})
    return {i for i in ids if known[i]}


class IdRelated(fields.Integer, Related):
    """A many-to-one value: the integer id of an existing row; never an object, never created.

    marshmallow-sqlalchemy's own `Related` builds a new row from an unknown id or from an object
    (`{"code": …, "name": …}`), which let a body create code-list rows or households.
    """

    default_error_messages = {
        "invalid": _l("must be the id (a whole number) of an existing record"),
        "missing_row": NOT_AVAILABLE,
    }

    def __init__(self, model, **kwargs):
        super().__init__(strict=True, **kwargs)
        self.target = model

    def _serialize(self, value, attr, obj, **kwargs):
        """A related row is written out as its id."""
        return None if value is None else getattr(value, "id", value)

    def _deserialize(self, value, attr, data, **kwargs):
        """The row with this id if it exists, else a field error; the scope check follows with the
        record's rules (`check_scope`, same message), after the server has set its own scope fields."""
        if isinstance(value, bool):
            raise self.make_error("invalid")
        number = super()._deserialize(value, attr, data, **kwargs)
        if not 0 < number <= MAX_ID:
            raise self.make_error("missing_row")
        row = _session().get(self.target, number)
        if row is None:
            raise self.make_error("missing_row")
        return row


class ScopedNested(fields.Nested):
    """A nested relation in an answer lists only the rows the reader could read directly."""

    def __init__(self, nested, model, **kwargs):
        super().__init__(nested, **kwargs)
        self.target = model
        if isinstance(nested, Schema):  # the spec reads `many` from the nested schema (apispec)
            nested.many = self.many

    def _serialize(self, nested_obj, attr, obj, **kwargs):
        """Drop related rows outside the user's scope before writing them out."""
        if nested_obj is None:
            return None
        rows = list(nested_obj) if self.many else [nested_obj]
        allowed = visible_ids(self.target, [row.id for row in rows])
        kept = [row for row in rows if row.id in allowed]
        if not self.many:
            kept = kept[0] if kept else None
        return super()._serialize(kept, attr, obj, **kwargs)


class UtcDateTime(fields.DateTime):
    """A stored (naive UTC) date and time answered with its offset, as a date-time must be."""

    @classmethod
    def like(cls, field: fields.DateTime) -> "UtcDateTime":
        """The same field (required, null, validators, metadata) answering with an offset."""
        return cls(required=field.required, allow_none=field.allow_none, validate=field.validators,
                   metadata=field.metadata, dump_only=field.dump_only, load_only=field.load_only)

    def _serialize(self, value, attr, obj, **kwargs):
        """Naive values are UTC."""
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class IdList(RelatedList):
    """A to-many relation written as a list of ids; read back as the ids the user may see."""

    def __init__(self, inner, model, **kwargs):
        super().__init__(inner, **kwargs)
        self.target = model

    def _serialize(self, value, attr, obj, **kwargs):
        """Only the ids of related rows inside the user's scope."""
        if value is None:
            return None
        allowed = visible_ids(self.target, [row.id for row in value])
        return [row.id for row in value if row.id in allowed]
