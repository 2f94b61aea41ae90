"""Reports (统计报表): each school's progress with a term's applications."""
from flask import request
from flask_appbuilder import BaseView, expose, has_access

from app.queries.progress import school_progress
from app.queries.terms import current_term, find_term, terms
from app.security.request_context import current_context
from app.services.progress import BEHIND_BY


class SchoolProgressView(BaseView):
    """Each school's progress with this term's applications, for the district and leaders."""

    route_base = "/reports/progress"
    class_permission_name = "SchoolProgress"
    method_permission_name = {"index": "read"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        """The progress table of every school in the scope for the chosen (default: current) term."""
        ctx = current_context()
        term = find_term(ctx.session, request.args.get("term")) or current_term(ctx.session)
        table = school_progress(ctx.session, ctx.scope, term.id) if term else None
        return self.render_template("zizhu/progress.html", term=term, terms=terms(ctx.session), table=table,
                                    behind_points=round(BEHIND_BY * 100))
