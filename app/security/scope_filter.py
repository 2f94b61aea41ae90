"""FAB glue for the scope mechanism: a base filter every view and API carries."""
from flask_appbuilder.models.filters import BaseFilter

from app.security.scope import limit


class ScopeFilter(BaseFilter):
    """Limits any query of the view's model to the current user's scope (value unused)."""

    name = "scope"
    arg_name = "scope"

    def apply(self, query, value):
        """Add the scope criterion of this model (none for code lists)."""
        return limit(query, self.model)


SCOPE_BASE_FILTER = ["id", ScopeFilter, None]
