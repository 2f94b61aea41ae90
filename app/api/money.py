"""REST for money: fund accounts and their receipts, the ledger (read only), allocations, quotas,
disbursement batches from preview to approval, their lines (read only).

Every write is a command run through the one runner (app/api/command_api.py), with the same rules
and translated messages as the pages: 422 for refused fields, 409 for a step refused in the
record's state (an overdrawn allocation, approving one's own batch, a step out of order), 404 for
what is not in one's scope.
"""
import io

from flask import request, send_file
from flask_appbuilder.api import expose, protect, safe
from flask_babel import gettext
from marshmallow import ValidationError

from app.api.answers import money_text
from app.api.base import ZizhuApi
from app.api.command_api import BadBody, CommandApi, request_values
from app.api.money_schemas import (
    AllocationBody,
    BatchCreateBody,
    BatchPreviewBody,
    ExportBody,
    QuotaBody,
    ReceiptBody,
    ReissueBody,
    StepBody,
    StepReasonBody,
    TakeBackBody,
    allocation_json,
    batch_json,
    entry_json,
    preview_json,
)
from app.api.spec import custom_post, documented
from app.commands import bank_files, bank_returns, disbursement, funds
from app.commands.identification import REQUIRED
from app.context import Context
from app.errors import DomainError, FieldErrors
from app.fab.interface import ZizhuInterface
from app.models import (
    Allocation,
    DisbursementBatch,
    DisbursementLine,
    FundAccount,
    LedgerEntry,
    Quota,
)
from app.queries.money import allocation_states
from app.runner import run
from app.security.request_context import current_context
from app.security.roles import PERMISSION_FOLD

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ACCOUNT_LIST = ["id", "code", "name", "source", "fiscal_year", "district.id", "school.id", "active"]
ALLOCATION_LIST = ["id", "fund_account.id", "school.id", "school.name", "aid_item.id", "term.id", "notes"]
QUOTA_LIST = ["id", "school.id", "school.name", "aid_item.id", "term.id", "places", "notes"]
ENTRY_LIST = ["id", "kind", "fund_account_id", "school_id", "booked_on", "recorded_at", "username", "memo",
              "reference", "reverses_id", "batch_id", "allocation_id"]
BATCH_LIST = ["id", "title", "status", "school.id", "school.name", "term.id", "aid_item.id", "allocation_id",
              "line_count", "total", "version"]
LINE_LIST = ["id", "batch_id", "student.id", "student.name", "tier.name", "amount", "payee_name", "bank_account",
             "reference", "status", "failure_reason", "answered_on"]


def _state_of(ctx: Context, allocation: Allocation) -> dict:
    return allocation_json(allocation, allocation_states(ctx.session, ctx.scope,
                                                         allocation_ids=[allocation.id])[allocation.id])


def _school_of(ctx: Context, values: dict) -> int:
    """The body's school, else a school user's own."""
    school_id = values.pop("school_id", None) or ctx.scope.school_id
    if school_id is None:
        raise FieldErrors({"school_id": [REQUIRED]})
    return school_id


@documented
class FundAccountApi(CommandApi):
    """/api/v1/fund_account/: accounts in scope; POST /<id>/receipt records funds received."""

    datamodel = ZizhuInterface(FundAccount)
    resource_name = "fund_account"
    openapi_spec_tag = "FundAccount"
    list_columns = ACCOUNT_LIST
    method_permission_name = {**PERMISSION_FOLD, "receipt": "write"}

    @expose("/<int:pk>/receipt", methods=["POST"])
    @protect()
    @safe
    def receipt(self, pk):
        """Record funds received {amount, booked_on?, reference?, memo?} (the district office).
        ---
        post:
          summary: Record funds received into the account (budget → unallocated), one balanced ledger entry
          requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/ReceiptBody'}}}}
          responses:
            201: {$ref: '#/components/responses/EntryMade'}
        """
        return self.run_command(ReceiptBody(), lambda ctx, v: funds.receive(ctx, pk, **v), entry_json, 201)


@documented
class LedgerEntryApi(ZizhuApi):
    """/api/v1/ledger_entry/: the ledger's entries in scope, read only (never changed: a correction is a
    reversal)."""

    datamodel = ZizhuInterface(LedgerEntry)
    resource_name = "ledger_entry"
    openapi_spec_tag = "LedgerEntry"
    list_columns = ENTRY_LIST
    show_columns = ENTRY_LIST + ["lines.book", "lines.school_id", "lines.aid_item_id", "lines.term_id",
                                 "lines.batch_id", "lines.amount"]
    include_route_methods = {"get", "get_list", "info"}
    base_order = ("id", "desc")


