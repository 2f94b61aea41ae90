"""追回: the payments of identifications cancelled because the information proved false, and the district
recording each one recovered (its money back to the account's unallocated funds, the line reversed)."""
from flask import abort, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext

from app.commands import disbursement
from app.queries.payments import to_recover
from app.security.request_context import current_context
from app.views.framework.once import OnceFormsMixin
from app.views.framework.runner import post


class RecoveryView(OnceFormsMixin, BaseView):
    """The payments to recover in scope, each with the form that records it recovered (the district)."""

    route_base = "/money/recoveries"
    class_permission_name = "DisbursementLine"
    method_permission_name = {"index": "read", "recover": "approve"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        """Paid lines of cancelled identifications marked for recovery, oldest first: they name pupils and
        why their identification was cancelled, so only for roles that read pupils (not a Leader)."""
        if not self.appbuilder.sm.has_access("can_read", "Student"):
            abort(404)
        ctx = current_context()
        return self.render_template("zizhu/money/recoveries.html", rows=to_recover(ctx.session, ctx.scope),
                                    can_recover=ctx.scope.school_id is None and self.appbuilder.sm.has_access(
                                        "can_approve", "DisbursementLine"))

    @expose("/<int:line_id>", methods=["POST"])
    @has_access
    def recover(self, line_id):
        """Record one payment recovered, with how (the receipt of the money returned)."""
        return post(disbursement.recover, line_id, reason=request.form.get("reason", ""),
                    done=gettext("The payment is recorded as recovered; its money is back in the account."),
                    back=redirect(url_for("RecoveryView.index")))
