"""Views of the organisation: districts and schools."""
from flask_babel import lazy_gettext as _l

from app.fab.interface import ZizhuInterface
from app.models import District, School
from app.views.framework.base import ZizhuModelView
from app.views.records.people import StudentModelView


class SchoolModelView(ZizhuModelView):
    """Schools of the district, with their pupils."""

    datamodel = ZizhuInterface(School)
    list_title = _l("Schools")
    show_title = _l("School")
    add_title = _l("Add school")
    edit_title = _l("Edit school")
    list_columns = ["code", "name", "township", "has_boarding", "is_rural", "active"]
    search_columns = ["code", "name", "township", "has_boarding", "is_rural", "active"]
    add_columns = edit_columns = [
        "district", "code", "name", "township", "has_boarding", "is_rural", "address",
        "contact_name", "contact_phone", "active",
    ]
    show_columns = add_columns + ["created_on", "changed_on"]
    order_columns = ["code", "name", "township"]
    base_order = ("code", "asc")
    related_views = [StudentModelView]


class DistrictModelView(ZizhuModelView):
    """Districts (county education bureaus) served by this deployment."""

    datamodel = ZizhuInterface(District)
    list_title = _l("Districts")
    show_title = _l("District")
    add_title = _l("Add district")
    edit_title = _l("Edit district")
    list_columns = ["code", "name"]
    search_columns = ["code", "name"]
    add_columns = edit_columns = show_columns = ["code", "name"]
    related_views = [SchoolModelView]
