"""REST for carrying entitlements over (结转): POST /api/v1/entitlement/carry_over/preview answers what
carrying a term's entitlements over to the next term of the same school year would do, line by line with
the reasons and the fingerprint; POST /api/v1/entitlement/carry_over writes it (`expected`: that
fingerprint), once however often it is posted.

The same command and rules as the page (app/views/money/carry_over.py), through the one runner: 404 for
an unknown term or a school not in one's scope, 409 when the carry-over changed since the preview, 422
for refused fields (terms in the wrong order are refused on `to_term_id`). Read with the batches, written
with the batch's write permission.
"""
from decimal import Decimal

from flask_appbuilder.api import expose, protect, safe

from app.api.answers import money_text
from app.api.carry_over_schemas import CarryOverBody, CarryOverWriteBody, preview_json
from app.api.command_api import CommandApi
from app.api.spec import documented
from app.commands import carry_over as cmd
from app.context import Context
from app.errors import FieldErrors
from app.fab.interface import ZizhuInterface
from app.models import Entitlement


def _refusing_bad_terms(command):
    """`command(ctx, **values)`, terms in the wrong order refused as a field (422 on to_term_id)."""
    def carried_out(ctx: Context, values: dict):
        try:
            return command(ctx, **values)
        except cmd.CarryOverRefused as err:
            raise FieldErrors({"to_term_id": [err.message]}) from None

    return carried_out


def written_json(values: dict, rows: list) -> dict:
    """What the carry-over wrote: how many rows (none when run again), their total and ids."""
    return {"from_term_id": values["from_term_id"], "to_term_id": values["to_term_id"],
            "school_id": values.get("school_id"), "count": len(rows),
            "total": money_text(sum((row.amount for row in rows), Decimal("0.00"))),
            "entitlement_ids": sorted(row.id for row in rows)}


@documented
class EntitlementApi(CommandApi):
    """/api/v1/entitlement/: POST /carry_over/preview and POST /carry_over (结转 to the next term)."""

    datamodel = ZizhuInterface(Entitlement)
    resource_name = "entitlement"
    openapi_spec_tag = "Entitlement"
    class_permission_name = "DisbursementBatch"  # read with the batches, write as making a batch does
    include_route_methods = {"carry_over_preview", "carry_over"}
    method_permission_name = {"carry_over_preview": "read", "carry_over": "write"}

    @expose("/carry_over/preview", methods=["POST"])
    @protect()
    @safe
    def carry_over_preview(self):
        """What carrying over would do {from_term_id, to_term_id, school_id?}; writes nothing.
        ---
        post:
          summary: Preview carrying a term's entitlements over to the next term, each line carried or not and why
          requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/CarryOverBody'}}}}
          responses:
            200: {$ref: '#/components/responses/CarryOverPreview'}
            404: {$ref: '#/components/responses/404'}
        """
        return self.run_command(CarryOverBody(), _refusing_bad_terms(cmd.carry_over_preview), preview_json)

    @expose("/carry_over", methods=["POST"])
    @protect()
    @safe
    def carry_over(self):
        """Carry over what the preview showed {from_term_id, to_term_id, school_id?, expected}.
        ---
        post:
          summary: Carry a term's entitlements over to the next term as previewed (409 when it changed since)
          requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/CarryOverWriteBody'}}}}
          responses:
            200: {$ref: '#/components/responses/CarriedOver'}
            404: {$ref: '#/components/responses/404'}
        """
        def carry(ctx: Context, body: dict) -> tuple:
            return body, _refusing_bad_terms(cmd.carry_over)(ctx, body)

        return self.run_command(CarryOverWriteBody(), carry, lambda done: written_json(*done))
