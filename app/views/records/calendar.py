"""Views of the calendar: school years and terms."""
from flask_babel import lazy_gettext as _l

from app.fab.interface import ZizhuInterface
from app.models import SchoolYear, Term
from app.views.framework.base import ZizhuModelView


class TermModelView(ZizhuModelView):
    """Terms with their dates and application window."""

    datamodel = ZizhuInterface(Term)
    list_title = _l("Terms")
    show_title = _l("Term")
    add_title = _l("Add term")
    edit_title = _l("Edit term")
    list_columns = ["name", "school_year", "season", "start_date", "end_date", "is_current"]
    add_columns = edit_columns = show_columns = [
        "school_year", "season", "name", "start_date", "end_date", "application_opens",
        "application_closes", "school_days", "is_current",
    ]
    search_columns = ["name", "school_year", "season", "is_current"]
    base_order = ("start_date", "desc")


class SchoolYearModelView(ZizhuModelView):
    """School years; identification happens once per year."""

    datamodel = ZizhuInterface(SchoolYear)
    list_title = _l("School years")
    show_title = _l("School year")
    add_title = _l("Add school year")
    edit_title = _l("Edit school year")
    list_columns = ["name", "start_date", "end_date", "is_current"]
    add_columns = edit_columns = show_columns = ["name", "start_date", "end_date", "is_current"]
    search_columns = ["name", "is_current"]
    base_order = ("start_date", "desc")
    related_views = [TermModelView]
