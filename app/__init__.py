"""Application factory."""
import logging
import os
import secrets
from pathlib import Path

from flask import Flask

# FAB's own security views declare filters on relation columns it cannot filter; it warns
# about them at every start-up. They are FAB's, not ours, and harmless.
logging.getLogger("flask_appbuilder.models.filters").setLevel(logging.ERROR)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the Flask app: config, extensions, views, CLI. No data is written here.

    Outside production, an unset SECRET_KEY comes from the instance folder's development key file.
    """
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_object("config")
    if test_config:
        app.config.update(test_config)
    if not app.config.get("SECRET_KEY") and app.config.get("APP_ENV") != "production":
        app.config["SECRET_KEY"] = _development_secret_key(Path(app.config["INSTANCE_DIR"]))
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


def _development_secret_key(instance_dir: Path) -> str:
    """The random key kept in instance_dir/secret_key (mode 0600), created on first use.

    Outside production only: there hardening.check_settings refuses to start without APP_SECRET_KEY.
    """
    path = instance_dir / "secret_key"
    if not path.exists():
        instance_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        draft = instance_dir / f".secret_key.{os.getpid()}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(draft, path)  # never replaces a key that the web process or worker wrote first
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


def _migrations_dir() -> str:
    """Absolute path of the Alembic environment, so commands work from any directory."""
    return str(Path(__file__).resolve().parent.parent / "migrations")
