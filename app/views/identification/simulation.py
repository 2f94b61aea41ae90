"""What-if simulation (模拟测算): a standard's version, changed or not in the form, tried on a school year."""
import time

from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext

from app.commands import simulation
from app.errors import DomainError, FieldErrors
from app.models import AssessmentStandard, SchoolYear, StandardStatus
from app.runner import run
from app.security.request_context import current_context
from app.security.scope import limit
from app.views.identification.standards import data_from_form, error_lines, form_context, form_id, version_or_404


class SimulationView(BaseView):
    """Simulate a version on the applications of a school year; nothing is ever saved."""

    route_base = "/standards/simulate"
    class_permission_name = "StandardSimulation"
    method_permission_name = {"index": "read", "simulate": "read"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        """The menu's entry: the newest draft of the district (else the newest version) to simulate."""
        ctx = current_context()
        rows = limit(ctx.session.query(AssessmentStandard), AssessmentStandard, ctx.scope).join(SchoolYear).order_by(
            (AssessmentStandard.status == StandardStatus.DRAFT).desc(), SchoolYear.start_date.desc(),
            AssessmentStandard.version.desc())
        row = rows.first()
        if row is None:
            flash(gettext("Your district has no identification standard yet."), "info")
            return redirect(url_for("StandardView.index"))
        return redirect(url_for("SimulationView.simulate", pk=row.id))

    @expose("/<int:pk>", methods=["GET", "POST"])
    @has_access
    def simulate(self, pk):
        """GET: the form with the version's values (results with ?run=1); POST: simulate the form's values."""
        ctx = current_context()
        session, row = ctx.session, version_or_404(ctx, pk)
        data = data_from_form(row.data, request.form) if request.method == "POST" else row.data
        year = session.get(SchoolYear, form_id("school_year_id") or row.school_year_id) or row.school_year
        report, errors, seconds = None, [], None
        if request.method == "POST" or request.args.get("run"):
            started = time.perf_counter()
            try:  # the runner writes nothing here: a simulation only reads
                report = run(ctx, simulation.what_if, pk, school_year_id=year.id,
                             data=data if request.method == "POST" else None)
            except FieldErrors as err:  # the form again, each refused part named
                errors = error_lines(err, data)
            except DomainError as err:
                errors = [("", str(err))]
            seconds = time.perf_counter() - started
        years = session.query(SchoolYear).order_by(SchoolYear.start_date.desc()).all()
        return self.render_template("zizhu/standards/simulate.html", **form_context(session, row, data),
                                    report=report, errors=errors, year=year, years=years, seconds=seconds,
                                    changed=request.method == "POST")
