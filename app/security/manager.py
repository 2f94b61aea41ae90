"""Our security manager: FAB's, with hardened logins and permission checks from one query per request."""
from flask import current_app, has_request_context, request
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import assoc_permissionview_role
from flask_appbuilder.security.utils import is_null_password
from sqlalchemy import update
from werkzeug.security import check_password_hash, generate_password_hash

from app.clock import app_clock, server_local
from app.request_cache import per_request
from app.runner import run
from app.security import audit, epochs
from app.security.login import AuthDBView, lockout_until
from app.security.pages import (
    ZizhuPermissionModelView,
    ZizhuPermissionViewModelView,
    ZizhuRoleModelView,
    ZizhuUserDBModelView,
    ZizhuUserGroupModelView,
    ZizhuViewMenuModelView,
)
from app.security.request_context import current_context, signing_in

DEMO_EMAIL_SUFFIX = "@demo.zizhu.local"  # app/demo/users.py EMAIL_DOMAIN
USERNAME_IN_AUDIT = 64


def _jwt_only(api: type) -> type:
    """FAB's security API with the browser cookie refused: CSRF-exempt APIs must ask for a JWT."""
    return type(api.__name__, (api,), {"allow_browser_login": False, "__doc__": api.__doc__})


def _no_download(view: type) -> type:
    """FAB's view (same name, so the same routes and permissions) whose download route answers 404,
    with the quick search box and filter chips of every list (app/fab/quick_search.py)."""
    from app.fab.downloads import NoFileDownload
    from app.fab.quick_search import QuickSearchMixin

    return type(view.__name__, (NoFileDownload, QuickSearchMixin, view), {"__doc__": view.__doc__})


