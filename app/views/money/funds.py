"""Views of fund accounts (资金管理); the ledger arrives with the money issue."""
from flask_babel import lazy_gettext as _l

from app.fab.interface import ZizhuInterface
from app.models import FundAccount
from app.views.framework.base import ZizhuModelView


class FundAccountModelView(ZizhuModelView):
    """Separate accounts per source of funds and fiscal year."""

    datamodel = ZizhuInterface(FundAccount)
    list_title = _l("Fund accounts")
    show_title = _l("Fund account")
    add_title = _l("Add fund account")
    edit_title = _l("Edit fund account")
    list_columns = ["code", "name", "source", "fiscal_year", "school", "aid_item", "active"]
    add_columns = edit_columns = show_columns = [
        "code", "name", "source", "fiscal_year", "district", "school", "aid_item", "donor",
        "active", "description",
    ]
    search_columns = ["code", "name", "source", "fiscal_year", "school", "aid_item", "active"]
    base_order = ("code", "asc")
