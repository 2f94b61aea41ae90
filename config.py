"""Configuration: defaults here, secrets and the database URL from the environment."""
import os
from datetime import timedelta
from pathlib import Path

from flask_appbuilder.const import AUTH_DB

from app.security.passwords import validate_password

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("APP_INSTANCE_DIR", BASE_DIR / "instance"))


def _env_flag(name: str, default: bool = False) -> bool:
    """An on/off environment variable: 1/true/yes/on."""
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


def _env_list(name: str) -> list[str]:
    """A comma-separated environment variable as a list (empty when unset)."""
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


APP_ENV = os.environ.get("APP_ENV", "development")
# Required in production (create_app refuses to start without it); elsewhere, when unset,
# create_app keeps a random key in INSTANCE_DIR/secret_key.
SECRET_KEY = os.environ.get("APP_SECRET_KEY") or None
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
# FAB's user/role/permission REST APIs and Swagger UI: for development only (the UI manages users;
# /api/v1/security/login stays).
FAB_ADD_SECURITY_API = APP_ENV != "production"
FAB_ADD_MENU_API = False  # FAB's menu for its React front end: our pages are rendered by the server
FAB_API_SWAGGER_UI = APP_ENV != "production"
FAB_API_SHOW_STACKTRACE = False
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

# --- Login and sessions (issue 3, item 6) -----------------------------------------------------
# Passwords: scrypt; unknown users are checked against a fake hash of the same method (the
# security manager regenerates AUTH_DB_FAKE_PASSWORD_HASH_CHECK if the method changes).
FAB_PASSWORD_HASH_METHOD = "scrypt"
FAB_PASSWORD_COMPLEXITY_ENABLED = True
FAB_PASSWORD_COMPLEXITY_VALIDATOR = validate_password  # app/security/passwords.py
# Per client IP, on the login form and on /api/v1/security/login alike. The counters live in
# RATELIMIT_STORAGE_URI: memory:// counts per worker process, so production uses Redis, e.g.
# APP_RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/2 (needs the `redis` package, not pinned here).
AUTH_RATE_LIMITED = True
AUTH_RATE_LIMIT = os.environ.get("APP_LOGIN_RATE_LIMIT", "10 per minute")
RATELIMIT_ENABLED = True
RATELIMIT_STORAGE_URI = os.environ.get("APP_RATELIMIT_STORAGE_URI", "memory://")
# The client IP is request.remote_addr. Behind nginx only (X-Forwarded-For $remote_addr), set
# APP_PROXY_FIX=1 so that remote_addr is the client's, not the proxy's.
APP_PROXY_FIX = _env_flag("APP_PROXY_FIX")
# Per account: after 5 consecutive failures, refuse that username for 1, 2, 4 … minutes (at most
# 15) from the last failure, even with the right password; it unlocks by itself.
APP_LOGIN_BACKOFF_AFTER = 5
APP_LOGIN_BACKOFF_BASE_SECONDS = 60
APP_LOGIN_BACKOFF_MAX_SECONDS = 15 * 60
# Browser sessions end after 30 idle minutes and 8 hours in all; API tokens live 15 minutes.
APP_IDLE_TIMEOUT_MINUTES = int(os.environ.get("APP_IDLE_TIMEOUT_MINUTES", "30"))
APP_SESSION_MAX_HOURS = float(os.environ.get("APP_SESSION_MAX_HOURS", "8"))
PERMANENT_SESSION_LIFETIME = timedelta(hours=APP_SESSION_MAX_HOURS)
JWT_ACCESS_TOKEN_EXPIRES = timedelta(minutes=15)
JWT_REFRESH_TOKEN_EXPIRES = PERMANENT_SESSION_LIFETIME
# CSRF on every form; FAB then refuses deletes and actions by GET. Never set
# FAB_ALLOW_GET_UNSAFE_MUTATIONS.
WTF_CSRF_ENABLED = True
WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session (at most 8 h)
FAB_ALLOW_GET_UNSAFE_MUTATIONS = False
# Cookies: HttpOnly and SameSite=Lax always; over HTTPS (APP_HTTPS=1) also Secure, the __Host-
# prefix and HSTS.
APP_HTTPS = _env_flag("APP_HTTPS")
SESSION_COOKIE_NAME = "__Host-session" if APP_HTTPS else "session"
SESSION_COOKIE_HTTPONLY = True
# The signed session cookie is sent back only when a request changed it: a request that set nothing
# (a picker's lookup) would otherwise hand the browser its older copy of the session, and a message
# flashed by a save running at the same moment would be lost (app/security/sessions.py).
SESSION_REFRESH_EACH_REQUEST = False
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = APP_HTTPS
REMEMBER_COOKIE_HTTPONLY = True
REMEMBER_COOKIE_SAMESITE = "Lax"
REMEMBER_COOKIE_SECURE = APP_HTTPS
REMEMBER_COOKIE_DURATION = PERMANENT_SESSION_LIFETIME
# The public host names (APP_TRUSTED_HOSTS=aid.example.gov.cn): other Host headers are refused
# and `next` redirects may only go there. Empty: any Host, redirects to the request's own host.
TRUSTED_HOSTS = _env_list("APP_TRUSTED_HOSTS") or None
FAB_SAFE_REDIRECT_HOSTS = _env_list("APP_TRUSTED_HOSTS")

