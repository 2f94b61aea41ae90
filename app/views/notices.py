"""Public notices (公示): the list, the draft form with its preview, the notice page and its steps."""
from datetime import timedelta

from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import func
from sqlalchemy.orm.exc import StaleDataError

from app.commands import notice_approval as approval
from app.commands import notices as cmd
from app.errors import DomainError, FieldErrors
from app.commands.identification import REQUIRED
from app.commands.objections import soon_until, urgency
from app.extensions import db
from app.models import NoticeEntry, NoticeStatus, Objection, PublicNotice, School, Term
from app.models.base import utcnow
from app.security.scope import current_scope, limit
from app.services.workdays import next_working_day
from app.views.form_values import parse_date, parse_id
from app.views.notice_forms import expire_notices, refuse
from app.views.once import ALREADY, OnceFormsMixin, claim_form
from app.workbench.context import current_term
from app.workbench.context import local_today as today

PAGE = 30


def _counts(model, column, ids, *criteria) -> dict:
    """{notice id: number of rows of `model`} for the notices of a page."""
    rows = db.session.query(column, func.count()).filter(column.in_(ids), *criteria).group_by(column)
    return dict(rows.all())


def _schools():
    """Schools in the user's scope, by code."""
    return limit(db.session.query(School), School).order_by(School.code).all()


