"""SQLAInterface that loads the relations a list shows in the same query, and refuses what would
reveal a masked value (sorting by it) or break the database (absurd pages)."""
from flask_appbuilder.exceptions import InvalidColumnFilterFABException, InvalidOperationFilterFABException
from flask_appbuilder.models.filters import Filters
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import BadRequest

from app.fab.filters import SafeFilterConverter
from app.services.masking import is_sensitive_column

# no list is ever this long; a larger OFFSET overflows SQLite's and PostgreSQL's 64-bit integers
MAX_OFFSET = 2**31


class SensitiveOrderRefused(BadRequest):
    """Sorting by a masked column would find its values by bisection; the API answers 400."""

    description = _l("Lists cannot be sorted by a masked column (ID number, phone, bank account, "
                     "birth date).")

    def __str__(self) -> str:
        """The translated sentence only (FAB's @safe answers 400 with str(error))."""
        return str(self.description)


def is_sensitive_order(order_column) -> bool:
    """Whether an order column (school.contact_phone included) names a masked value."""
    return bool(order_column) and is_sensitive_column(str(order_column).rsplit(".", 1)[-1])


class SafeFilters(Filters):
    """FAB's Filters; an unknown filter index in the URL (_flt_9_name) is ignored, not a 500."""

    def add_filter_index(self, column_name, filter_instance_index, value):
        """Add the filter only when the column offers that index."""
        if 0 <= filter_instance_index < len(self._all_filters.get(column_name, ())):
            super().add_filter_index(column_name, filter_instance_index, value)

    def rest_add_filters(self, data):
        """The API's `q` filters through the column's own filters (SafeFilterConverter's: safe
        values, exact match only on a masked column), never FAB's raw class for the operator."""
        for item in data if isinstance(data, list) else [data]:
            if not isinstance(item, dict) or not {"col", "opr", "value"} <= item.keys():
                raise InvalidOperationFilterFABException("Invalid filter")
            column, operator = item["col"], item["opr"]
            if column not in self.search_columns:
                raise InvalidColumnFilterFABException(f"Filter column: {column} not allowed to filter")
            found = [f for f in self._search_filters.get(column, ()) if f.arg_name == operator]
            if not found:
                raise InvalidOperationFilterFABException(
                    f"Filter operation: {operator} not allowed on column: {column}")
            flt = found[0]
            self._add_filter(flt(column, self.datamodel) if isinstance(flt, type) else flt, item["value"])


class ZizhuInterface(SQLAInterface):
    """Adds `eager_relations`: many-to-one relations joined into list queries (no N+1)."""

    eager_relations: list[str] = []
    filter_converter_class = SafeFilterConverter
    max_page_size = 100

    def get_user_columns_list(self) -> list[str]:
        """FAB's columns shown or given by default (pk and foreign keys left out), without the ones a
        model keeps for itself (Column(info={"internal": True})), on every list, show and answer."""
        return [name for name in super().get_user_columns_list() if not self._internal(name)]

    def get_search_columns_list(self) -> list[str]:
        """FAB's searchable columns without the internal ones (never a filter either)."""
        return [name for name in super().get_search_columns_list() if not self._internal(name)]

    def _internal(self, name: str) -> bool:
        """Whether the model keeps the column for itself (not data a user reads or filters on)."""
        column = self.list_columns.get(name)
        return column is not None and bool(column.info.get("internal"))

    def get_filters(self, search_columns=None, search_filters=None):
        """SafeFilters instead of FAB's Filters."""
        return SafeFilters(self.filter_converter_class, self, search_columns=search_columns or [],
                           search_filters=search_filters)

    def apply_pagination(self, query, page, page_size):
        """Clamp what the URL asks for: no negative pages, 1 to 100 rows a page, and no OFFSET
        beyond any list (an empty page, not an integer overflow in the database)."""
        page = max(0, page or 0)
        if page_size is not None:
            page_size = min(max(1, page_size), self.max_page_size)
            page = min(page, MAX_OFFSET // page_size)
        return super().apply_pagination(query, page, page_size)

    def apply_all(self, query, filters=None, order_column="", order_direction="", page=None,
                  page_size=None, select_columns=None, outer_default_load=False):
        """FAB's apply_all plus joined loading of the listed relations; sorting by a masked
        column is refused (SensitiveOrderRefused, a 400) like filtering on it."""
        if is_sensitive_order(order_column):
            raise SensitiveOrderRefused()
        query = super().apply_all(
            query, filters, order_column, order_direction, page, page_size,
            select_columns, outer_default_load,
        )
        if self.eager_relations and not select_columns:
            query = query.options(*[joinedload(getattr(self.obj, rel)) for rel in self.eager_relations])
        return query
