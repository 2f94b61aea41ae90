"""The carry-over page (动态调整 / 结转): a term's entitlements carried to the next term of the same school
year, previewed pupil by pupil (carried with item, tier and amount, or not and why), then written once.

The preview's fingerprint travels with the form: when the carry-over would now differ from what was shown
(a pupil left, an identification changed), nothing is written and the page shows the preview again. The
page reads as the batches do and writes with the batch's write permission (a school officer carries their
own school over, the district any school or all of them); scope decides which pupils, and another
school's id answers 404. Every write is a command through the page runner.
"""
from decimal import Decimal

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext

from app.commands import carry_over
from app.formatting import format_money
from app.models import School
from app.queries.terms import current_term, terms
from app.security.request_context import current_context
from app.security.scope import limit
from app.services.carry_totals import reason_totals
from app.views.framework.form_values import parse_id
from app.views.framework.once import OnceFormsMixin
from app.views.framework.runner import attempt

PAGE = 100  # pupils a page lists; the summary counts them all
PERMISSIONS = "DisbursementBatch"  # read with the batches, write as making a batch does


def term_before(choices, term):
    """Of `choices`, the term starting last before `term` starts (None when there is none)."""
    earlier = [t for t in choices if term is not None and t.start_date < term.start_date]
    return max(earlier, key=lambda t: t.start_date) if earlier else None


def _given(value) -> int | None:
    """A term or school id as given (an unknown one is the command's to refuse: 404); None when absent."""
    return parse_id(value) if value not in (None, "") else None


class CarryOverView(OnceFormsMixin, BaseView):
    """结转: the preview of carrying a term's entitlements over to the next term, and the carry-over."""

    route_base = "/money/carry_over"
    class_permission_name = PERMISSIONS
    method_permission_name = {"index": "read", "carry": "write"}
    default_view = "index"

    @staticmethod
    def _args(source, choices) -> dict:
        """The terms and school asked for; by default the current term, carried from the term before it,
        and for a school officer their own school. A term or school asked for that is unknown (or not in
        scope) answers 404."""
        ctx = current_context()
        to_term_id = _given(source.get("to_term_id"))
        if to_term_id is None:
            target = current_term(ctx.session)
            to_term_id = target.id if target else None
        else:
            target = next((t for t in choices if t.id == to_term_id), None) or abort(404)
        from_term_id = _given(source.get("from_term_id"))
        if from_term_id is None:
            before = term_before(choices, target)
            from_term_id = before.id if before else None
        school_id = _given(source.get("school_id")) or ctx.scope.school_id
        return {"from_term_id": from_term_id, "to_term_id": to_term_id, "school_id": school_id}

    @expose("/")
    @has_access
    def index(self):
        """Choose the terms (and a school); see who carries over with item, tier and amount, who not and why."""
        ctx = current_context()
        choices = terms(ctx.session)
        args = self._args(request.args, choices)
        preview = None
        if args["from_term_id"] and args["to_term_id"]:
            ok, result = attempt(carry_over.carry_over_preview, **args)
            preview = result if ok else None
        pupils = preview.pupils if preview else []
        page = max(parse_id(request.args.get("page")) or 1, 1)
        schools = limit(ctx.session.query(School), School, ctx.scope).order_by(School.code).all()
        return self.render_template(
            "zizhu/money/carry_over.html", args=args, terms=choices, schools=schools,
            school_names={s.id: s.name for s in schools}, fixed_school=ctx.scope.school_id, preview=preview,
            pupils=pupils[(page - 1) * PAGE:page * PAGE], page=page, offset=(page - 1) * PAGE,
            more=len(pupils) > page * PAGE,
            pupil_count=len(pupils), carried_pupils=sum(1 for p in pupils if p.carries),
            reasons=reason_totals(preview.lines) if preview else [],
            can_write=self.appbuilder.sm.has_access("can_write", PERMISSIONS))

    @expose("/carry", methods=["POST"])
    @has_access
    def carry(self):
        """Carry over what the preview showed (its fingerprint posted with it); Stale when it changed."""
        ctx = current_context()
        args = self._args(request.form, terms(ctx.session))
        back = redirect(url_for("CarryOverView.index", **{k: v for k, v in args.items() if v}))
        expected = (request.form.get("expected") or "").strip()
        if not (expected and args["from_term_id"] and args["to_term_id"]):
            flash(gettext("Preview the carry-over first, then carry it over."), "danger")
            return back
        ok, written = attempt(carry_over.carry_over, **args, expected=expected)
        if ok and not written:
            flash(gettext("Nothing was carried over: no line of the preview carries over now."), "info")
        elif ok:
            total = sum((row.amount for row in written), Decimal("0.00"))
            flash(gettext("%(n)s entitlements carried over to the new term (%(total)s).", n=len(written),
                          total=format_money(total)), "success")
        return back
