"""Views of aid items and their standard amounts (资助项目与标准)."""
from flask_babel import lazy_gettext as _l

from app.fab.interface import ZizhuInterface
from app.models import AidItem, AidStandard
from app.views.framework.base import ZizhuModelView


class AidStandardModelView(ZizhuModelView):
    """Amounts per item, tier and boarding status, by effective date."""

    datamodel = ZizhuInterface(AidStandard)
    list_title = _l("Aid standards")
    show_title = _l("Aid standard")
    add_title = _l("Add aid standard")
    edit_title = _l("Edit aid standard")
    list_columns = ["aid_item", "tier", "boarding", "amount", "unit", "effective_from", "effective_to"]
    add_columns = edit_columns = show_columns = [
        "aid_item", "tier", "boarding", "level", "amount", "unit", "effective_from",
        "effective_to", "notes",
    ]
    search_columns = ["aid_item", "tier", "boarding", "unit", "effective_from"]
    base_order = ("effective_from", "desc")


class AidItemModelView(ZizhuModelView):
    """Aid items configured by the district."""

    datamodel = ZizhuInterface(AidItem)
    list_title = _l("Aid items")
    show_title = _l("Aid item")
    add_title = _l("Add aid item")
    edit_title = _l("Edit aid item")
    list_columns = ["code", "name", "category", "kind", "payee", "active"]
    add_columns = edit_columns = show_columns = [
        "code", "name", "category", "kind", "payee", "needs_identification",
        "exclusivity_group", "active", "policy_basis", "description",
    ]
    search_columns = ["code", "name", "category", "kind", "payee", "active"]
    base_order = ("code", "asc")
    related_views = [AidStandardModelView]
