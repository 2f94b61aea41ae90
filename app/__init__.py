"""Application factory."""
import logging

from flask import Flask

# FAB's own security views declare filters on relation columns it cannot filter; it warns
# about them at every start-up. They are FAB's, not ours, and harmless.
logging.getLogger("flask_appbuilder.models.filters").setLevel(logging.ERROR)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the Flask app: config, extensions, views, CLI. No data is written here."""
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_object("config")
    if test_config:
        app.config.update(test_config)
    from app.messages import translate_validators
    from app.security import hardening, limits

    hardening.check_settings(app)
    limits.register_converters(app)  # before any route is registered
    translate_validators()

    from app.extensions import csrf, db, migrate, new_appbuilder

    db.init_app(app)
    csrf.init_app(app)
    appbuilder = new_appbuilder()
    with app.app_context():
        appbuilder.init_app(app, db.session)
        from app import registry

        migrate.init_app(
            app, db, directory=_migrations_dir(), render_as_batch=True, compare_type=True
        )
        registry.register(appbuilder)
        appbuilder.post_init()

    from app import formatting, hooks
    from app.cli import aid
    from app.jobs import queue

    formatting.init_app(app)
    queue.init_app(app)
    hooks.init_app(app)
    hardening.init_app(app)
    app.cli.add_command(aid)
    return app


def _migrations_dir() -> str:
    """Absolute path of the Alembic environment, so commands work from any directory."""
    from pathlib import Path

    return str(Path(__file__).resolve().parent.parent / "migrations")
