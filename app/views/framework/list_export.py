"""Excel export of every list page: the "Export to Excel" button, the file at once for a small list,
a background job for a large one (waiting for the district's approval when a school exports many
rows of personal data), and the district's page of exports waiting for approval."""
import os
import tempfile
from pathlib import Path

from flask import abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app.commands.list_exports import approve_list_export, expires_at, needs_approval, start_list_export, waiting_query
from app.extensions import db
from app.jobs.files import WORK_PREFIX, remove_folder
from app.jobs.list_export import find_view
from app.jobs.queue import job_queue
from app.jobs.runner import jobs_dir
from app.models import Job
from app.reports.downloads import attachment
from app.reports.list_export import export_list, list_query
from app.runner import run
from app.security.request_context import current_context
from app.security.scope import current_scope
from app.services.masking import is_sensitive_column
from app.views.framework.runner import attempt

EXPORT_PERMISSION = {"export": "read"}  # whoever reads a list may export it, masked as it shows
# lists of pupils and families: a school's large export of them may need the district's approval
PERSONAL_MODELS = {"Student", "Household", "HouseholdMember", "Application", "HomeVisit", "Objection",
                   "ReviewDecision", "NoticeEntry", "Entitlement", "DisbursementLine", "DistributionLine"}
LIST_ARGS = ("_flt_", "_oc_", "_od_")


def list_args() -> list[list[str]]:
    """The request's filter and order arguments ([key, value] pairs, JSON-ready for a job)."""
    return [[k, v] for k, v in request.args.items(multi=True) if k.startswith(LIST_ARGS)]


class ListExportMixin:
    """Mixed into ZizhuModelView: POST <view>/export writes the list as the request's arguments
    filter and sort it. `export_enabled = False` turns it off; `export_personal_data` (None: by the
    model, or a masked column in the list) says whether the approval rule applies."""

    export_enabled = True
    export_personal_data: bool | None = None

    def _list(self, **kwargs):
        """The list page with its export button (for this page's own list, not a related one)."""
        return super()._list(list_export=self.export_url(), **kwargs)

    def export_url(self) -> str | None:
        """Where the list's button posts, carrying its filters and order; None when not offered."""
        routes = self.include_route_methods
        if not self.export_enabled or (routes is not None and "export" not in routes) \
                or "export" in (self.exclude_route_methods or ()):
            return None
        args = list_args()
        return url_for(f"{type(self).__name__}.export", **_multi(args))

    def holds_personal_data(self) -> bool:
        """Whether the list shows pupils' or families' data."""
        if self.export_personal_data is not None:
            return self.export_personal_data
        return self.datamodel.obj.__name__ in PERSONAL_MODELS or any(map(is_sensitive_column, self.list_columns))

    @expose("/export", methods=["POST"])
    @has_access
    def export(self):
        """The list as an xlsx: at once when small, else a background job (its page follows)."""
        if not self.export_enabled:
            abort(404)
        config = current_app.config
        count, query = list_query(self)
        waits = needs_approval(current_scope(), rows=count, personal=self.holds_personal_data(),
                               threshold=config.get("EXPORT_APPROVAL_ROWS"))
        if not waits and count <= config["EXPORT_INLINE_ROWS"]:
            return self._export_now(count, query)
        params = {"view": type(self).__name__, "args": list_args(), "rows": count,
                  "title": str(self.list_title), "locale": str(get_locale() or "zh")}
        started, job = attempt(start_list_export, params, per_user=config["JOBS_PER_USER"], waits=waits,
                               waiting_per_user=config["EXPORT_APPROVALS_PER_USER"])
        if not started:
            return redirect(request.referrer or url_for(f"{type(self).__name__}.list"))
        if waits:
            flash(gettext("More than %(n)s rows of personal data: the export waits for the district's "
                          "approval; it starts once approved.", n=config["EXPORT_APPROVAL_ROWS"]), "warning")
        else:
            job_queue().enqueue(job.id)
            flash(gettext("A large list: the export runs in the background; download it from this page "
                          "when it is done."), "info")
        return redirect(url_for("JobView.show", pk=job.id))

    def _export_now(self, count: int, query):
        """Write the file in the jobs folder (never the system's temp folder), audit, and send it;
        the file is gone from the disk as soon as it is open for sending."""
        # a work folder's name: the jobs' purge sweeps one left by a process killed mid-write
        folder = tempfile.mkdtemp(prefix=f"{WORK_PREFIX}export-", dir=jobs_dir())
        path = os.path.join(folder, "list.xlsx")
        try:
            run(current_context(), export_list, self, path, chunk=current_app.config["JOBS_CHUNK_ROWS"],
                tmpdir=folder, count=count, query=query)
            handle = open(path, "rb")  # noqa: SIM115  (send_file closes it)
        finally:
            remove_folder(Path(folder))  # an open file stays readable on POSIX
        return attachment(handle, f"{self.list_title}.xlsx",
                          fallback=f"zizhu-{self.datamodel.obj.__tablename__.replace('_', '-')}-list.xlsx")


def _multi(pairs: list[list[str]]) -> dict:
    """[key, value] pairs as url_for's keyword arguments (a key given twice keeps both values)."""
    found: dict = {}
    for key, value in pairs:
        found.setdefault(key, []).append(value)
    return found


class ExportApprovalView(BaseView):
    """The district's page of its schools' exports waiting for approval, and the approval itself."""

    route_base = "/exports/approvals"
    class_permission_name = "Job"
    method_permission_name = {"index": "read", "approve": "write"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        """The waiting exports of the district's schools, each with when it expires and an approve button
        (none once expired: the hourly sweep ends it)."""
        ctx = current_context()
        days = current_app.config["EXPORT_APPROVAL_EXPIRES_DAYS"]
        jobs = waiting_query(ctx).options(joinedload(Job.school), joinedload(Job.user)).limit(200).all()
        expires = {job.id: expires_at(job, days) for job in jobs}
        return self.render_template("zizhu/jobs/approvals.html", jobs=jobs, expires=expires, now=ctx.now,
                                    days=days, title=_l("Exports waiting for approval"))

    @expose("/<int:pk>/approve", methods=["POST"])
    @has_access
    def approve(self, pk):
        """Approve one waiting export and queue it; 404 when it is no export of the district's."""
        job = db.session.get(Job, pk)
        view = find_view((job.params or {}).get("view")) if job is not None else None
        may = view is not None and self.appbuilder.sm.has_access("can_write", view.class_permission_name)
        back = redirect(request.referrer or url_for("ExportApprovalView.index"))
        done, _found = attempt(approve_list_export, pk, may_approve=may,
                               expires_days=current_app.config["EXPORT_APPROVAL_EXPIRES_DAYS"],
                               done=gettext("Approved: the export starts now."))
        if done:
            job_queue().enqueue(pk)
        return back
