"""REST for disbursement batches: the preview, the batch made once per idempotency key (at once, or by a
background job when it is large: 202 and the job), its steps, its bank file and answer; its lines (read
only). The same commands, rules and translated refusals as the batch pages (app/views/money/payments.py).
"""

from flask import current_app, request
from flask_appbuilder.api import expose, protect, safe
from flask_babel import gettext
from marshmallow import ValidationError

from app.api.answers import money_text
from app.api.command_api import BadBody, CommandApi, request_values
from app.api.money_schemas import (
    BatchCreateBody,
    BatchPreviewBody,
    ExportBody,
    RecoverBody,
    ReissueBody,
    StepBody,
    StepReasonBody,
    batch_json,
    preview_json,
)
from app.api.schemas import ID_MAX
from app.api.spec import custom_post, documented
from app.commands import bank_files, bank_returns, batch_jobs, disbursement
from app.commands.identification import REQUIRED
from app.context import Context
from app.errors import DomainError, FieldErrors
from app.fab.interface import ZizhuInterface
from app.jobs.queue import job_queue
from app.models import DisbursementBatch, DisbursementLine, Job, JobStatus
from app.queries.payments import Tally, reconciliation
from app.reports.downloads import attachment
from app.reports.payment_register import register_workbook
from app.runner import run
from app.security.request_context import current_context
from app.security.roles import PERMISSION_FOLD

BATCH_LIST = ["id", "title", "status", "school.id", "school.name", "term.id", "aid_item.id", "allocation_id",
              "line_count", "total", "version"]
LINE_LIST = ["id", "batch_id", "student.id", "student.name", "tier.name", "amount", "payee_name", "bank_account",
             "reference", "status", "failure_reason", "answered_on"]
# the create's answers: 201 the batch, or 202 the job making it (Location: the job resource)
CREATE_SPEC = custom_post("BatchCreateBody", "BatchCreated", "Make the batch the preview shows, once per "
                                                             "idempotency key, at once or by a background job")
