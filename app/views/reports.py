"""Reports (统计报表): each school's progress in the current term."""
from flask_appbuilder import BaseView, expose, has_access


class SchoolProgressView(BaseView):
    """Each school's progress with this term's applications, for the district and leaders."""

    route_base = "/reports/progress"
    class_permission_name = "SchoolProgress"
    method_permission_name = {"index": "read"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        """The progress table (filled in by the workbench work)."""
        return self.render_template("zizhu/progress.html")
