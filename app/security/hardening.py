"""Web hardening: production settings, security headers with a CSP nonce, 429/CSRF pages, denials."""
import json
import logging
import secrets

from flask import Flask, current_app, g, jsonify, render_template, request
from flask_appbuilder import ModelView
from flask_babel import lazy_gettext as _l
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix

from app.security import audit, limits, sessions, text_guard
from app.security.request_context import current_context

log = logging.getLogger(__name__)

MIN_SECRET_KEY_LENGTH = 32
TOO_MANY = _l("Too many attempts. Please wait a minute and try again.")
CSRF_FAILED = _l("The form has expired or did not come from this site. Please reload the page and try again.")
NOT_SAVED = _l("The record could not be saved.")
BAD_REQUEST = _l("The request could not be understood.")
NOT_SIGNED_IN = _l("Sign in again: the access token is missing, invalid or expired.")
HSTS = "max-age=31536000; includeSubDomains"
PLAIN_TEXT = {"Content-Type": "text/plain; charset=utf-8"}
STATIC_ENDPOINTS = sessions.STATIC_ENDPOINTS
FORM_ENDPOINTS = ("add", "edit")  # FAB's CRUD forms: a valid post redirects, a refused one shows the form


def check_settings(app: Flask) -> None:
    """Refuse to start in production without a real secret key."""
    if app.config.get("APP_ENV") != "production":
        return
    key = app.config.get("SECRET_KEY") or ""
    if len(str(key)) < MIN_SECRET_KEY_LENGTH:
        raise RuntimeError(
            "APP_ENV=production needs APP_SECRET_KEY: a random value of at least "
            f"{MIN_SECRET_KEY_LENGTH} characters, e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`."
        )
    if str(app.config.get("RATELIMIT_STORAGE_URI", "")).startswith("memory://"):
        log.warning("RATELIMIT_STORAGE_URI is memory://: login limits are counted per worker process")
    if not app.config.get("APP_HTTPS"):
        log.warning("APP_HTTPS is off: cookies are sent without Secure and there is no HSTS")


def csp_nonce() -> str:
    """This request's CSP nonce; FAB's templates call it through baselib.get_nonce()."""
    if "_zz_csp_nonce" not in g:
        g._zz_csp_nonce = secrets.token_urlsafe(18)
    return g._zz_csp_nonce


def content_security_policy(nonce: str | None) -> str:
    """Scripts only from us or with this request's nonce; FAB's inline style attributes need 'unsafe-inline'."""
    script = "script-src 'self'" + (f" 'nonce-{nonce}'" if nonce else "")
    return "; ".join((
        "default-src 'self'", script, "style-src 'self' 'unsafe-inline'", "img-src 'self' data:",
        "font-src 'self' data:", "connect-src 'self'", "object-src 'none'", "base-uri 'self'",
        "form-action 'self'", "frame-ancestors 'none'",
    ))


def set_security_headers(response):
    """after_request: CSP, no framing, nosniff, no referrer leaks, and no-store on every page."""
    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy(g.get("_zz_csp_nonce"))
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "same-origin"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if current_app.config.get("APP_HTTPS"):
        headers["Strict-Transport-Security"] = HSTS
    if request.endpoint not in STATIC_ENDPOINTS:
        # pages, lookups and API answers carry children's data: never store them anywhere
        headers["Cache-Control"] = "no-store"
        headers["Pragma"] = "no-cache"
        headers.pop("Expires", None)
    return response


def audit_denied(response):
    """after_request: record every 403 (has_access, has_access_api, protect) of a known user."""
    jwt_user = getattr(g.get("user"), "is_authenticated", False)  # FAB sets g.user from a JWT
    if response.status_code == 403 and (current_user.is_authenticated or jwt_user):
        audit.record(current_context(), "denied", detail=request.path[:255], commit=True)
    return response


def hide_database_errors(response):
    """after_request: FAB's APIs answer 422 with the database's own text (SQL, constraint names)."""
    if response.status_code == 422 and response.is_json:
        body = response.get_json(silent=True) or {}
        if isinstance(body.get("message"), str):  # field errors are dicts; a string is a DB error
            log.warning("database error hidden from the client: %s", body["message"])
            response.set_data(json.dumps({"message": str(NOT_SAVED)}))
    return response


def refused_forms_are_422(response):
    """after_request: a CRUD form posted and shown again (refused fields) answers 422, not 200."""
    if request.method != "POST" or response.status_code != 200 or response.mimetype != "text/html":
        return response
    view = getattr(current_app.view_functions.get(request.endpoint), "__self__", None)
    if isinstance(view, ModelView) and request.endpoint.rsplit(".", 1)[-1] in FORM_ENDPOINTS:
        response.status_code = 422
    return response


def _error(status: int, message) -> tuple:
    """A translated error answer: JSON under /api/, else the app's error page."""
    if request.path.startswith("/api/"):
        return jsonify(message=str(message)), status
    if "user" not in g:  # refused before FAB's before_request (CSRF is checked first)
        g.user = current_user
    return render_template("zizhu/error.html", status=status, message=str(message),
                           appbuilder=current_app.appbuilder), status


def _unauthorized(*_args):
    """A missing, malformed, foreign-signed or expired JWT: 401 with a translated message."""
    return jsonify(message=str(NOT_SIGNED_IN)), 401, {"WWW-Authenticate": "Bearer"}


def init_jwt_answers(app: Flask) -> None:
    """flask-jwt-extended answers 422 to a malformed token by default; every bad token is a 401."""
    jwt = app.appbuilder.sm.jwt_manager
    jwt.unauthorized_loader(_unauthorized)
    jwt.invalid_token_loader(_unauthorized)
    jwt.expired_token_loader(_unauthorized)
    jwt.user_lookup_error_loader(_unauthorized)  # a token of a user who no longer exists


def init_app(app: Flask) -> None:
    """Headers, error pages, session limits, the CSP nonce for templates, and ProxyFix when asked."""
    if app.config.get("APP_PROXY_FIX"):
        # only behind nginx that sets X-Forwarded-For $remote_addr: the limits key on remote_addr
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.register_error_handler(RateLimitExceeded, lambda error: _error(429, TOO_MANY))
    app.register_error_handler(CSRFError, lambda error: _error(400, CSRF_FAILED))
    # a Host outside TRUSTED_HOSTS: no URL can be built, so no templated page either
    app.register_error_handler(SecurityError, lambda error: (str(BAD_REQUEST), 400, PLAIN_TEXT))
    sessions.init_app(app)
    limits.init_app(app, _error)
    text_guard.init_app(app, _error)
    init_jwt_answers(app)
    app.after_request(hide_database_errors)
    app.after_request(refused_forms_are_422)
    app.after_request(audit_denied)
    app.after_request(set_security_headers)
