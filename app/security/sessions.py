"""Browser sessions: idle timeout, absolute limit and session epoch, kept in the signed session."""
from flask import Flask, current_app, flash, jsonify, redirect, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user

from app.clock import app_clock
from app.security import epochs
from app.security.request_context import current_context

LOGIN_AT = "zz_login_at"
SEEN_AT = "zz_seen_at"
EPOCH = "zz_epoch"
KEEP = ("locale",)
STATIC_ENDPOINTS = ("static", "appbuilder.static")
EXPIRED = _l("Your session has expired. Please sign in again.")
# activity is noted at most once a minute: a request that changes nothing in the session sends no
# cookie back, so a request running beside a save cannot overwrite the message it flashed (the
# idle timeout is measured to the minute)
SEEN_EVERY_SECONDS = 60


def session_expiry(now: float, login_at: float | None, seen_at: float | None, *,
                   idle_seconds: float, max_seconds: float) -> str | None:
    """"idle" or "absolute" when a session has run out (missing stamps count as expired), else None."""
    if login_at is None or seen_at is None:
        return "absolute"
    if now - login_at > max_seconds:
        return "absolute"
    if now - seen_at > idle_seconds:
        return "idle"
    return None


def clear_keeping_locale() -> None:
    """Empty the session (user, CSRF token, page history) but keep the chosen language."""
    kept = {key: session[key] for key in KEEP if key in session}
    session.clear()
    session.update(kept)


def begin(user) -> None:
    """Stamp a new login: a permanent cookie (PERMANENT_SESSION_LIFETIME), both timestamps, the epoch."""
    session.permanent = True
    stamp = app_clock().now().timestamp()
    session[LOGIN_AT] = stamp
    session[SEEN_AT] = stamp
    session[EPOCH] = epochs.epoch_of(user)


def is_revoked(user) -> bool:
    """The session was opened under an older epoch: logout, password change or disabled since."""
    return session.get(EPOCH) != epochs.epoch_of(user)


def _limits() -> dict:
    """Idle and absolute limits in seconds, from the config."""
    config = current_app.config
    return {"idle_seconds": config["APP_IDLE_TIMEOUT_MINUTES"] * 60,
            "max_seconds": config["APP_SESSION_MAX_HOURS"] * 3600}


def _end(reason: str):
    """Log the user out, tell them why, and send them to the login page (401 JSON under /api/)."""
    from app.security import audit

    ctx = current_context()  # the user's, taken before the logout forgets them
    logout_user()
    clear_keeping_locale()
    revoked = reason == "revoked"
    audit.record(ctx, "logout", commit=True, detail="session revoked" if revoked else f"session {reason} timeout")
    message = str(epochs.ENDED if revoked else EXPIRED)
    if request.path.startswith("/api/"):
        return jsonify(message=message), 401
    flash(message, "warning")
    if request.endpoint and request.endpoint.endswith(".login"):
        return None
    next_url = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(current_app.appbuilder.get_url_for_login_with(next_url))


def check_session():
    """before_request: end sessions past their limits or of an older epoch, else note the activity."""
    if request.endpoint in STATIC_ENDPOINTS or "_user_id" not in session:
        return None
    if not current_user.is_authenticated:
        return None
    now = app_clock().now().timestamp()
    reason = session_expiry(now, session.get(LOGIN_AT), session.get(SEEN_AT), **_limits())
    if reason is None and is_revoked(current_user):
        reason = "revoked"
    if reason:
        return _end(reason)
    if now - session[SEEN_AT] >= SEEN_EVERY_SECONDS:
        session[SEEN_AT] = now
    return None


def init_app(app: Flask) -> None:
    """Check every request's session before its view runs; credential changes end sessions."""
    app.config.setdefault("APP_IDLE_TIMEOUT_MINUTES", 30)
    app.config.setdefault("APP_SESSION_MAX_HOURS", 8)
    epochs.watch_credentials()
    app.before_request(check_session)