class ZizhuSecurityManager(SecurityManager):
    """FAB's SQLAlchemy security manager with uniform, throttled, audited logins (issue 3)."""

    authdbview = AuthDBView
    userdbmodelview = _no_download(ZizhuUserDBModelView)
    rolemodelview = _no_download(ZizhuRoleModelView)
    groupmodelview = _no_download(ZizhuUserGroupModelView)
    # list-only views: FAB grants no download there (can_list alone)
    permissionmodelview = ZizhuPermissionModelView
    viewmenumodelview = ZizhuViewMenuModelView
    permissionviewmodelview = ZizhuPermissionViewModelView
    permission_api = _jwt_only(SecurityManager.permission_api)
    role_api = _jwt_only(SecurityManager.role_api)
    user_api = _jwt_only(SecurityManager.user_api)
    view_menu_api = _jwt_only(SecurityManager.view_menu_api)
    permission_view_menu_api = _jwt_only(SecurityManager.permission_view_menu_api)
    group_api = _jwt_only(SecurityManager.group_api)
    # FAB's "User's Statistics" chart loads Google Charts from the internet: not on an intranet
    userstatschartview = None

    def __init__(self, appbuilder):
        """FAB's set-up, then a fake hash that matches the password hash method."""
        super().__init__(appbuilder)
        self._match_fake_hash()

    def _match_fake_hash(self) -> None:
        """Unknown users are checked against a fake hash of the configured method (CVE-2025-24023)."""
        config = current_app.config
        method = config.get("FAB_PASSWORD_HASH_METHOD", "scrypt")
        sample = generate_password_hash("zizhu", method=method)
        if config["AUTH_DB_FAKE_PASSWORD_HASH_CHECK"].split("$")[0] != sample.split("$")[0]:
            config["AUTH_DB_FAKE_PASSWORD_HASH_CHECK"] = sample

    def register_views(self):
        """FAB's views and APIs; the API login gets the same per-IP limit as the login form."""
        super().register_views()
        if not self.is_auth_limited:
            return
        for view in self.appbuilder.baseviews:
            if isinstance(view, self.security_api):
                self.limiter.limit(
                    self.auth_rate_limit, methods=["POST"],
                    exempt_when=lambda: not (request.endpoint or "").endswith(".login"),
                )(view.blueprint)

    # --- logins -------------------------------------------------------------------------------

    def auth_user_db(self, username, password):
        """One hash check, one write and one audit entry per attempt, whatever the outcome."""
        if not username or is_null_password(password):
            return None
        first_user = self.get_first_user()
        user = self.find_user(username=username)
        by_email = self.find_user(email=username)
        user = user or by_email
        refusal = self._login_refusal(user)
        if refusal:
            check_password_hash(current_app.config["AUTH_DB_FAKE_PASSWORD_HASH_CHECK"], password)
            if user or first_user:
                self.noop_user_update(user or first_user)
            self._audit_failure(username, refusal)
            return None
        if not check_password_hash(user.password, password):
            self.update_user_auth_stat(user, False)
            self._audit_failure(username, "wrong password")
            return None
        self.update_user_auth_stat(user, True)
        audit.record(signing_in(user), "login", commit=True)
        return user

    def _login_refusal(self, user) -> str | None:
        """Why this account may not log in now without checking its password, or None."""
        if user is None:
            return "unknown user"
        if not user.is_active:
            return "inactive user"
        if self.is_demo_refused(user):
            return "demo account in production"
        config = current_app.config
        until = lockout_until(user.fail_login_count, user.changed_on,
                              after=config["APP_LOGIN_BACKOFF_AFTER"],
                              base_seconds=config["APP_LOGIN_BACKOFF_BASE_SECONDS"],
                              max_seconds=config["APP_LOGIN_BACKOFF_MAX_SECONDS"])
        if until is not None and server_local(app_clock().now()) < until:
            return "throttled after repeated failures"
        return None

    @staticmethod
    def is_demo_refused(user) -> bool:
        """Demo accounts (seed-demo's e-mail domain) never log in when APP_ENV is production."""
        return (current_app.config.get("APP_ENV") == "production"
                and (user.email or "").lower().endswith(DEMO_EMAIL_SUFFIX))

    @staticmethod
    def _audit_failure(username: str, reason: str) -> None:
        """A failed login, under the name as typed (truncated)."""
        audit.record(signing_in(None, str(username)[:USERNAME_IN_AUDIT]), "login_failed", detail=reason, commit=True)

    def update_user_auth_stat(self, user, success=True):
        """FAB's counters on our clock; a failure also stamps changed_on, the start of the back-off."""
        user.login_count = user.login_count or 0
        user.fail_login_count = user.fail_login_count or 0
        if success:
            user.login_count += 1
            user.last_login = server_local(app_clock().now())
            user.fail_login_count = 0
        else:
            user.fail_login_count += 1
            user.changed_on = server_local(app_clock().now())
        self.update_user(user)

    def noop_user_update(self, user) -> None:
        """FAB's timing balance write, leaving changed_on (the back-off start) as it is."""
        stmt = (update(self.user_model).where(self.user_model.id == user.id)
                .values(login_count=user.login_count, changed_on=user.changed_on))
        run(current_context(), lambda c: c.session.execute(stmt))

    def load_user(self, pk):
        """Session and JWT users: active, and not a demo account in production."""
        user = super().load_user(pk)
        if user is None or self.is_demo_refused(user):
            return None
        return user

    def on_user_logout(self, user) -> None:
        """Audit an explicit logout, which ends every session and token of the user."""
        ctx = signing_in(user)
        audit.record(ctx, "logout", commit=True)
        run(ctx, lambda c: epochs.end_sessions(c.session, user.id))

    def create_jwt_manager(self, app):
        """FAB's JWT manager; tokens carry the session epoch and die with it."""
        jwt_manager = super().create_jwt_manager(app)
        epochs.init_jwt(jwt_manager)
        return jwt_manager

    # --- permissions --------------------------------------------------------------------------

    def _role_permissions(self, role_ids: tuple[int, ...]) -> set[tuple[str, str]]:
        """All (permission, view) pairs of some roles, in one query."""
        rows = (
            self.session.query(self.permission_model.name, self.viewmenu_model.name)
            .select_from(self.permissionview_model)
            .join(assoc_permissionview_role,
                  assoc_permissionview_role.c.permission_view_id == self.permissionview_model.id)
            .join(self.permission_model)
            .join(self.viewmenu_model)
            .filter(assoc_permissionview_role.c.role_id.in_(role_ids))
            .all()
        )
        return {(perm, view) for perm, view in rows}

    def exist_permission_on_roles(self, view_name, permission_name, role_ids) -> bool:
        """FAB asks this once per menu item and button; answer from a per-request cache."""
        if not has_request_context():
            return super().exist_permission_on_roles(view_name, permission_name, role_ids)
        key = tuple(sorted(role_ids))
        granted = per_request(f"permissions{key}", lambda: self._role_permissions(key))
        return (permission_name, view_name) in granted
