"""Reports (统计报表): each school's progress with a term's applications."""
from flask import request
from flask_appbuilder import BaseView, expose, has_access

from app.extensions import db
from app.security.scope import current_scope
from app.services.progress import BEHIND_BY
from app.workbench.context import current_term
from app.workbench.progress import find_term, school_progress, terms


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
        session = db.session
        term = find_term(session, request.args.get("term")) or current_term(session)
        table = school_progress(session, current_scope(), term.id) if term else None
        return self.render_template("zizhu/progress.html", term=term, terms=terms(session), table=table,
                                    behind_points=round(BEHIND_BY * 100))
