"""Built-in quick actions of the workbench, each shown only with its permission."""
from flask_babel import lazy_gettext as _l

from app.queries.terms import application_window
from app.workbench.registry import quick_action

quick_action("pupils.add", _l("Add pupil"), "StudentModelView.add",
             permission=("can_write", "Student"), icon="fa-user-plus", order=10)
quick_action("households.add", _l("Add household"), "HouseholdModelView.add",
             permission=("can_write", "Household"), icon="fa-home", order=20)


def _add_application(ctx):
    """Once the window has closed only a mid-year application can be submitted: the button says so."""
    if ctx.term is not None and application_window(ctx.term, ctx.today).state == "closed":
        return _l("Add a mid-year application")
    return _l("Add application")


quick_action("applications.add", _l("Add application"), "ApplicationModelView.add",
             permission=("can_write", "Application"), icon="fa-file-text-o", order=30, label_in=_add_application)
quick_action("pupils.list", _l("Pupil list"), "StudentModelView.list",
             permission=("can_read", "Student"), icon="fa-list", order=40)
quick_action("applications.list", _l("Application list"), "ApplicationModelView.list",
             permission=("can_read", "Application"), icon="fa-list-alt", order=50)
quick_action("reports.dashboard", _l("Dashboard"), "DashboardView.index",
             permission=("can_read", "DashboardFigures"), icon="fa-pie-chart", order=55)
quick_action("reports.statistics", _l("Statistical reports"), "StatisticsView.index",
             permission=("can_read", "StatisticalReport"), icon="fa-table", order=57)
quick_action("reports.progress", _l("School progress"), "SchoolProgressView.index",
             permission=("can_read", "SchoolProgress"), icon="fa-tasks", order=60)
quick_action("audit.trail", _l("Audit trail"), "AuditEventModelView.list",
             permission=("can_read", "AuditEvent"), icon="fa-history", order=70)
