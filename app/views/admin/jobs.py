"""Background jobs (导出与任务): one's jobs, the start form, the progress page, cancel, download."""
from flask import abort, current_app, flash, jsonify, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.commands.jobs import cancel_job, start_job
from app.extensions import db
from app.fab.interface import ZizhuInterface
from app.formatting import person_name
from app.jobs import KINDS
from app.jobs.forms import chosen_params, start_form
from app.jobs.queue import job_queue
from app.jobs.results import result_for, result_response
from app.jobs.status import describe, kind_label, stalled
from app.models import Job
from app.security.scope import limit
from app.views.framework.base import ZizhuModelView
from app.views.framework.runner import attempt, post


def _job_link(job_id) -> Markup:
    """A link to the job's progress page."""
    return Markup('<a href="%s">#%s</a>') % (url_for("JobView.show", pk=job_id), job_id)


def startable_kinds() -> list:
    """The job kinds the signed-in user may start here (not those started from their own page)."""
    sm = current_app.appbuilder.sm
    return [kind for kind in KINDS.values() if kind.listed and sm.has_access(*kind.permission)]


class JobModelView(ZizhuModelView):
    """The jobs a user started (auditors and administrators see everyone's), newest first."""

    datamodel = ZizhuInterface(Job)
    class_permission_name = "Job"
    include_route_methods = {"list"}
    base_permissions = ["can_read"]
    list_template = "zizhu/jobs/list.html"
    list_title = _l("Exports and jobs")
    label_columns = {"id": _l("No."), "kind": _l("Job")}
    list_columns = ["id", "kind", "status", "rows_done", "user", "created_on", "finished_at"]
    search_columns = ["status", "created_on"]
    order_columns = ["id", "created_on", "finished_at"]
    base_order = ("id", "desc")
    formatters_columns = {"id": _job_link, "kind": kind_label, "user": person_name}

    def render_template(self, template, **kwargs):
        """Offer the kinds this user may start above the list."""
        return super().render_template(template, startable=startable_kinds(), **kwargs)


class JobView(BaseView):
    """Start a job, follow its progress, cancel it, download its result."""

    route_base = "/jobs"
    class_permission_name = "Job"
    method_permission_name = {"new": "write", "cancel": "write", "show": "read", "status": "read",
                              "download": "read"}
    default_view = "show"

    def _job(self, pk: int) -> Job:
        """The job if the user's scope holds it (their own; everyone's for auditors), else 404."""
        job = limit(db.session.query(Job), Job).filter(Job.id == pk).one_or_none()
        if job is None:
            abort(404)
        return job

    @expose("/new/<kind>", methods=["GET", "POST"])
    @has_access
    def new(self, kind):
        """The start form; on POST queue the job and go to its progress page."""
        found = KINDS.get(kind)
        if found is None or found not in startable_kinds():
            abort(404)
        form = start_form(found, db.session, request.form if request.method == "POST" else None)
        if request.method == "POST" and form.validate():
            params = {**chosen_params(form), "locale": str(get_locale() or "zh")}
            started, job = attempt(start_job, kind, params, per_user=current_app.config["JOBS_PER_USER"])
            if started:
                job_queue().enqueue(job.id)
                return redirect(url_for("JobView.show", pk=job.id))
        return self.render_template("zizhu/jobs/new.html", kind=found, form=form)

    @expose("/<int:pk>")
    @has_access
    def show(self, pk):
        """The progress page (refreshed by static/js/jobs.js from the status endpoint)."""
        job = self._job(pk)
        return self.render_template("zizhu/jobs/show.html", job=job, info=describe(job),
                                    kind=KINDS.get(job.kind), kind_name=kind_label(job.kind))

    @expose("/<int:pk>/status")
    @has_access
    def status(self, pk):
        """Progress as JSON."""
        return jsonify(describe(self._job(pk)))

    @expose("/<int:pk>/cancel", methods=["POST"])
    @has_access
    def cancel(self, pk):
        """Ask the job to stop (a waiting job stops at once)."""
        job = self._job(pk)
        return post(cancel_job, job.id, stale=stalled(job), done=gettext("The job is being cancelled."),
                    back=redirect(url_for("JobView.show", pk=pk)))

    @expose("/<int:pk>/download")
    @has_access
    def download(self, pk):
        """The result file; every download is in the audit trail."""
        job = self._job(pk)
        path = result_for(job)
        if path is None:
            flash(gettext("This job has no file to download (any more)."), "warning")
            return redirect(url_for("JobView.show", pk=pk))
        return result_response(job, path)
