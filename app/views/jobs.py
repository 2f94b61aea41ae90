"""Background jobs (后台任务): the list of one's jobs, a progress page, cancel and download."""
from flask_babel import lazy_gettext as _l

from app.models import Job
from app.views.base import ZizhuModelView
from app.views.interface import ZizhuInterface


class JobModelView(ZizhuModelView):
    """The jobs a user started (auditors and administrators see everyone's)."""

    datamodel = ZizhuInterface(Job)
    class_permission_name = "Job"
    list_title = _l("Background jobs")
    show_title = _l("Background job")
    list_columns = ["id", "kind", "status", "rows_done", "created_on", "finished_at"]
    show_columns = list_columns
    base_permissions = ["can_list", "can_show"]
    base_order = ("id", "desc")
