"""The login form view, safe `next` redirects and the per-account back-off rule."""
import unicodedata
from datetime import datetime, timedelta
from fnmatch import fnmatch
from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, request
from flask_appbuilder._compat import as_unicode
from flask_appbuilder.security import views as fab_views
from flask_appbuilder.security.decorators import no_cache
from flask_appbuilder.security.forms import LoginForm_db
from flask_appbuilder.views import expose
from flask_login import login_user

from app.security import sessions

MAX_NEXT_LENGTH = 2048


def lockout_until(fail_count: int | None, last_failure: datetime | None, *, after: int,
                  base_seconds: int, max_seconds: int) -> datetime | None:
    """End of the back-off window after `fail_count` consecutive failures, or None if not throttled.

    The window doubles with each failure past `after` (1, 2, 4 … minutes), capped at `max_seconds`,
    and is counted from the last failure, so an account always unlocks by itself.
    """
    if not fail_count or fail_count < after or last_failure is None:
        return None
    steps = min(fail_count - after, 20)
    return last_failure + timedelta(seconds=min(base_seconds * 2 ** steps, max_seconds))


def _unsafe_char(char: str) -> bool:
    """Control, format and space characters, which browsers strip or reinterpret in a Location."""
    return unicodedata.category(char)[0] in "CZ"


def _allowed_host(netloc: str) -> bool:
    """The host is ours: FAB_SAFE_REDIRECT_HOSTS when configured, else the request's own host."""
    patterns = current_app.config.get("FAB_SAFE_REDIRECT_HOSTS") or [request.host]
    return any(fnmatch(netloc.lower(), pattern.lower()) for pattern in patterns)


def is_safe_next(url: str | None) -> bool:
    """True for a path on this site or an http(s) URL of an allowed host; never //, \\ or javascript:."""
    if not url or len(url) > MAX_NEXT_LENGTH or "\\" in url or any(map(_unsafe_char, url)):
        return False
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return parts.scheme in ("http", "https") and bool(parts.netloc) and _allowed_host(parts.netloc)
    return url.startswith("/") and not url.startswith("//")


def safe_next(url: str | None) -> str:
    """`url` when it is safe to redirect to, else the index page."""
    return url if is_safe_next(url) else current_app.appbuilder.get_url_for_index


class AuthDBView(fab_views.AuthDBView):
    """FAB's database login with strict `next` checks, a fresh session and session limits.

    It keeps FAB's class name, so the endpoints stay `AuthDBView.login` and `AuthDBView.logout`.
    """

    def _get_safe_next_url(self) -> str:
        """The requested redirect target when it stays on this application, else the index."""
        return safe_next(request.args.get("next"))

    @expose("/login/", methods=["GET", "POST"])
    @no_cache
    def login(self):
        """Same answers as FAB's for every kind of failure; a success starts a new session."""
        if g.user is not None and g.user.is_authenticated:
            return redirect(self._get_safe_next_url())
        form = LoginForm_db()
        if form.validate_on_submit():
            next_url = self._get_safe_next_url()
            user = self.appbuilder.sm.auth_user_db(form.username.data, form.password.data)
            if not user:
                flash(as_unicode(self.invalid_login_message), "warning")
                return redirect(self.appbuilder.get_url_for_login_with(next_url))
            sessions.clear_keeping_locale()
            login_user(user, remember=False)
            sessions.begin(user)
            return redirect(next_url)
        return self.render_template(self.login_template, title=self.title, form=form,
                                    appbuilder=self.appbuilder)

    @expose("/logout/")
    def logout(self):
        """FAB's logout (audited by the security manager), then nothing of the session is kept."""
        response = super().logout()
        sessions.clear_keeping_locale()
        return response
