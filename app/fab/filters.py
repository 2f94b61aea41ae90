"""List filters that answer an odd value with an empty result instead of a server error."""
import re
from datetime import date

from flask import current_app, has_request_context
from flask_appbuilder.models.sqla.filters import (
    FilterContains,
    FilterEqual,
    FilterStartsWith,
    SQLAFilterConverter,
    get_field_setup_query,
)
from sqlalchemy import false

from app.services.masking import is_sensitive_column

_ASCII_LETTER = re.compile(r"[A-Za-z]")


def _coerce(datamodel, column: str, value):
    """Check a filter value against its column; raise ValueError when it cannot match."""
    if isinstance(value, (list, tuple)):
        return value
    if datamodel.is_relation(column):
        return str(int(value))
    if datamodel.is_enum(column):
        enum_cls = datamodel.list_columns[column].type.enum_class
        return enum_cls(value).value
    if datamodel.is_integer(column) and not datamodel.is_boolean(column):
        return str(int(value))
    return value


class SafeFilterMixin:
    """Validate the value first; a value that cannot match gives no rows, never a 500."""

    def apply(self, query, value):
        """Apply the wrapped filter, or an always-false condition for an impossible value."""
        try:
            value = _coerce(self.datamodel, self.column_name, value)
        except (TypeError, ValueError):
            return query.filter(false())
        return super().apply(query, value)


def _caseless(value) -> bool:
    """True when case cannot matter (Chinese names, digits): no ASCII letters in the value."""
    return isinstance(value, str) and not _ASCII_LETTER.search(value)


class IndexedStartsWith(FilterStartsWith):
    """'Starts with' without lower(): an index range on SQLite, LIKE 'v%' elsewhere."""

    def apply(self, query, value):
        """Use FAB's ILIKE only where letter case matters."""
        if not _caseless(value):
            return super().apply(query, value)
        query, field = get_field_setup_query(query, self.model, self.column_name)
        if self.datamodel.session.get_bind().dialect.name == "sqlite":
            return query.filter(field >= value, field < value + "\U0010ffff")
        return query.filter(field.startswith(value, autoescape=True))


class PlainContains(FilterContains):
    """'Contains' without lower() on every row when case cannot matter (2-3x faster)."""

    def apply(self, query, value):
        """LIKE '%v%' for Chinese values, FAB's ILIKE otherwise."""
        if not _caseless(value):
            return super().apply(query, value)
        query, field = get_field_setup_query(query, self.model, self.column_name)
        return query.filter(field.contains(value, autoescape=True))


_REPLACE = {FilterStartsWith: IndexedStartsWith, FilterContains: PlainContains}


def _safe(filter_cls):
    """A subclass of a FAB filter with the SafeFilterMixin in front."""
    filter_cls = _REPLACE.get(filter_cls, filter_cls)
    return type(filter_cls.__name__, (SafeFilterMixin, filter_cls), {})


class SensitiveEqual(FilterEqual):
    """The only filter on an ID number, bank account, phone or birth date: exact match, for roles
    that may reveal such values; anyone else gets no rows (no guessing by prefix or by elimination)."""

    def apply(self, query, value):
        """Exact match if permitted, else an always-false condition."""
        permitted = has_request_context() and current_app.appbuilder.sm.has_access(
            "can_reveal", self.model.__name__)
        if not permitted or not isinstance(value, str):
            return query.filter(false())
        value = value.strip().upper()
        if self.datamodel.is_date(self.column_name):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                return query.filter(false())
        return super().apply(query, value)


class SafeFilterConverter(SQLAFilterConverter):
    """FAB's conversion table with every filter wrapped by SafeFilterMixin; sensitive columns
    get SensitiveEqual only."""

    conversion_table = tuple(
        (test, [_safe(f) for f in filters]) for test, filters in SQLAFilterConverter.conversion_table
    )

    def convert(self, col_name):
        """Filters offered on a column (list pages and the API's `q` alike)."""
        if is_sensitive_column(col_name):
            return [SensitiveEqual(col_name, self.datamodel)]
        return super().convert(col_name)
