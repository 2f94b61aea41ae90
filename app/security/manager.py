"""Our security manager: FAB's, with permission checks answered from one query per request."""
from flask import g, has_request_context
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import assoc_permissionview_role


class ZizhuSecurityManager(SecurityManager):
    """FAB's SQLAlchemy security manager; scope, audit and hardening hook in here (issue 3)."""

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
        cache = g.setdefault("_zz_permissions", {})
        if key not in cache:
            cache[key] = self._role_permissions(key)
        return (permission_name, view_name) in cache[key]
