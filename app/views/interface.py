"""SQLAInterface that loads the relations a list shows in the same query."""
from flask_appbuilder.models.filters import Filters
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy.orm import joinedload

from app.views.filters import SafeFilterConverter


class SafeFilters(Filters):
    """FAB's Filters; an unknown filter index in the URL (_flt_9_name) is ignored, not a 500."""

    def add_filter_index(self, column_name, filter_instance_index, value):
        """Add the filter only when the column offers that index."""
        if 0 <= filter_instance_index < len(self._all_filters.get(column_name, ())):
            super().add_filter_index(column_name, filter_instance_index, value)


class ZizhuInterface(SQLAInterface):
    """Adds `eager_relations`: many-to-one relations joined into list queries (no N+1)."""

    eager_relations: list[str] = []
    filter_converter_class = SafeFilterConverter
    max_page_size = 100

    def get_filters(self, search_columns=None, search_filters=None):
        """SafeFilters instead of FAB's Filters."""
        return SafeFilters(self.filter_converter_class, self, search_columns=search_columns or [],
                           search_filters=search_filters)

    def apply_pagination(self, query, page, page_size):
        """Clamp what the URL asks for: no negative pages, never more than 100 rows a page."""
        page = max(0, page or 0)
        page_size = min(max(1, page_size), self.max_page_size) if page_size else page_size
        return super().apply_pagination(query, page, page_size)

    def apply_all(self, query, filters=None, order_column="", order_direction="", page=None,
                  page_size=None, select_columns=None, outer_default_load=False):
        """FAB's apply_all plus joined loading of the listed relations."""
        query = super().apply_all(
            query, filters, order_column, order_direction, page, page_size,
            select_columns, outer_default_load,
        )
        if self.eager_relations and not select_columns:
            query = query.options(*[joinedload(getattr(self.obj, rel)) for rel in self.eager_relations])
        return query