CREATE_SPEC["post"]["responses"]["202"] = {
    "description": "The batch is large (or background was asked): a job makes it; follow the job at Location, "
                   "its summary names the batch once it is made",
    "headers": {"Location": {"description": "The job resource", "schema": {"type": "string"}}},
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BatchJobStarted"}}}}


def _school_of(ctx: Context, values: dict) -> int:
    """The body's school, else a school user's own."""
    school_id = values.pop("school_id", None) or ctx.scope.school_id
    if school_id is None:
        raise FieldErrors({"school_id": [REQUIRED]})
    return school_id



@documented
class DisbursementBatchApi(CommandApi):
    """/api/v1/disbursement_batch/: batches in scope; POST /preview, POST (create once per idempotency_key),
    then /<id>/submit, /send_back, /withdraw, /approve, /reissue."""

    datamodel = ZizhuInterface(DisbursementBatch)
    resource_name = "disbursement_batch"
    openapi_spec_tag = "DisbursementBatch"
    openapi_spec_methods = {"post": CREATE_SPEC}
    list_columns = BATCH_LIST
    show_columns = BATCH_LIST + ["idempotency_key", "submitted_on", "approved_on", "exported_on", "reconciled_on",
                                 "withdrawn_reason", "created_on"]
    include_route_methods = {"get", "get_list", "info", "post", "preview", "submit", "send_back", "withdraw",
                             "approve", "reissue", "export", "return_file", "register", "reconciliation"}
    method_permission_name = {**PERMISSION_FOLD, "preview": "read", "register": "read", "reconciliation": "read",
                              "submit": "write", "send_back": "write",
                              "withdraw": "write", "approve": "approve", "reissue": "write", "export": "approve",
                              "return_file": "approve"}
    base_order = ("id", "desc")

    def post_headless(self):
        """POST {term_id, aid_item_id, school_id?, fund_account_id?, idempotency_key, title?, background?} →
        201 the batch; or, above BATCH_JOB_THRESHOLD entitled pupils or with background: true, 202 the job
        that makes it ({job_id, status}, Location: /api/v1/job/<id>). The same key again: the same batch,
        or the same unfinished job."""
        def create(ctx: Context, values: dict) -> DisbursementBatch | Job:
            config = current_app.config
            return batch_jobs.make_or_start(ctx, school_id=_school_of(ctx, values),
                                            threshold=config["BATCH_JOB_THRESHOLD"],
                                            per_user=config["JOBS_PER_USER"], **values)

        resp = self.run_command(BatchCreateBody(), create, _created, 201)
        job_id = (resp.get_json(silent=True) or {}).get("job_id") if resp.status_code == 201 else None
        if job_id is not None:  # a job (or the answer of one, replayed for an Idempotency-Key)
            resp.status_code = 202
            resp.headers["Location"] = f"/api/v1/job/{job_id}"
            if resp.get_json()["status"] == JobStatus.QUEUED.value and "Idempotent-Replayed" not in resp.headers:
                job_queue().enqueue(job_id)
        return resp

    @expose("/preview", methods=["POST"])
    @protect()
    @safe
    def preview(self):
        """Who a batch would pay and who not, and why {term_id, aid_item_id, school_id?, fund_account_id?}.
        ---
        post:
          summary: Preview a batch, each pupil it would pay and each it would leave out with the reason
          requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/BatchPreviewBody'}}}}
          responses:
            200: {$ref: '#/components/responses/BatchPreview'}
            404: {$ref: '#/components/responses/404'}
        """
        return self.run_command(BatchPreviewBody(), lambda ctx, v: disbursement.preview(
            ctx, school_id=_school_of(ctx, v), **v), preview_json)

    def _step(self, schema, step):
        return self.run_command(schema, step, batch_json)

    @expose("/<int:pk>/submit", methods=["POST"])
    @protect()
    @safe
    def submit(self, pk):
        """The school hands the batch to the district {version?}.
        ---
        post:
          summary: Submit a draft batch for the district's approval
          requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/StepBody'}}}}
          responses:
            200: {$ref: '#/components/responses/Batch'}
        """
        return self._step(StepBody(), lambda ctx, v: disbursement.submit(ctx, pk, **v))

    @expose("/<int:pk>/send_back", methods=["POST"])
    @protect()
    @safe
    def send_back(self, pk):
        """The district sends a submitted batch back to the school {reason, version?}.
        ---
        post:
          summary: Send a submitted batch back to the school as a draft, saying why
          requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/StepReasonBody'}}}}
          responses:
            200: {$ref: '#/components/responses/Batch'}
        """
        return self._step(StepReasonBody(), lambda ctx, v: disbursement.send_back(ctx, pk, **v))

    @expose("/<int:pk>/withdraw", methods=["POST"])
    @protect()
    @safe
    def withdraw(self, pk):
        """Withdraw a batch not yet approved {reason, version?}: its lines are cancelled.
        ---
        post:
          summary: Withdraw a batch not yet approved; its pupils may go in another batch
          requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/StepReasonBody'}}}}
          responses:
            200: {$ref: '#/components/responses/Batch'}
        """
        return self._step(StepReasonBody(), lambda ctx, v: disbursement.withdraw(ctx, pk, **v))

    @expose("/<int:pk>/approve", methods=["POST"])
    @protect()
    @safe
    def approve(self, pk):
        """The district approves a submitted batch {version?}; never its creator (four eyes).
        ---
        post:
          summary: Approve a submitted batch and reserve its total on the allocation (never one's own batch)
          requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/StepBody'}}}}
          responses:
            200: {$ref: '#/components/responses/Batch'}
        """
        return self._step(StepBody(), lambda ctx, v: disbursement.approve(ctx, pk, **v))

    @expose("/<int:pk>/reissue", methods=["POST"])
    @protect()
    @safe
    def reissue(self, pk):
        """A new batch of the same school, item and term {idempotency_key}: the pupils whose payment failed
        are in it once their accounts are corrected.
        ---
        post:
          summary: Make a new batch of the batch's school, item and term (failed payments paid again)
          requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/ReissueBody'}}}}
          responses:
            201: {$ref: '#/components/responses/BatchCreated'}
        """
        def reissue(ctx: Context, values: dict) -> DisbursementBatch:
            batch = disbursement.load_batch(ctx, pk)
            return disbursement.create_batch(ctx, term_id=batch.term_id, aid_item_id=batch.aid_item_id,
                                             school_id=batch.school_id,
                                             fund_account_id=batch.allocation.fund_account_id, **values)

        return self.run_command(ReissueBody(), reissue, lambda b: {"id": b.id, "result": batch_json(b)}, 201)


    @expose("/<int:pk>/export", methods=["POST"])
    @protect()
    @safe
    def export(self, pk):
        """The bank file of an approved batch {layout_id?} (the district): the same bytes at every call.
        ---
        post:
          summary: The bank file of an approved batch in a layout the district offers; the same bytes every time
          requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/ExportBody'}}}}
          responses:
            200: {$ref: '#/components/responses/BankFile'}
        """
        try:
            values = request_values(ExportBody())
        except BadBody:
            return self.response_400(message=gettext("The request body must be a JSON object."))
        except ValidationError as err:
            return self.response_422(message=err.messages)
        try:
            name, data = run(current_context(), bank_files.export_bank_file, pk, values.get("layout_id"))
        except DomainError as err:
            return self.refused(err)
        return attachment(data, name, fallback=f"zizhu-bank-file-{pk}")

    @expose("/<int:pk>/return_file", methods=["POST"])
    @protect()
    @safe
    def return_file(self, pk):
        """The bank's answer file (multipart `file`): each line paid or failed, all or nothing, never twice.
        ---
        post:
          summary: Import the bank's answer file of an exported batch, all or nothing; the same file twice is refused
          requestBody:
            content:
              multipart/form-data:
                schema: {type: object, required: [file], properties: {file: {type: string, format: binary}}}
          responses:
            200: {$ref: '#/components/responses/AnswersRecorded'}
        """
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            return self.response_422(message={"file": [gettext("Choose the bank's answer file first.")]})
        data = upload.read(bank_returns.MAX_ANSWER_BYTES + 1)
        try:
            outcome = run(current_context(), bank_returns.import_return_file, pk, upload.filename, data)
        except DomainError as err:
            return self.refused(err)
        return self.response(200, id=pk, paid=outcome.paid, paid_amount=money_text(outcome.paid_amount),
                             failed=outcome.failed, failed_amount=money_text(outcome.failed_amount))

    @expose("/<int:pk>/register", methods=["GET"])
    @protect()
    @safe
    def register(self, pk):
        """The payment register (发放名册) of the batch as xlsx, set up for A4 with the signature column.
        ---
        get:
          summary: The payment register of the batch as an xlsx workbook set up to print on A4
          responses:
            200:
              description: The payment register
              content:
                application/vnd.openxmlformats-officedocument.spreadsheetml.sheet:
                  schema: {type: string, format: binary}
            404: {$ref: '#/components/responses/404'}
        """
        try:
            data = run(current_context(), register_workbook, pk)
        except DomainError as err:
            return self.refused(err)
        return attachment(data, f"{gettext('Payment register')}-{pk}.xlsx", fallback=f"zizhu-payment-register-{pk}")

    @expose("/reconciliation", methods=["GET"])
    @protect()
    @safe
    def reconciliation(self):
        """Expected, paid, failed, pending and recovered lines (count and amount) of each approved batch in
        scope, of a term (?term_id=), with the totals.
        ---
        get:
          summary: The reconciliation of the approved batches in scope (of a term), batch by batch, with totals
          parameters:
          - {in: query, name: term_id, schema: {type: integer, minimum: 1}, required: false}
          responses:
            200:
              description: Each batch's tallies and the totals
              content:
                application/json:
                  schema: {type: object}
            422: {$ref: '#/components/responses/FieldErrors'}
        """
        raw = request.args.get("term_id")
        term_id = int(raw) if raw and raw.isascii() and raw.isdigit() and 1 <= int(raw) <= ID_MAX else None
        if raw is not None and term_id is None:
            return self.response_422(message={"term_id": [gettext("is not a valid id")]})
        ctx = current_context()
        found = reconciliation(ctx.session, ctx.scope, term_id=term_id)
        kinds = ("expected", "paid", "failed", "pending", "recovered")

        def tallies(row) -> dict:
            return {k: {"count": getattr(row, k).count, "amount": money_text(getattr(row, k).amount)} for k in kinds}

        totals = {k: sum((getattr(r, k) for r in found), Tally()) for k in kinds}
        return self.response(200, result=[{"batch_id": r.batch.id, "title": r.batch.title, "school": r.batch.school,
                                           "term": r.batch.term, "item": r.batch.item,
                                           "status": r.batch.status.value, **tallies(r)} for r in found],
                             totals={k: {"count": t.count, "amount": money_text(t.amount)}
                                     for k, t in totals.items()})


@documented
class DisbursementLineApi(CommandApi):
    """/api/v1/disbursement_line/: payment lines in scope, read only (bank accounts masked); POST
    /<id>/recover records a paid line's money recovered (the district)."""

    datamodel = ZizhuInterface(DisbursementLine)
    resource_name = "disbursement_line"
    openapi_spec_tag = "DisbursementLine"
    list_columns = LINE_LIST
    include_route_methods = {"get", "get_list", "info", "reveal_api", "recover"}  # reveal: audited
    method_permission_name = {**PERMISSION_FOLD, "recover": "approve"}
    base_order = ("id", "desc")

    @expose("/<int:pk>/recover", methods=["POST"])
    @protect()
    @safe
    def recover(self, pk):
        """A paid line recovered (追回) {reason}: its money back to the account, the line reversed.
        ---
        post:
          summary: Record a paid line's money recovered (the information proved false); the line is reversed
          requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/RecoverBody'}}}}
          responses:
            200:
              description: The line, now reversed
              content:
                application/json:
                  schema: {type: object}
            404: {$ref: '#/components/responses/404'}
        """
        return self.run_command(RecoverBody(), lambda ctx, v: disbursement.recover(ctx, pk, **v),
                                lambda line: {"id": line.id, "status": line.status.value,
                                              "amount": money_text(line.amount)})


def _created(made: DisbursementBatch | Job) -> dict:
    """The batch made ({id, result}), or the job making it ({job_id, status})."""
    if isinstance(made, Job):
        return {"job_id": made.id, "status": made.status.value}
    return {"id": made.id, "result": batch_json(made)}
