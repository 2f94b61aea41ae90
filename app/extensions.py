"""Unbound extensions, initialised by create_app().

Flask-AppBuilder keeps per-app state (views, menu, security manager) on its AppBuilder, so
create_app() makes one per app (see `new_appbuilder`); code reaches it as current_app.appbuilder.
"""
import os
import sqlite3
from pathlib import Path

from flask import current_app, has_app_context
from flask_appbuilder import AppBuilder
from flask_appbuilder.models.sqla.base import SQLA
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine

db = SQLA()
migrate = Migrate()
csrf = CSRFProtect()
# SQLite's page cache per connection (KiB; its default is 2 000): a bulk step's chunk (5 000
# applications, about 10 MB of pages) fits, instead of spilling to the WAL before its commit
SQLITE_CACHE_KIB = 65_536


def new_appbuilder() -> AppBuilder:
    """A fresh, unbound AppBuilder; permissions are synced by `flask aid init`, not at start-up."""
    return AppBuilder(update_perms=False)


@event.listens_for(Engine, "connect")
def _sqlite_for_two_processes(dbapi_connection, _record) -> None:
    """SQLite only: the web process and the job worker share the file. WAL lets readers go on
    while one writes, and a writer waits up to 15 s for the lock instead of failing at once. The page
    cache holds a bulk step's chunk (SQLITE_CACHE_KIB)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        files = [row[2] for row in cursor.execute("PRAGMA database_list").fetchall() if row[2]]
        cursor.close()
        for path in files:
            _owner_only(Path(path))


def _owner_only(database: Path) -> None:
    """The database file (with its WAL files) readable by its owner only, and the instance folder
    holding it (pupils' data, the secret key, job results) openable by its owner only."""
    try:
        for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
            if path.exists():
                os.chmod(path, 0o600)
        instance = current_app.config.get("INSTANCE_DIR") if has_app_context() else None
        if instance and database.parent.resolve() == Path(instance).resolve():
            os.chmod(database.parent, 0o700)
    except OSError:  # a file of another owner (a read-only deployment) keeps its mode
        pass
