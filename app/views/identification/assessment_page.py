"""The assessment page (评审页): a term's queue and one application's facts, score, visits and decision.

Every POST runs one command through the pages' runner (app/views/runner.py), which flashes the
outcome, and redirects back (PRG). Class teachers record home visits and class reviews (write);
scoring, decisions and the other workflow steps need the assess permission.
"""
from flask import abort, current_app, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import get_locale, gettext

from app.commands import assessing
from app.commands.jobs import start_job
from app.jobs.queue import job_queue
from app.queries.applications import PAGE_SIZE, queue_rows, queue_statuses, schools, status_counts
from app.queries.terms import current_term, terms
from app.security.request_context import current_context
from app.views.framework.once import OnceFormsMixin
from app.views.framework.runner import attempt, post
from app.views.identification import assessment_forms as forms
from app.views.identification.assessment_context import decision_closed, page
from app.views.identification.assessment_queue import parse_filters

PERMISSION = "Assessment"


def may(action: str) -> bool:
    """Whether the signed-in user holds `action` (read, write, assess) on the assessment page."""
    return current_app.appbuilder.sm.has_access(f"can_{action}", PERMISSION)


class AssessmentView(OnceFormsMixin, BaseView):
    """The queue of a term's applications and the page of one application."""

    route_base = "/assessment"
    class_permission_name = PERMISSION
    method_permission_name = {
        "index": "read", "show": "read", "visit": "write", "class_review": "write", "submit": "write",
        "score": "assess", "decide": "assess", "step": "assess", "score_all": "assess",
    }
    default_view = "index"

    def _back(self, pk: int, anchor: str = ""):
        """Redirect to the application's page (keeping the queue's status filter)."""
        status = request.args.get("status") or None
        return redirect(url_for("AssessmentView.show", pk=pk, status=status) + (f"#{anchor}" if anchor else ""))

    @expose("/")
    @has_access
    def index(self):
        """The queue: the term's applications in scope, by status, with score and tiers."""
        ctx = current_context()
        session, scope = ctx.session, ctx.scope
        term = current_term(session)
        if term is None and not request.args.get("term"):
            return self.render_template("zizhu/assessment/index.html", term=None, rows=[], counts={})
        filters = parse_filters(request.args, term.id if term else 0)
        rows = queue_rows(session, scope, filters)
        return self.render_template(
            "zizhu/assessment/index.html", term=term, filters=filters, rows=rows[:PAGE_SIZE],
            has_more=len(rows) > PAGE_SIZE, counts=status_counts(session, scope, filters),
            statuses=queue_statuses(), terms=terms(session), page_size=PAGE_SIZE,
            schools=schools(session, scope) if scope.school_id is None else [],
            can_assess=may("assess"))

    @expose("/<int:pk>")
    @has_access
    def show(self, pk):
        """One application: pupil, frozen household, breakdown beside the rules, visits, decisions."""
        ctx = current_context()
        context = page(ctx, pk, request.args.get("status") or None)
        if context is None:
            abort(404)
        can_write = may("write")
        class_closed = forms.class_review_closed(
            context["app"].status.value, context["steps"], context["class_decision"] is not None,
            bool(context["standard"].get("class_review")), can_write)
        closed = decision_closed(
            context["app"].status.value, context["steps"], context["app"].decided_on is not None, may("assess"))
        return self.render_template("zizhu/assessment/show.html", today=ctx.today, decision_closed=closed,
                                    can_assess=may("assess"), can_write=can_write, class_closed=class_closed,
                                    assess_steps=forms.ASSESS_STEPS, reason_labels=forms.REASON_LABELS,
                                    status_filter=request.args.get("status") or "", **context)

    @expose("/<int:pk>/score", methods=["POST"])
    @has_access
    def score(self, pk):
        """Score the application from its snapshot."""
        return post(assessing.score, pk, done=gettext("The application was scored."),
                    back=self._back(pk, "zz-breakdown"))

    @expose("/<int:pk>/visit", methods=["POST"])
    @has_access
    def visit(self, pk):
        """Record a home visit."""
        return post(forms.home_visit, pk, request.form, done=gettext("The home visit was recorded."),
                    back=self._back(pk, "zz-visits"))

    @expose("/<int:pk>/class-review", methods=["POST"])
    @has_access
    def class_review(self, pk):
        """Record the class review."""
        return post(forms.class_review, pk, request.form, done=gettext("The class review was recorded."),
                    back=self._back(pk, "zz-class-review"))

    @expose("/<int:pk>/decide", methods=["POST"])
    @has_access
    def decide(self, pk):
        """Record the committee's decision."""
        return post(forms.decide, pk, request.form, done=gettext("The committee's decision was recorded."),
                    back=self._back(pk, "zz-decision"))

    @expose("/<int:pk>/submit", methods=["POST"])
    @has_access
    def submit(self, pk):
        """Submit a draft or returned application (the household is frozen)."""
        return post(forms.take_step, pk, "submit", request.form, done=forms.DONE["submit"],
                    back=self._back(pk, "zz-steps"))

    @expose("/<int:pk>/step/<step>", methods=["POST"])
    @has_access
    def step(self, pk, step):
        """Return, re-assess, cancel, not approve, approve or archive."""
        if step not in forms.ASSESS_STEPS:
            abort(404)
        return post(forms.take_step, pk, step, request.form, done=forms.DONE[step], back=self._back(pk, "zz-steps"))

    @expose("/score-all", methods=["POST"])
    @has_access
    def score_all(self):
        """Start the scoring job for the school (or the school chosen) and term; show its page."""
        school_id = current_context().scope.school_id
        params = {"locale": str(get_locale() or "zh")}
        for key in ("term_id", "school_id"):
            if (request.form.get(key) or "").isdigit():
                params[key] = int(request.form[key])
        if school_id is not None:
            params["school_id"] = school_id
        # the button pressed twice: the first job is the one (the form's token is taken once)
        started, job = attempt(start_job, "score_applications", params,
                               per_user=current_app.config["JOBS_PER_USER"])
        if not started:
            return redirect(url_for("AssessmentView.index"))
        job_queue().enqueue(job.id)
        return redirect(url_for("JobView.show", pk=job.id))