@documented
class AllocationApi(CommandApi):
    """/api/v1/allocation/: allocations in scope; POST allocates money of an account to a school for an
    item and term; POST /<id>/take_back returns what is not reserved; GET /<id>/state its figures."""

    datamodel = ZizhuInterface(Allocation)
    resource_name = "allocation"
    openapi_spec_tag = "Allocation"
    openapi_spec_methods = {"post": custom_post("AllocationBody", "AllocationMade", "Allocate money of an account "
                                             "to a school for an item and term")}
    list_columns = ALLOCATION_LIST
    include_route_methods = {"get", "get_list", "info", "post", "take_back", "state"}
    method_permission_name = {**PERMISSION_FOLD, "take_back": "write", "state": "read"}
    base_order = ("id", "desc")

    def post_headless(self):
        """POST {fund_account_id, school_id, aid_item_id, term_id, amount, memo?} → 201 the allocation."""
        def allocate(ctx: Context, values: dict) -> Allocation:
            return funds.allocate(ctx, values.pop("fund_account_id"), **values)

        return self.run_command(AllocationBody(), allocate, lambda a: self._state(a), 201)

    @staticmethod
    def _state(allocation: Allocation) -> dict:
        from app.security.request_context import current_context

        return _state_of(current_context(), allocation)

    @expose("/<int:pk>/take_back", methods=["POST"])
    @protect()
    @safe
    def take_back(self, pk):
        """Take back {amount, memo?} of the allocation not reserved by a batch.
        ---
        post:
          summary: Take back part of an allocation not reserved by a batch (allocated → unallocated)
          requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/TakeBackBody'}}}}
          responses:
            200: {$ref: '#/components/responses/AllocationMade'}
        """
        return self.run_command(TakeBackBody(), lambda ctx, v: funds.take_back(ctx, pk, **v), self._state)

    @expose("/<int:pk>/state", methods=["GET"])
    @protect()
    @safe
    def state(self, pk):
        """The allocation's figures from the ledger.
        ---
        get:
          summary: The allocation's figures (allocated, available, reserved, paid; quota places used)
          responses:
            200: {$ref: '#/components/responses/AllocationMade'}
        """
        from app.security.request_context import current_context
        from app.security.scope import limit

        ctx = current_context()
        allocation = limit(ctx.session.query(Allocation).filter(Allocation.id == pk), Allocation,
                           ctx.scope).one_or_none()
        if allocation is None:
            return self.response_404()
        return self.response(200, **_state_of(ctx, allocation))


@documented
class QuotaApi(CommandApi):
    """/api/v1/quota/: quotas (名额) in scope; POST sets a school's places for an item and term."""

    datamodel = ZizhuInterface(Quota)
    resource_name = "quota"
    openapi_spec_tag = "Quota"
    openapi_spec_methods = {"post": custom_post("QuotaBody", "QuotaSet", "Set how many pupils of a school may "
                                             "receive an item in a term")}
    list_columns = QUOTA_LIST
    include_route_methods = {"get", "get_list", "info", "post"}
    base_order = ("id", "desc")

    def post_headless(self):
        """POST {school_id, aid_item_id, term_id, places, notes?} → 201 the quota (set again: changed)."""
        def answer(quota: Quota) -> dict:
            from app.security.request_context import current_context

            used = funds.places_used(current_context().session, quota.school_id, quota.aid_item_id, quota.term_id)
            return {"id": quota.id, "school_id": quota.school_id, "aid_item_id": quota.aid_item_id,
                    "term_id": quota.term_id, "places": quota.places, "places_used": used}

        return self.run_command(QuotaBody(), lambda ctx, v: funds.set_quota(ctx, **v), answer, 201)


@documented
class DisbursementBatchApi(CommandApi):
    """/api/v1/disbursement_batch/: batches in scope; POST /preview, POST (create once per idempotency_key),
    then /<id>/submit, /send_back, /withdraw, /approve, /reissue."""

    datamodel = ZizhuInterface(DisbursementBatch)
    resource_name = "disbursement_batch"
    openapi_spec_tag = "DisbursementBatch"
    openapi_spec_methods = {"post": custom_post("BatchCreateBody", "BatchCreated", "Make the batch the preview "
                                             "shows, once per idempotency key")}
    list_columns = BATCH_LIST
    show_columns = BATCH_LIST + ["idempotency_key", "submitted_on", "approved_on", "exported_on", "reconciled_on",
                                 "withdrawn_reason", "created_on"]
    include_route_methods = {"get", "get_list", "info", "post", "preview", "submit", "send_back", "withdraw",
                             "approve", "reissue", "export", "return_file"}
    method_permission_name = {**PERMISSION_FOLD, "preview": "read", "submit": "write", "send_back": "write",
                              "withdraw": "write", "approve": "approve", "reissue": "write", "export": "approve",
                              "return_file": "approve"}
    base_order = ("id", "desc")

    def post_headless(self):
        """POST {term_id, aid_item_id, school_id?, fund_account_id?, idempotency_key, title?} → 201 the batch."""
        def create(ctx: Context, values: dict) -> DisbursementBatch:
            return disbursement.create_batch(ctx, school_id=_school_of(ctx, values), **values)

        return self.run_command(BatchCreateBody(), create, lambda b: {"id": b.id, "result": batch_json(b)}, 201)

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
        kind = XLSX if name.endswith(".xlsx") else "text/csv"
        return send_file(io.BytesIO(data), as_attachment=True, download_name=name, mimetype=kind)

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


@documented
class DisbursementLineApi(ZizhuApi):
    """/api/v1/disbursement_line/: payment lines in scope, read only (bank accounts masked)."""

    datamodel = ZizhuInterface(DisbursementLine)
    resource_name = "disbursement_line"
    openapi_spec_tag = "DisbursementLine"
    list_columns = LINE_LIST
    include_route_methods = {"get", "get_list", "info", "reveal_api"}  # a full account: revealed, audited
    base_order = ("id", "desc")


MONEY_RESOURCES = [FundAccountApi, LedgerEntryApi, AllocationApi, QuotaApi, DisbursementBatchApi, DisbursementLineApi]
