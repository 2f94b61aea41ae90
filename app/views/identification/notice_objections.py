"""Objections (异议): the scoped list, recording one against a notice entry, answering it, and the
review (复核) a family may ask the district for after a dismissal: the request, the district's decision."""
from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext

from app.commands import reviews
from app.commands.objections import objections_due, soon_until
from app.context import Context
from app.errors import FieldErrors
from app.models import ReviewRuling
from app.queries import notices as read
from app.security.request_context import current_context
from app.views.framework.form_values import parse_date, parse_id
from app.views.framework.once import OnceFormsMixin
from app.views.framework.runner import attempt
from app.views.identification import notice_forms as forms

PAGE = 50


class ObjectionView(OnceFormsMixin, BaseView):
    """Objections to notice entries; recording needs write, answering needs assess; a review is asked
    for with write and decided with review (the district's)."""

    route_base = "/objections"
    class_permission_name = "Objection"
    method_permission_name = {"index": "read", "record": "write", "answer": "assess", "request_review": "write",
                              "decide_review": "review"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        """Objections in the scope, unanswered and soonest due first; ?state=open|overdue|answered."""
        ctx = current_context()
        session, scope, day = ctx.session, ctx.scope, ctx.today
        state = request.args.get("state") if request.args.get("state") in read.STATES else None
        page = max(parse_id(request.args.get("page")) or 1, 1)
        rows = read.objections(session, scope, state=state, today=day).offset((page - 1) * PAGE).limit(PAGE + 1).all()
        return self.render_template(
            "zizhu/notices/objections.html", objections=rows[:PAGE], more=len(rows) > PAGE, page=page,
            state=state, states=read.STATES, today=day, until=soon_until(session, scope, day),
            urgency=read.urgency, due=objections_due(session, scope, today=day),
            open_reviews=reviews.open_reviews(session, scope),
            can_request=self.appbuilder.sm.has_access("can_write", "Objection"),
            can_decide=self.appbuilder.sm.has_access("can_review", "Objection"))

    def _back(self, notice_id):
        """Back to the notice page (or the list when the notice is unknown)."""
        if notice_id:
            return redirect(url_for("PublicNoticeView.show", pk=notice_id) + "#zz-objections")
        return redirect(url_for("ObjectionView.index"))

    @expose("/record", methods=["POST"])
    @has_access
    def record(self):
        """Record an objection received during the notice against one of its entries."""
        ok, objection = attempt(forms.record_objection, request.form)
        if ok:
            flash(gettext("The objection is recorded; answer it by %(day)s.", day=objection.due_on.isoformat()),
                  "success")
        return self._back(parse_id(request.form.get("notice_id")))

    @expose("/<int:pk>/answer", methods=["POST"])
    @has_access
    def answer(self, pk):
        """Answer an objection (once; an upheld one takes the pupil off the notice)."""
        ok, objection = attempt(forms.answer_objection, pk, request.form, done=gettext("The answer is recorded."))
        return self._back(objection.notice_id if ok else parse_id(request.form.get("notice_id")))

    def _to_list(self, pk: int):
        """Back to the objections list, at the objection (keeping the list's state)."""
        state = request.form.get("state") if request.form.get("state") in read.STATES else None
        return redirect(url_for("ObjectionView.index", state=state) + f"#zz-objection-{pk}")

    @expose("/<int:pk>/review-request", methods=["POST"])
    @has_access
    def request_review(self, pk):
        """Record the family's request for a district review of a dismissed objection."""
        attempt(_request_review, pk, request.form,
                done=gettext("The request for review is recorded; the district decides it."))
        return self._to_list(pk)

    @expose("/<int:pk>/review-decision", methods=["POST"])
    @has_access
    def decide_review(self, pk):
        """The district's decision on a review (once; a change takes the pupil off the notice)."""
        attempt(_decide_review, pk, request.form, done=gettext("The review decision is recorded."))
        return self._to_list(pk)


def _request_review(ctx: Context, pk: int, form):
    """The request for review from the form (received today unless another day is given)."""
    errors = {}
    requested_on = parse_date(form, "review_requested_on", errors) or (None if errors else ctx.today)
    if errors:
        raise FieldErrors(errors)
    return reviews.request_review(ctx, pk, requested_on=requested_on, content=form.get("review_request", ""),
                                  requested_by=form.get("review_requested_by"))


def _decide_review(ctx: Context, pk: int, form):
    """The district's decision from the form (decided today unless another day is given)."""
    errors = {}
    decided_on = parse_date(form, "review_decided_on", errors) or (None if errors else ctx.today)
    if errors:
        raise FieldErrors(errors)
    try:
        ruling = ReviewRuling(form.get("review_ruling"))
    except ValueError:
        ruling = None
    return reviews.decide_review(ctx, pk, ruling=ruling, answer=form.get("review_answer", ""),
                                 decided_on=decided_on)
