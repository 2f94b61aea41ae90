"""Objections (异议): the scoped list, recording one against a notice entry, answering it."""
from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext
from sqlalchemy.orm.exc import StaleDataError

from app.commands import objections as cmd
from app.errors import DomainError, FieldErrors
from app.extensions import db
from app.models import ObjectionOutcome
from app.security.scope import current_scope
from app.views.form_values import parse_date, parse_id
from app.views.notice_forms import refuse
from app.views.once import ALREADY, OnceFormsMixin, claim_form
from app.workbench.context import local_today as today

PAGE = 50


def _outcome(value) -> ObjectionOutcome | None:
    """The outcome chosen in the form (None when missing or unknown)."""
    try:
        return ObjectionOutcome(value)
    except ValueError:
        return None


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
        session, scope, day = db.session, current_scope(), today()
        state = request.args.get("state") if request.args.get("state") in cmd.STATES else None
        page = max(parse_id(request.args.get("page")) or 1, 1)
        rows = cmd.objections(session, scope, state=state, today=day).offset((page - 1) * PAGE).limit(PAGE + 1).all()
        return self.render_template(
            "zizhu/notices/objections.html", objections=rows[:PAGE], more=len(rows) > PAGE, page=page,
            state=state, states=cmd.STATES, today=day, until=cmd.soon_until(session, scope, day),
            urgency=cmd.urgency, due=cmd.objections_due(session, scope, today=day))

    def _back(self, notice_id):
        """Back to the notice page (or the list when the notice is unknown)."""
        if notice_id:
            return redirect(url_for("PublicNoticeView.show", pk=notice_id) + "#zz-objections")
        return redirect(url_for("ObjectionView.index"))

    @expose("/record", methods=["POST"])
    @has_access
    def record(self):
        """Record an objection received during the notice against one of its entries."""
        form, errors = request.form, {}
        received_on = parse_date(form, "received_on", errors)
        if not claim_form(db.session):  # the form sent twice: the objection is recorded once
            flash(str(ALREADY), "info")
            return self._back(parse_id(form.get("notice_id")))
        try:
            if errors:
                raise FieldErrors(errors)
            objection = cmd.record_objection(
                db.session, parse_id(form.get("entry_id")) or 0, current_scope(), received_on=received_on,
                content=form.get("content", ""), raised_by=form.get("raised_by"))
        except (DomainError, StaleDataError) as err:
            refuse(err)
        else:
            db.session.commit()
            flash(gettext("The objection is recorded; answer it by %(day)s.", day=objection.due_on.isoformat()),
                  "success")
        return self._back(parse_id(form.get("notice_id")))

    @expose("/<int:pk>/answer", methods=["POST"])
    @has_access
    def answer(self, pk):
        """Answer an objection (once; an upheld one takes the pupil off the notice)."""
        form, errors = request.form, {}
        answered_on = parse_date(form, "answered_on", errors) or (None if errors else today())
        notice_id = None
        if not claim_form(db.session):
            flash(str(ALREADY), "info")
            return self._back(parse_id(form.get("notice_id")))
        try:
            if errors:
                raise FieldErrors(errors)
            objection = cmd.answer_objection(db.session, pk, current_scope(), answer=form.get("answer", ""),
                                             outcome=_outcome(form.get("outcome")), answered_on=answered_on)
            notice_id = objection.notice_id
        except (DomainError, StaleDataError) as err:
            refuse(err)
        else:
            db.session.commit()
            flash(gettext("The answer is recorded."), "success")
        return self._back(notice_id or parse_id(form.get("notice_id")))
