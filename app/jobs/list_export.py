"""The list export job: a list page too large to send at once, written in the background as its
owner would see it (the list's filters and order, the owner's scope, masked values)."""
from contextlib import contextmanager

from flask import current_app, g, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from app.commands.list_exports import KIND, waiting_query
from app.errors import DomainError
from app.jobs.kinds import JobContext, JobResult, job_kind
from app.models import Job, User
from app.reports.list_export import export_list, list_query
from app.workbench import Todo, WorkbenchContext, todo
from app.workbench.links import link


def find_view(name):
    """The registered list view called `name` that offers exports, or None."""
    for view in current_app.appbuilder.baseviews:
        if type(view).__name__ == name and getattr(view, "export_enabled", False):
            return view
    return None


@contextmanager
def as_owner(view, args: list, owner: User):
    """The list's request replayed as its owner: the same arguments, so the view's own filters,
    its scope base filter and its formatters answer as they did on the owner's page."""
    query = [(key, value) for key, value in args]
    with current_app.test_request_context():  # the worker has no request to build the list's path in
        path = url_for(f"{type(view).__name__}.list")
    with current_app.test_request_context(path, query_string=query):
        g._login_user = g.user = owner  # Flask-Login's and FAB's current user: the scope is the owner's
        yield


def _check_approved(job: JobContext, total: int) -> None:
    """An export the district approved writes what was approved: the owner's scope as it was when they
    asked (their school and district, stamped on the job) and no more rows than they were shown."""
    if "approved_by" not in job.params:
        return
    row = job.session.get(Job, job.job_id)
    scope = job.ctx.scope
    if (row.school_id, row.district_id) != (scope.school_id, scope.district_id) or total > int(
            job.params.get("rows") or 0):
        raise DomainError(_l("The list changed since its export was approved (more rows, or the account "
                             "now works for another school); ask for the export again."))


@job_kind(KIND, label=_l("List export (xlsx)"),
          description=_l("A list exported as it is filtered and sorted on its page, masked values masked."),
          permission=("can_read", "Job"), icon="fa-file-excel-o", listed=False)
def export_list_job(job: JobContext) -> JobResult:
    """Write the list chunk by chunk, reporting progress after each chunk."""
    params = job.params
    view = find_view(params.get("view"))
    owner = job.session.get(User, job.ctx.actor.user_id)
    if view is None:
        raise DomainError(_l("This list can no longer be exported."))
    if not current_app.appbuilder.sm._has_view_access(owner, "can_read", view.class_permission_name):
        raise DomainError(_l("The account that started this job may no longer do this."))
    path = job.output(".xlsx")
    with force_locale(params.get("locale") or "zh"), as_owner(view, params.get("args") or [], owner):
        total, query = list_query(view)
        _check_approved(job, total)
        job.progress(0, total)
        written = export_list(job.ctx, view, path, chunk=job.chunk_rows, tmpdir=job.workdir,
                              progress=job.progress, count=total, query=query)
        title = str(view.list_title)
        download = f"{title}-{job.job_id}.xlsx"
    return JobResult(file=path, download_name=download, rows=written, summary={"rows": written},
                     progress=(written, written))


@todo("jobs.export_approvals", permission=("can_write", "Student"), order=75)
def exports_to_approve(ctx: WorkbenchContext):
    """A district officer's to-do: the schools' large exports of personal data waiting for approval."""
    count = waiting_query(ctx.context).count()
    if not count:
        return None
    return Todo(title=_l("Exports waiting for your approval"), count=count, level="warning",
                url=link("ExportApprovalView.index"),
                hint=_l("A school asked to export many rows of pupils' or families' data."))