class PublicNoticeView(OnceFormsMixin, BaseView):
    """The school's notices of identification results; steps need the assess permission."""

    route_base = "/notices"
    class_permission_name = "PublicNotice"
    method_permission_name = {"index": "read", "show": "read", "new": "assess", "publish": "assess",
                              "withdraw": "assess", "approve": "assess"}
    default_view = "index"

    def _notice(self, pk: int) -> PublicNotice:
        """The notice in the user's scope (404 otherwise)."""
        try:
            return cmd.load_notice(db.session, pk, current_scope())
        except DomainError as err:
            refuse(err)

    @expose("/")
    @has_access
    def index(self):
        """Notices in the scope, newest first; ?status= filters, ?ready=1 keeps those ready to approve."""
        expire_notices()
        query = limit(db.session.query(PublicNotice), PublicNotice)
        status = request.args.get("status")
        if status in {s.value for s in NoticeStatus}:
            query = query.filter(PublicNotice.status == NoticeStatus(status))
        if request.args.get("ready"):
            query = approval.ready_to_approve(db.session, current_scope(), today=today())
        page = max(parse_id(request.args.get("page")) or 1, 1)
        rows = query.order_by(PublicNotice.id.desc()).offset((page - 1) * PAGE).limit(PAGE + 1).all()
        ids = [n.id for n in rows[:PAGE]]
        return self.render_template(
            "zizhu/notices/list.html", notices=rows[:PAGE], page=page, more=len(rows) > PAGE,
            status=status, statuses=list(NoticeStatus),
            entries=_counts(NoticeEntry, NoticeEntry.notice_id, ids),
            open_objections=_counts(Objection, Objection.notice_id, ids, Objection.answered_on.is_(None)))

    def _draft_args(self, source) -> dict:
        """School, term, start date, title and contact chosen in the form (with defaults)."""
        scope, errors = current_scope(), {}
        term = db.session.get(Term, parse_id(source.get("term_id")) or 0) or current_term(db.session)
        school_id = scope.school_id or parse_id(source.get("school_id"))
        starts_on = parse_date(source, "starts_on", errors) or next_working_day(today() + timedelta(days=1))
        if not school_id:
            errors["school"] = [REQUIRED]
        return {"school_id": school_id, "term_id": term.id if term else None, "starts_on": starts_on,
                "title": (source.get("title") or "").strip() or None,
                "contact": (source.get("contact") or "").strip() or None, "errors": errors}

    def _preview(self, args: dict) -> dict:
        """The entries and end date a draft made from `args` would have (empty when it cannot be made)."""
        if not (args["school_id"] and args["term_id"]):
            return {"entries": [], "ends_on": None}
        session, scope = db.session, current_scope()
        try:
            entries = cmd.preview(session, scope, school_id=args["school_id"], term_id=args["term_id"])
            school, term = session.get(School, args["school_id"]), session.get(Term, args["term_id"])
            cal = cmd.calendar_for(session, school.district_id, term.school_year_id)
        except DomainError as err:  # no standard in force, a school out of scope
            refuse(err)
            return {"entries": [], "ends_on": None}
        starts = cal.next_working_day(args["starts_on"])
        return {"entries": entries, "starts_on": starts, "ends_on": cal.add(starts, cal.notice_days),
                "working_days": cal.notice_days, "default_title": cmd.default_title(school, term)}

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def new(self):
        """The draft form: choose, preview the entries (GET), save the draft (POST)."""
        args = self._draft_args(request.form if request.method == "POST" else request.args)
        if request.method == "POST" and not args["errors"]:
            values = {k: v for k, v in args.items() if k != "errors"}
            if not claim_form(db.session):  # "save the draft" pressed twice: the first draft stands
                flash(str(ALREADY), "info")
                return redirect(url_for("PublicNoticeView.index"))
            try:
                notice = cmd.create_notice(db.session, current_scope(), **values)
            except (DomainError, StaleDataError) as err:
                refuse(err)
            else:
                db.session.commit()
                return redirect(url_for("PublicNoticeView.show", pk=notice.id))
        shown = {k: v for k, v in args["errors"].items() if request.method == "POST" or k != "school"}
        if shown:
            refuse(FieldErrors(shown))
        return self.render_template(
            "zizhu/notices/new.html", args=args, preview=self._preview(args), schools=_schools(),
            terms=db.session.query(Term).order_by(Term.start_date.desc()).all(),
            fixed_school=current_scope().school_id)

    @expose("/<int:pk>")
    @has_access
    def show(self, pk):
        """The notice: dates, entries with their objections (due soon amber, overdue red), the steps."""
        expire_notices()
        notice = self._notice(pk)
        day, scope = today(), current_scope()
        found = limit(db.session.query(Objection), Objection).filter(Objection.notice_id == notice.id)
        by_entry = {}
        for objection in found.order_by(Objection.received_on, Objection.id):
            by_entry.setdefault(objection.entry_id, []).append(objection)
        sm = self.appbuilder.sm
        return self.render_template(
            "zizhu/notices/show.html", notice=notice, by_entry=by_entry, today=day,
            until=soon_until(db.session, scope, day), urgency=urgency,
            can_assess=sm.has_access("can_assess", "PublicNotice"),
            can_record=sm.has_access("can_write", "Objection"),
            can_answer=sm.has_access("can_assess", "Objection"), user=current_user)

    def _step(self, pk: int, run, done):
        """POST a step on the notice: run it, commit, flash `done(result)`; refusals are flashed."""
        if not claim_form(db.session):
            flash(str(ALREADY), "info")
            return redirect(url_for("PublicNoticeView.show", pk=pk))
        try:
            result = run(db.session, pk, current_scope())
        except (DomainError, StaleDataError) as err:
            refuse(err)
        else:
            db.session.commit()
            flash(done(result), "success")
        return redirect(url_for("PublicNoticeView.show", pk=pk))

    @expose("/<int:pk>/publish", methods=["POST"])
    @has_access
    def publish(self, pk):
        """Publish the draft: its pupils go on the notice."""
        return self._step(pk, lambda s, i, sc: cmd.publish_notice(s, i, sc, now=utcnow()),
                          lambda _: gettext("The notice is published."))

    @expose("/<int:pk>/withdraw", methods=["POST"])
    @has_access
    def withdraw(self, pk):
        """Take the notice down (its pupils still wait for approval after the end date)."""
        return self._step(pk, lambda s, i, sc: cmd.withdraw_notice(s, i, sc, now=utcnow()),
                          lambda _: gettext("The notice is withdrawn."))

    @expose("/<int:pk>/approve", methods=["POST"])
    @has_access
    def approve(self, pk):
        """Approve every pupil still on the ended notice, or none."""
        return self._step(pk, lambda s, i, sc: approval.approve_notice(s, i, sc, today=today(), now=utcnow()),
                          lambda n: gettext("%(n)s applications approved.", n=n))

