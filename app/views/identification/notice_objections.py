"""Objections (异议): the scoped list, recording one against a notice entry, answering it."""
from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext

from app.commands.objections import objections_due, soon_until
from app.queries import notices as read
from app.security.request_context import current_context
from app.views.framework.form_values import parse_id
from app.views.framework.once import OnceFormsMixin
from app.views.framework.runner import attempt
from app.views.identification import notice_forms as forms

PAGE = 50


class ObjectionView(OnceFormsMixin, BaseView):
    """Objections to notice entries; recording needs write, answering needs assess."""

    route_base = "/objections"
    class_permission_name = "Objection"
    method_permission_name = {"index": "read", "record": "write", "answer": "assess"}
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
            urgency=read.urgency, due=objections_due(session, scope, today=day))

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
