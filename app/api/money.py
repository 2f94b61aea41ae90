"""REST for money: fund accounts and their receipts, the ledger (read only), allocations, quotas; the
disbursement batches and their lines are in app/api/batches.py.

Every write is a command run through the one runner (app/api/command_api.py), with the same rules
and translated messages as the pages: 422 for refused fields, 409 for a step refused in the
record's state (an overdrawn allocation, approving one's own batch, a step out of order), 404 for
what is not in one's scope.
"""
from flask_appbuilder.api import expose, protect, safe

from app.api.base import ZizhuApi
from app.api.batches import DisbursementBatchApi, DisbursementLineApi
from app.api.command_api import CommandApi
from app.api.money_schemas import (
    AllocationBody,
    QuotaBody,
    ReceiptBody,
    TakeBackBody,
    allocation_json,
    entry_json,
)
from app.api.spec import custom_post, documented
from app.commands import funds
from app.context import Context
from app.fab.interface import ZizhuInterface
from app.models import Allocation, FundAccount, LedgerEntry, Quota
from app.queries.money import allocation_states
from app.security.roles import PERMISSION_FOLD

ACCOUNT_LIST = ["id", "code", "name", "source", "fiscal_year", "district.id", "school.id", "active"]
ALLOCATION_LIST = ["id", "fund_account.id", "school.id", "school.name", "aid_item.id", "term.id", "notes"]
QUOTA_LIST = ["id", "school.id", "school.name", "aid_item.id", "term.id", "places", "notes"]
ENTRY_LIST = ["id", "kind", "fund_account_id", "school_id", "booked_on", "recorded_at", "username", "memo",
              "reference", "reverses_id", "batch_id", "allocation_id"]


def _state_of(ctx: Context, allocation: Allocation) -> dict:
    return allocation_json(allocation, allocation_states(ctx.session, ctx.scope,
                                                         allocation_ids=[allocation.id])[allocation.id])


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


MONEY_RESOURCES = [FundAccountApi, LedgerEntryApi, AllocationApi, QuotaApi, DisbursementBatchApi, DisbursementLineApi]
