"""The leader's dashboard (资助概览): coverage, identification progress, spending and trends of the district,
or of one school of it (a click on a school's bar), with links on to the lists."""
from flask import abort, request, url_for
from flask_appbuilder import expose, has_access
from sqlalchemy import select

from app.models import School
from app.queries.dashboard import SECTIONS, DashboardRequest
from app.queries.dashboard_notes import term_note
from app.queries.terms import current_term, find_term, terms
from app.security.request_context import current_context
from app.security.scope import limit
from app.views.framework.charts import ECHARTS, ChartsView, narrowed
from app.views.framework.form_values import parse_id
from app.workbench.links import EQUAL_RELATION, link


def school_in_scope(ctx, school_id) -> School | None:
    """The school named by the request's `school` argument when it is in the user's scope."""
    school_id = parse_id(school_id)
    if school_id is None:
        return None
    query = limit(select(School).where(School.id == school_id), School, ctx.scope)
    return ctx.session.scalars(query).first()


class DashboardView(ChartsView):
    """资助概览: every figure counted or summed in SQL in the user's scope; no pupil's details."""

    route_base = "/reports/dashboard"
    # not "Dashboard", the menu entry's name: FAB would then take the entry's menu_access for a stale
    # permission of the view at every `flask aid init`
    class_permission_name = "DashboardFigures"
    sections = SECTIONS

    def _term(self, ctx):
        return find_term(ctx.session, request.args.get("term")) or current_term(ctx.session)

    def chart_request(self, ctx):
        """The chosen (default: current) term and school; None for a school outside the scope."""
        term, school = self._term(ctx), school_in_scope(ctx, request.args.get("school"))
        if term is None or (request.args.get("school") and school is None):
            return None
        link_ = None if school else url_for("DashboardView.index", term=term.id, school="__key__")
        scope = narrowed(ctx.scope, school)
        return DashboardRequest(term.id, ctx.today, link_, term_starts=term.start_date, term_ends=term.end_date,
                                one_school=scope.school_id is not None), scope

    def _lists(self, term, school) -> list[tuple[str, str]]:
        """The lists behind a school's figures that the user may open, filtered to the school and term."""
        sm = self.appbuilder.sm
        found = []
        if sm.has_access("can_read", "Application"):
            found.append(("applications", link("ApplicationModelView.list", **{
                EQUAL_RELATION.format("school"): school.id, EQUAL_RELATION.format("term"): term.id})))
        if sm.has_access("can_read", "Student"):
            found.append(("pupils", link("StudentModelView.list", **{EQUAL_RELATION.format("school"): school.id})))
        if sm.has_access("can_read", "DisbursementBatch"):
            found.append(("batches", link("BatchView.index")))
        return [(name, url) for name, url in found if url]

    @expose("/")
    @has_access
    def index(self):
        """The dashboard of the chosen term, for the district or the school chosen by a click."""
        ctx = current_context()
        # a school's own user sees their school's page, with its lists
        term, school = self._term(ctx), school_in_scope(ctx, request.args.get("school") or ctx.scope.school_id)
        if request.args.get("school") and school is None:
            abort(404)
        args = {"term": term.id} if term else {}
        if school is not None:
            args["school"] = school.id
        sections = {name: url_for("DashboardView.data", name=name, **args) for name in SECTIONS}
        return self.render_template(
            "zizhu/dashboard.html", term=term, terms=terms(ctx.session), school=school, sections=sections,
            lists=self._lists(term, school) if school is not None and term else [], echarts=ECHARTS,
            note=term_note(ctx.session, narrowed(ctx.scope, school), term, ctx.today) if term else None,
            own_school=ctx.scope.school_id is not None,
            district_url=url_for("DashboardView.index", **({"term": term.id} if term else {})))