# --- Background jobs (issue 4) ----------------------------------------------------------------
# The queue: sqlite:///file (embedded, no server), redis://host:port/db (production, several
# workers), or immediate:// (run at once in the caller: tests). `make run` starts a worker.
JOBS_QUEUE_URL = os.environ.get("APP_JOBS_URL", f"sqlite:///{INSTANCE_DIR / 'jobs-queue.db'}")
JOBS_DIR = os.environ.get("APP_JOBS_DIR", str(INSTANCE_DIR / "jobs"))  # result files
JOBS_PER_USER = int(os.environ.get("APP_JOBS_PER_USER", "3"))  # unfinished jobs per user
JOBS_CHUNK_ROWS = int(os.environ.get("APP_JOBS_CHUNK_ROWS", "1000"))  # rows between progress reports
JOBS_PROGRESS_INTERVAL = 0.5  # seconds between two progress writes
# seconds of rest between chunks: lets the web process write on SQLite during a district export
JOBS_PAUSE_SECONDS = float(os.environ.get("APP_JOBS_PAUSE_SECONDS", "0"))
JOBS_STALE_SECONDS = int(os.environ.get("APP_JOBS_STALE_SECONDS", "120"))  # no heartbeat: requeue
JOBS_WORKERS = int(os.environ.get("APP_JOBS_WORKERS", "2"))
# result files hold pupils' data: deleted this many days after the job ended (the row stays)
JOBS_KEEP_DAYS = int(os.environ.get("APP_JOBS_KEEP_DAYS", "7"))
# Excel export of a list (issue 14): up to this many rows the file comes at once, more run as a job
EXPORT_INLINE_ROWS = int(os.environ.get("APP_EXPORT_INLINE_ROWS", "5000"))
# a school exporting more rows of pupils' or families' data than this waits for the district's
# approval; empty (the default): no approval needed
_approval_rows = os.environ.get("APP_EXPORT_APPROVAL_ROWS", "").strip()
EXPORT_APPROVAL_ROWS = int(_approval_rows) if _approval_rows else None
# exports one user may have waiting for that approval at once (a waiting export is not a running job:
# it does not count against JOBS_PER_USER); one more is refused until one is approved, expired or cancelled
EXPORT_APPROVALS_PER_USER = int(os.environ.get("APP_EXPORT_APPROVALS_PER_USER", "3"))
# days a request may wait for approval: the hourly sweep then ends it as cancelled ("not approved
# within N days") and it can no longer be approved; the approvals page shows when each one expires
EXPORT_APPROVAL_EXPIRES_DAYS = int(os.environ.get("APP_EXPORT_APPROVAL_EXPIRES_DAYS", "7"))
# a disbursement batch of more entitled pupils than this is made by a background job (page and API)
BATCH_JOB_THRESHOLD = int(os.environ.get("APP_BATCH_JOB_THRESHOLD", "2000"))

# --- Workbench (issue 4) ------------------------------------------------------------------------
# seconds the per-school pupil counts of the progress table are reused (they change rarely and
# take ~250 ms at 1 M pupils on PostgreSQL); to-do counts are always live
WORKBENCH_CACHE_SECONDS = int(os.environ.get("APP_WORKBENCH_CACHE_SECONDS", "300"))

# --- Request sizes (issue 10) -----------------------------------------------------------------
# JSON bodies and forms are small; multipart uploads (imports to come) may be larger. A body over
# its limit answers 413. MAX_CONTENT_LENGTH is the ceiling werkzeug enforces for every request.
APP_MAX_BODY_BYTES = int(os.environ.get("APP_MAX_BODY_BYTES", str(1024 * 1024)))
APP_MAX_UPLOAD_BYTES = int(os.environ.get("APP_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
MAX_CONTENT_LENGTH = max(APP_MAX_BODY_BYTES, APP_MAX_UPLOAD_BYTES)
