"""Unbound extensions, initialised by create_app().

Flask-AppBuilder keeps per-app state (views, menu, security manager) on its AppBuilder, so
create_app() makes one per app (see `new_appbuilder`); code reaches it as current_app.appbuilder.
"""
from flask_appbuilder import AppBuilder
from flask_appbuilder.models.sqla.base import SQLA
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

db = SQLA()
migrate = Migrate()
csrf = CSRFProtect()


def new_appbuilder() -> AppBuilder:
    """A fresh, unbound AppBuilder; permissions are synced by `flask aid init`, not at start-up."""
    return AppBuilder(update_perms=False)
