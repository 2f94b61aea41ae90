"""List filters that answer an odd value with an empty result instead of a server error."""
from flask_appbuilder.models.sqla.filters import SQLAFilterConverter
from sqlalchemy import false


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


def _safe(filter_cls):
    """A subclass of a FAB filter with the SafeFilterMixin in front."""
    return type(filter_cls.__name__, (SafeFilterMixin, filter_cls), {})


class SafeFilterConverter(SQLAFilterConverter):
    """FAB's conversion table with every filter wrapped by SafeFilterMixin."""

    conversion_table = tuple(
        (test, [_safe(f) for f in filters]) for test, filters in SQLAFilterConverter.conversion_table
    )
