"""Public notices (公示): the list, the draft form with its preview, the notice page and its steps."""
from datetime import timedelta

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext
from flask_login import current_user

from app.commands import notice_approval as approval
from app.commands import notices as cmd
from app.commands.identification import REQUIRED
from app.commands.objections import soon_until
from app.errors import FieldErrors
from app.models import NoticeStatus, PublicNotice, School
from app.queries import notices as read
from app.queries.terms import current_term, find_term, terms
from app.security.request_context import current_context
from app.security.scope import limit
from app.services.workdays import next_working_day
from app.views.framework.form_values import parse_date, parse_id
from app.views.framework.once import OnceFormsMixin
from app.views.framework.runner import attempt, post

PAGE = 30


def _schools(ctx):
    """Schools in the user's scope, by code."""
    return limit(ctx.session.query(School), School, ctx.scope).order_by(School.code).all()


def _flash_errors(errors: dict) -> None:
    """Flash every refused field of the draft form, labelled."""
    for messages in FieldErrors(errors).as_dict().values():
        for message in messages:
            flash(message, "danger")


class PublicNoticeView(OnceFormsMixin, BaseView):
    """The school's notices of identification results; steps need the assess permission."""

    route_base = "/notices"
    class_permission_name = "PublicNotice"
    method_permission_name = {"index": "read", "show": "read", "new": "assess", "publish": "assess",
                              "withdraw": "assess", "approve": "assess"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        """Notices in the scope, newest first; ?status= filters, ?ready=1 keeps those ready to approve."""
        ctx = current_context()
        query = limit(ctx.session.query(PublicNotice), PublicNotice, ctx.scope)
        status = request.args.get("status")
        if status in {s.value for s in NoticeStatus}:
            query = query.filter(PublicNotice.status == NoticeStatus(status))
        if request.args.get("ready"):
            query = read.ready_to_approve(ctx.session, ctx.scope, today=ctx.today)
        page = max(parse_id(request.args.get("page")) or 1, 1)
        rows = query.order_by(PublicNotice.id.desc()).offset((page - 1) * PAGE).limit(PAGE + 1).all()
        ids = [n.id for n in rows[:PAGE]]
        return self.render_template(
            "zizhu/notices/list.html", notices=rows[:PAGE], page=page, more=len(rows) > PAGE,
            status=status, statuses=list(NoticeStatus), entries=read.entry_counts(ctx.session, ids),
            shown={n.id: read.shown_status(n, ctx.today) for n in rows[:PAGE]}, shown_labels=read.SHOWN_LABELS,
            open_objections=read.open_objection_counts(ctx.session, ids))

    def _draft_args(self, ctx, source) -> dict:
        """School, term, start date, title and contact chosen in the form (with defaults)."""
        errors = {}
        term = find_term(ctx.session, parse_id(source.get("term_id")) or 0) or current_term(ctx.session)
        school_id = ctx.scope.school_id or parse_id(source.get("school_id"))
        starts_on = parse_date(source, "starts_on", errors) or next_working_day(ctx.today + timedelta(days=1))
        if not school_id:
            errors["school"] = [REQUIRED]
        return {"school_id": school_id, "term_id": term.id if term else None, "starts_on": starts_on,
                "title": (source.get("title") or "").strip() or None,
                "contact": (source.get("contact") or "").strip() or None, "errors": errors}

    def _preview(self, ctx, args: dict) -> cmd.DraftPreview:
        """The entries and end date a draft made from `args` would have (empty when it cannot be made;
        404 for a school out of scope)."""
        if not (args["school_id"] and args["term_id"]):
            return cmd.DraftPreview()
        found = cmd.draft_preview(ctx.session, ctx.scope, school_id=args["school_id"], term_id=args["term_id"],
                                   starts_on=args["starts_on"])
        if found is None:
            abort(404)
        if found.refusal:  # no standard in force
            flash(found.refusal, "danger")
        return found

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def new(self):
        """The draft form: choose, preview the entries (GET), save the draft (POST)."""
        ctx = current_context()
        args = self._draft_args(ctx, request.form if request.method == "POST" else request.args)
        values = {k: v for k, v in args.items() if k != "errors"}
        if request.method == "POST" and not args["errors"]:
            ok, outcome = attempt(cmd.create_notice, **values)
            if ok:
                return redirect(url_for("PublicNoticeView.show", pk=outcome.id))
            if outcome.kind == "done":  # "save the draft" pressed twice: the first draft stands
                return redirect(url_for("PublicNoticeView.index"))
            # refused (flashed): the form again with the same choices
        shown = {k: v for k, v in args["errors"].items() if request.method == "POST" or k != "school"}
        _flash_errors(shown)
        return self.render_template(
            "zizhu/notices/new.html", args=args, preview=self._preview(ctx, args), schools=_schools(ctx),
            terms=terms(ctx.session), fixed_school=ctx.scope.school_id)

    @expose("/<int:pk>")
    @has_access
    def show(self, pk):
        """The notice: dates, entries with their objections (due soon amber, overdue red), the steps."""
        ctx = current_context()
        notice = read.find_notice(ctx.session, ctx.scope, pk) or abort(404)
        sm = self.appbuilder.sm
        waiting = read.waiting_count(ctx.session, notice)
        return self.render_template(
            "zizhu/notices/show.html", notice=notice, by_entry=read.objections_by_entry(ctx.session, ctx.scope, pk),
            today=ctx.today, until=soon_until(ctx.session, ctx.scope, ctx.today), urgency=read.urgency,
            shown=read.shown_status(notice, ctx.today), shown_labels=read.SHOWN_LABELS, waiting=waiting,
            approved=read.approved_count(notice), objection_closed=read.objection_closed(notice, ctx.today, waiting),
            last_receiving_day=read.last_receiving_day(notice, ctx.today),
            can_assess=sm.has_access("can_assess", "PublicNotice"),
            can_record=sm.has_access("can_write", "Objection"),
            can_answer=sm.has_access("can_assess", "Objection"), user=current_user)

    def _back(self, pk: int):
        """Back to the notice's page."""
        return redirect(url_for("PublicNoticeView.show", pk=pk))

    @expose("/<int:pk>/publish", methods=["POST"])
    @has_access
    def publish(self, pk):
        """Publish the draft: its pupils go on the notice."""
        return post(cmd.publish_notice, pk, done=gettext("The notice is published."), back=self._back(pk))

    @expose("/<int:pk>/withdraw", methods=["POST"])
    @has_access
    def withdraw(self, pk):
        """Take the notice down (its pupils still wait for approval after the end date)."""
        return post(cmd.withdraw_notice, pk, done=gettext("The notice is withdrawn."), back=self._back(pk))

    @expose("/<int:pk>/approve", methods=["POST"])
    @has_access
    def approve(self, pk):
        """Approve every pupil still on the ended notice, or none."""
        ok, count = attempt(approval.approve_notice, pk)
        if ok:
            flash(gettext("%(n)s applications approved.", n=count), "success")
        return self._back(pk)
