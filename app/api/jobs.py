"""REST for background jobs: list and read one's jobs, start, follow, cancel, download."""
from flask import current_app, g, request, send_file
from flask_appbuilder.api import expose, protect, safe
from werkzeug.datastructures import MultiDict

from app.api.base import ZizhuApi
from app.commands.errors import DomainError
from app.commands.jobs import NotJobOwner, cancel_job, start_job
from app.jobs import KINDS
from app.jobs.forms import chosen_params, start_form
from app.jobs.queue import job_queue
from app.jobs.status import describe, stalled
from app.models import Job
from app.security.roles import PERMISSION_FOLD
from app.security.scope import current_scope, limit
from app.views.interface import ZizhuInterface
from app.views.jobs import XLSX, result_for


class JobApi(ZizhuApi):
    """/api/v1/job/: the caller's jobs (everyone's for auditors); no create, edit or delete."""

    datamodel = ZizhuInterface(Job)
    resource_name = "job"
    openapi_spec_tag = "Job"
    include_route_methods = {"get", "get_list", "start", "status", "cancel", "download"}
    method_permission_name = {**PERMISSION_FOLD, "start": "write", "cancel": "write",
                              "status": "read", "download": "read"}
    list_columns = ["id", "kind", "status", "rows_done", "rows_total", "created_on", "finished_at",
                    "result_rows", "error_code"]
    show_columns = list_columns + ["params", "summary", "started_at"]
    base_order = ("id", "desc")

    def _job(self, pk: int) -> Job | None:
        """The job if the caller's scope holds it."""
        return limit(self.datamodel.session.query(Job), Job).filter(Job.id == pk).one_or_none()

    @expose("/start/<kind>", methods=["POST"])
    @protect()
    @safe
    def start(self, kind):
        """POST {school_id?, grade?, status?} → 201 {id, status}: queue a job of `kind`."""
        found = KINDS.get(kind)
        if found is None or not current_app.appbuilder.sm.has_access(*found.permission):
            return self.response_404()
        form = start_form(found, self.datamodel.session, MultiDict(request.get_json(silent=True) or {}),
                          csrf=False)
        if not form.validate():
            return self.response_422(message=form.errors)
        try:
            job = start_job(self.datamodel.session, user_id=g.user.id, username=g.user.username,
                            scope=current_scope(), kind=kind,
                            params={**chosen_params(form), "locale": "zh"},
                            per_user=current_app.config["JOBS_PER_USER"])
        except DomainError as err:
            self.datamodel.session.rollback()
            return self.response_400(message=str(err))
        job_queue().enqueue(job.id)
        return self.response(201, id=job.id, status=job.status.value)

    @expose("/<int:pk>/status", methods=["GET"])
    @protect()
    @safe
    def status(self, pk):
        """Progress: percent, rows, time left, and why it failed."""
        job = self._job(pk)
        return self.response_404() if job is None else self.response(200, **describe(job))

    @expose("/<int:pk>/cancel", methods=["POST"])
    @protect()
    @safe
    def cancel(self, pk):
        """Stop a waiting or running job (409 when it has already finished)."""
        job = self._job(pk)
        if job is None:
            return self.response_404()
        try:
            cancel_job(self.datamodel.session, job, user_id=g.user.id, stale=stalled(job))
        except NotJobOwner as err:
            self.datamodel.session.rollback()
            return self.response(403, message=str(err))
        except DomainError as err:
            self.datamodel.session.rollback()
            return self.response(409, message=str(err))
        return self.response(200, **describe(job))

    @expose("/<int:pk>/download", methods=["GET"])
    @protect()
    @safe
    def download(self, pk):
        """The result file (audited), 404 when there is none."""
        job = self._job(pk)
        path = result_for(job) if job is not None else None
        if path is None:
            return self.response_404()
        return send_file(path, as_attachment=True, download_name=job.result_name, mimetype=XLSX)
