"""The assessment page (评审页): a term's queue and one application's facts, score, visits and decision.

Every POST calls one command, commits, flashes the outcome and redirects back (PRG). Class
teachers record home visits and class reviews (write); scoring, decisions and the other workflow
steps need the assess permission.
"""
from flask import abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import get_locale, gettext
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from app.commands import assessing
from app.errors import DomainError, FieldErrors
from app.commands.idempotency import AlreadyRecorded
from app.commands.identification import ApplicationNotFound
from app.commands.jobs import start_job
from app.commands.locking import STALE
from app.extensions import db
from app.jobs.queue import job_queue
from app.models.base import utcnow
from app.security.scope import current_scope
from app.views import assessment_forms as forms
from app.views.assessment_context import page
from app.views.assessment_queue import (
    PAGE_SIZE,
    QUEUE_STATUSES,
    parse_filters,
    queue_rows,
    schools,
    status_counts,
    terms,
)
from app.views.once import ALREADY, OnceFormsMixin, claim_form
from app.workbench.context import current_term, local_today

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

    def _run(self, pk: int, command, done, anchor: str = ""):
        """Call `command()`, commit and flash `done`; on a refusal roll back and flash why. A form sent
        twice (its one-time token taken) is carried out once."""
        if not claim_form(db.session):
            flash(str(ALREADY), "info")
            return self._back(pk, anchor)
        try:
            command()
            db.session.commit()
        except ApplicationNotFound:
            db.session.rollback()
            abort(404)
        except FieldErrors as err:
            db.session.rollback()
            flash(err.first_message(), "danger")
        except AlreadyRecorded as err:
            db.session.rollback()
            flash(str(err), "info")
        except DomainError as err:
            db.session.rollback()
            flash(str(err), "danger")
        except StaleDataError:
            db.session.rollback()
            flash(str(STALE), "danger")
        else:
            flash(str(done), "success")
        return self._back(pk, anchor)

    @expose("/")
    @has_access
    def index(self):
        """The queue: the term's applications in scope, by status, with score and tiers."""
        session, scope = db.session, current_scope()
        term = current_term(session)
        if term is None and not request.args.get("term"):
            return self.render_template("zizhu/assessment/index.html", term=None, rows=[], counts={})
        filters = parse_filters(request.args, term.id if term else 0)
        rows = queue_rows(session, filters, scope)
        return self.render_template(
            "zizhu/assessment/index.html", term=term, filters=filters, rows=rows[:PAGE_SIZE],
            has_more=len(rows) > PAGE_SIZE, counts=status_counts(session, filters, scope),
            statuses=QUEUE_STATUSES, terms=terms(session), page_size=PAGE_SIZE,
            schools=schools(session, scope) if scope.school_id is None else [],
            can_assess=may("assess"))

    @expose("/<int:pk>")
    @has_access
    def show(self, pk):
        """One application: pupil, frozen household, breakdown beside the rules, visits, decisions."""
        try:
            context = page(db.session, pk, current_scope(), request.args.get("status") or None)
        except ApplicationNotFound:
            abort(404)
        return self.render_template("zizhu/assessment/show.html", today=local_today(),
                                    can_assess=may("assess"), can_write=may("write"),
                                    status_filter=request.args.get("status") or "", **context)

    @expose("/<int:pk>/score", methods=["POST"])
    @has_access
    def score(self, pk):
        """Score the application from its snapshot."""
        return self._run(pk, lambda: assessing.score(db.session, pk, current_scope(), now=utcnow()),
                         gettext("The application was scored."), "zz-breakdown")

    @expose("/<int:pk>/visit", methods=["POST"])
    @has_access
    def visit(self, pk):
        """Record a home visit."""
        return self._run(pk, lambda: forms.home_visit(db.session, pk, current_scope(), request.form),
                         gettext("The home visit was recorded."), "zz-visits")

    @expose("/<int:pk>/class-review", methods=["POST"])
    @has_access
    def class_review(self, pk):
        """Record the class review."""
        return self._run(pk, lambda: forms.class_review(db.session, pk, current_scope(), request.form),
                         gettext("The class review was recorded."), "zz-class-review")

    @expose("/<int:pk>/decide", methods=["POST"])
    @has_access
    def decide(self, pk):
        """Record the committee's decision."""
        return self._run(pk, lambda: forms.decide(db.session, pk, current_scope(), request.form),
                         gettext("The committee's decision was recorded."), "zz-decision")

    @expose("/<int:pk>/submit", methods=["POST"])
    @has_access
    def submit(self, pk):
        """Submit a draft or returned application (the household is frozen)."""
        return self._run(pk, lambda: forms.take_step(db.session, pk, current_scope(), "submit", request.form),
                         forms.DONE["submit"], "zz-steps")

    @expose("/<int:pk>/step/<step>", methods=["POST"])
    @has_access
    def step(self, pk, step):
        """Return, re-assess, cancel, not approve, approve or archive."""
        if step not in forms.ASSESS_STEPS:
            abort(404)
        return self._run(pk, lambda: forms.take_step(db.session, pk, current_scope(), step, request.form),
                         forms.DONE[step], "zz-steps")

    @expose("/score-all", methods=["POST"])
    @has_access
    def score_all(self):
        """Start the scoring job for the school (or the school chosen) and term; show its page."""
        scope = current_scope()
        params = {"locale": str(get_locale() or "zh")}
        for key in ("term_id", "school_id"):
            if (request.form.get(key) or "").isdigit():
                params[key] = int(request.form[key])
        if scope.school_id is not None:
            params["school_id"] = scope.school_id
        if not claim_form(db.session):  # the button pressed twice: the first job is the one
            flash(str(ALREADY), "info")
            return redirect(url_for("AssessmentView.index"))
        try:
            job = start_job(db.session, user_id=current_user.id, username=current_user.username, scope=scope,
                            kind="score_applications", params=params,
                            per_user=current_app.config["JOBS_PER_USER"])
        except DomainError as err:
            db.session.rollback()
            flash(str(err), "danger")
            return redirect(url_for("AssessmentView.index"))
        job_queue().enqueue(job.id)
        return redirect(url_for("JobView.show", pk=job.id))
