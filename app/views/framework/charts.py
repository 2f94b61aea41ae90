"""Pages of charts drawn with the app's own ECharts (static/vendor/echarts): a view declares sections of
charts (app/queries/charts.py) and gets their JSON at <route>/data/<section>, figured in SQL in scope.

The stock chart views of Flask-AppBuilder load Google Charts from the internet and every row into
Python; none of them is used.
"""
from collections.abc import Callable

from flask import abort, jsonify
from flask_appbuilder import BaseView, expose, has_access

from app.queries.charts import Chart, Figures, chart_data
from app.security.request_context import current_context
from app.security.scope import Scope

ECHARTS = "vendor/echarts/echarts.min.js"  # installed by `make install` (scripts/install-echarts.sh)


class ChartsView(BaseView):
    """A page of chart sections. Subclasses set `sections` ({name: fn(request) → [Chart]}) and
    `chart_request()`; the page's template loads static/js/charts.js, which fetches each section."""

    sections: dict[str, Callable[..., list[Chart]]] = {}
    method_permission_name = {"index": "read", "data": "read"}
    default_view = "index"

    def chart_request(self, ctx):
        """(the request object handed to the sections' functions, the scope their figures are limited to);
        None when the request names something outside the user's scope (answered with 404)."""
        raise NotImplementedError

    def section_data(self, ctx, name: str) -> dict | None:
        """{"charts": [chart JSON…]} of one section, or None when there is no such section or request."""
        charts = self.sections.get(name)
        found = self.chart_request(ctx) if charts else None
        if found is None:
            return None
        request_, scope = found
        figures, drawn = Figures(ctx.session, scope), charts(request_)
        figures.plan(drawn)  # a series two charts share is queried once, by several categories at once
        return {"charts": [chart_data(ctx.session, scope, chart, figures) for chart in drawn]}

    @expose("/data/<name>")
    @has_access
    def data(self, name: str):
        """One section's charts as JSON: {charts: [{key, title, kind, unit, labels, keys, series, link}]}."""
        found = self.section_data(current_context(), name)
        if found is None:
            abort(404)
        return jsonify(found)


def narrowed(scope: Scope, school) -> Scope:
    """The scope limited to one school (a drill-down); the caller checked the school is in it."""
    if school is None:
        return scope
    return Scope(district_id=school.district_id, school_id=school.id, classes=scope.classes, user_id=scope.user_id)
