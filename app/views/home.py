"""The home page (the per-role workbench replaces it with issue 4)."""
from flask import redirect, url_for
from flask_appbuilder import IndexView, expose
from flask_login import current_user


class HomeIndexView(IndexView):
    """Send visitors to the login page and signed-in users to their home page."""

    index_template = "zizhu/index.html"

    @expose("/")
    def index(self):
        """The home page for a signed-in user; the login page otherwise."""
        if not current_user.is_authenticated:
            return redirect(url_for("AuthDBView.login"))
        return self.render_template(self.index_template, appbuilder=self.appbuilder)
