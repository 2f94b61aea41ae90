"""REST for background jobs: list and read one's jobs, start, follow, cancel, download."""
from flask import current_app
from flask_appbuilder.api import expose, protect, safe
from flask_babel import gettext
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from app.api.answers import field_messages
from app.api.base import ZizhuApi
from app.api.command_api import BadBody, request_values
from app.api.schemas import EmptyBody, JobStartBody
from app.api.spec import documented
from app.commands.jobs import NotJobOwner, cancel_job, start_job
from app.errors import DomainError
from app.fab.interface import ZizhuInterface
from app.jobs import KINDS
from app.jobs.forms import chosen_params, start_form
from app.jobs.queue import job_queue
from app.jobs.results import result_for, result_response
from app.jobs.status import describe, stalled
from app.models import Job
from app.runner import run
from app.security.request_context import current_context
from app.security.roles import PERMISSION_FOLD
from app.security.scope import limit


@documented
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
        """POST {school_id?, grade?, status?, term_id?} → 201 {id, status}: queue a job of `kind`.
        ---
        post:
          summary: Queue a job (pupil_roster, score_applications, pupil_check) with its options
          parameters: [{in: path, name: kind, required: true, schema: {type: string}}]
          requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/JobStartBody'}}}}
          responses:
            201: {$ref: '#/components/responses/JobStarted'}
            404: {$ref: '#/components/responses/404'}
        """
        found = KINDS.get(kind)
        if found is None or not found.listed or not current_app.appbuilder.sm.has_access(*found.permission):
            return self.response_404()
        try:
            values = request_values(JobStartBody())
        except BadBody:
            return self.response_400(message=gettext("The request body must be a JSON object."))
        except ValidationError as err:
            return self.response_422(message=field_messages(err.messages))
        form = start_form(found, self.datamodel.session, MultiDict(_form_values(values)), csrf=False)
        if not form.validate():
            return self.response_422(message=form.errors)
        try:
            job = run(current_context(), start_job, kind, {**chosen_params(form), "locale": "zh"},
                      per_user=current_app.config["JOBS_PER_USER"])
        except DomainError as err:
            return self.refused(err)
        job_queue().enqueue(job.id)
        return self.response(201, id=job.id, status=job.status.value)

    @expose("/<int:pk>/status", methods=["GET"])
    @protect()
    @safe
    def status(self, pk):
        """Progress: percent, rows, time left, and why it failed.
        ---
        get:
          summary: A job's progress (percent, rows, time left) and why it failed
          responses:
            200: {$ref: '#/components/responses/JobProgress'}
            400: {$ref: '#/components/responses/400'}
        """
        job = self._job(pk)
        return self.response_404() if job is None else self.response(200, **describe(job))

    @expose("/<int:pk>/cancel", methods=["POST"])
    @protect()
    @safe
    def cancel(self, pk):
        """Stop a waiting or running job (409 when it has already finished).
        ---
        post:
          summary: Stop a waiting or running job of one's own
          requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/EmptyBody'}}}}
          responses:
            200: {$ref: '#/components/responses/JobProgress'}
        """
        job = self._job(pk)
        if job is None:
            return self.response_404()
        try:
            request_values(EmptyBody())
        except BadBody:
            return self.response_400(message=gettext("The request body must be a JSON object."))
        except ValidationError as err:
            return self.response_422(message=field_messages(err.messages))
        try:
            job = run(current_context(), cancel_job, pk, stale=stalled(job))
        except NotJobOwner as err:
            return self.response(403, message=str(err))
        except DomainError as err:
            return self.refused(err)
        return self.response(200, **describe(job))

    @expose("/<int:pk>/download", methods=["GET"])
    @protect()
    @safe
    def download(self, pk):
        """The result file (audited), 404 when there is none.
        ---
        get:
          summary: Download a finished job's result file (audited)
          responses:
            200: {$ref: '#/components/responses/JobFile'}
            400: {$ref: '#/components/responses/400'}
        """
        job = self._job(pk)
        path = result_for(job) if job is not None else None
        if path is None:
            return self.response_404()
        return result_response(job, path)


def _form_values(values: dict) -> dict:
    """The checked options as the start form's text values (None: left out)."""
    return {name: str(value) for name, value in values.items() if value is not None}
