"""No mutable state shared between requests: FAB's search filters become one object per request."""
import copy

from flask import has_request_context

from app.request_cache import per_request


class PerRequestFilters:
    """FAB keeps the search filters of a list in `self._filters`, one object per view, cleared and
    refilled by every request: two users listing at once could get each other's filters. Each
    request here gets its own copy, built like FAB's (same search columns and filters)."""

    @property
    def _filters(self):
        """This request's Filters of the view (FAB's own object outside a request)."""
        template = self.__dict__.get("_zz_filters")
        if template is None or not has_request_context():
            return template
        return per_request(f"filters:{id(self)}", lambda: _blank_copy(template))

    @_filters.setter
    def _filters(self, value):
        """FAB sets the filters once, at start-up: kept as the template of every request's copy."""
        self.__dict__["_zz_filters"] = value


def _blank_copy(filters):
    """A copy sharing FAB's converted filter tables (read-only) with its own empty filter lists."""
    clone = copy.copy(filters)
    clone.clear_filters()  # assigns new lists: the template's are never touched
    return clone
