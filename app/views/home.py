"""The home page: the workbench (工作台) of the signed-in user."""
from flask import g, redirect, url_for
from flask_appbuilder import IndexView, expose
from flask_login import current_user

from app.security.request_context import current_context
from app.workbench.page import build_workbench


class HomeIndexView(IndexView):
    """Send visitors to the login page and signed-in users to their workbench."""

    index_template = "zizhu/workbench.html"

    @expose("/")
    def index(self):
        """The workbench for a signed-in user; the login page otherwise."""
        if not current_user.is_authenticated:
            return redirect(url_for("AuthDBView.login"))
        sm = self.appbuilder.sm
        workbench = build_workbench(current_context(), g.user, lambda permission: sm.has_access(*permission))
        return self.render_template(self.index_template, appbuilder=self.appbuilder, wb=workbench)
