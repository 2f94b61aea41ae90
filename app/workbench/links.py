"""Links from the workbench to list pages, pre-filtered with FAB's `_flt_<index>_<column>` arguments."""
import logging

from flask import url_for
from werkzeug.routing import BuildError

log = logging.getLogger(__name__)

# FAB numbers the filters of a column in its converter's order (app/fab/filters.py)
EQUAL_ENUM = "_flt_0_{}"  # enum columns: Equal, Not equal
EQUAL_RELATION = "_flt_0_{}"  # many-to-one: Relation, No relation
EQUAL_BOOLEAN = "_flt_0_{}"  # booleans: Equal ("y" is true), Not equal
EQUAL_STRING = "_flt_3_{}"  # strings: Starts with, Ends with, Contains, Equal, …
AFTER_TIME = "_flt_0_{}"  # audit times: After, Before (app/views/admin/audit.py)


def link(endpoint: str, **args) -> str | None:
    """`url_for(endpoint, **args)`, or None (logged) when the endpoint is not registered."""
    try:
        return url_for(endpoint, **args)
    except BuildError:
        log.warning("workbench link to unknown endpoint %s", endpoint)
        return None

