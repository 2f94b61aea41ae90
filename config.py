"""Configuration: defaults here, secrets and the database URL from the environment."""
import os
import secrets
from pathlib import Path

from flask_appbuilder.const import AUTH_DB

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("APP_INSTANCE_DIR", BASE_DIR / "instance"))


def _secret_key() -> str:
    """Return APP_SECRET_KEY, or a random key kept in instance/ for local development."""
    key = os.environ.get("APP_SECRET_KEY")
    if key:
        return key
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


APP_ENV = os.environ.get("APP_ENV", "development")
SECRET_KEY = _secret_key()
SQLALCHEMY_DATABASE_URI = os.environ.get(
    "APP_DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'zizhu.db'}"
)
SQLALCHEMY_TRACK_MODIFICATIONS = False
SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

APP_NAME = "资助通"
APP_ICON = "/static/img/logo.svg"
APP_THEME = ""
AUTH_TYPE = AUTH_DB
AUTH_USER_REGISTRATION = False
AUTH_ROLE_ADMIN = "Admin"
AUTH_ROLE_PUBLIC = "Public"
FAB_UPDATE_PERMS = False  # permissions are synced by `flask aid init`, not on every start
FAB_CREATE_DB = False  # tables come from the Alembic migrations only
FAB_ADD_SECURITY_API = True
FAB_API_SWAGGER_UI = True
FAB_API_MAX_PAGE_SIZE = 100
FAB_INDEX_VIEW = "app.views.home.HomeIndexView"
FAB_BASE_TEMPLATE = "zizhu/baselayout.html"
FAB_SECURITY_MANAGER_CLASS = "app.security.manager.ZizhuSecurityManager"

BABEL_DEFAULT_LOCALE = "zh"
BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
LANGUAGES = {
    "zh": {"flag": "cn", "name": "简体中文"},
    "en": {"flag": "gb", "name": "English"},
}

JWT_ACCESS_TOKEN_EXPIRES = 3600
WTF_CSRF_ENABLED = True
WTF_CSRF_TIME_LIMIT = None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
PERMANENT_SESSION_LIFETIME = 8 * 3600

