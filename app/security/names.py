"""Readable names of roles, permissions and views (FAB's security pages, the profile page), in the
request's language: FAB's own names (SchoolOfficer, can_list, StudentModelView) are identifiers."""
from flask import current_app
from flask_babel import LazyString, gettext
from flask_babel import lazy_gettext as _l

from app.labels import MODEL_LABELS
from app.security.roles import ROLE_LABELS

PERMISSION_LABELS = {
    "can_read": _l("Read"), "can_write": _l("Add and change"), "can_reveal": _l("See full sensitive values"),
    "can_assess": _l("Assess and decide"), "can_review": _l("Decide reviews"), "menu_access": _l("See in the menu"),
    "can_approve": _l("Approve disbursement batches"),
    "can_list": _l("List"), "can_show": _l("Show"), "can_add": _l("Add"), "can_edit": _l("Edit"),
    "can_delete": _l("Delete"), "can_download": _l("Download"), "can_get": _l("Read (REST API)"),
    "can_info": _l("Describe (REST API)"), "can_post": _l("Add (REST API)"), "can_put": _l("Change (REST API)"),
    "can_this_form_get": _l("Open the form"), "can_this_form_post": _l("Send the form"),
    "can_userinfo": _l("See one's own account"), "userinfoedit": _l("Edit one's own account"),
    "resetmypassword": _l("Change one's own password"), "resetpasswords": _l("Reset passwords"),
    "copyrole": _l("Copy Role"), "can_add_role_permissions": _l("Add permissions to a role"),
    "can_list_role_permissions": _l("List a role's permissions"),
    "can_update_role_users": _l("Change a role's users"), "can_update_role_groups": _l("Change a role's groups"),
}

# views and permission sets that have no record label, menu entry or title of their own
VIEW_LABELS = {
    "Assessment": _l("Assessment"), "UserScope": _l("Users"), "StandardSimulation": _l("Simulation"),
    "SchoolProgress": _l("School progress"), "PracticeCheck": _l("Fairness checks"), "AuditEvent": _l("Audit trail"),
    "MoneyOverview": _l("Funds and payments"), "StatisticalReport": _l("Statistical reports"),
    "DashboardFigures": _l("Dashboard"),
    "AuthDBView": _l("Login"), "HomeIndexView": _l("Home page"), "UtilView": _l("Back"),
    "LocaleView": _l("Switch language"), "SecurityApi": _l("Sign-in (REST API)"),
    "OpenApi": _l("API description (OpenAPI)"), "SwaggerView": _l("API documentation (Swagger)"),
    "Permission": _l("Permissions (REST API)"), "Role": _l("Roles (REST API)"), "User": _l("Users (REST API)"),
    "Group": _l("Groups (REST API)"), "ViewMenu": _l("Views and menus (REST API)"),
    "PermissionViewMenu": _l("Permissions on views (REST API)"),
}
MAPPING_KEY = "zizhu.view_labels"


def role_label(role) -> str:
    """学校资助专干 for the role SchoolOfficer; a role without a label keeps its name."""
    name = getattr(role, "name", role)
    return str(ROLE_LABELS.get(name, name))


def role_labels(roles) -> str:
    """Several roles (or groups), by label, joined with the language's list separator."""
    return gettext("、").join(role_label(role) for role in roles or ())


def permission_label(permission) -> str:
    """查看 for can_read; an unknown permission keeps its name."""
    name = getattr(permission, "name", permission)
    return str(PERMISSION_LABELS.get(name, name))


def view_label(view_menu) -> str:
    """学生 for the permission set Student, 学生与家庭 for the menu category People; else the name."""
    name = getattr(view_menu, "name", view_menu)
    label = _view_labels().get(name)
    return str(label) if label is not None else name


def permission_view_label(permission_view) -> str:
    """学生 · 查看 for can_read on Student."""
    return gettext("%(view)s: %(permission)s", view=view_label(permission_view.view_menu),
                   permission=permission_label(permission_view.permission))


def _view_labels() -> dict:
    """Every view menu's label, built once per app: the records' labels, the menus' labels, the views' own
    translated titles, and the few above."""
    mapping = current_app.extensions.get(MAPPING_KEY)
    if mapping is None:
        mapping = current_app.extensions[MAPPING_KEY] = _build(current_app.appbuilder)
    return mapping


def _build(appbuilder) -> dict:
    """The view menu labels (lazy: translated when shown)."""
    found = {}
    for view in appbuilder.baseviews:
        titles = (getattr(view, attr, None) for attr in ("list_title", "form_title", "title"))
        title = next((t for t in titles if isinstance(t, LazyString)), None)  # a generated title is English
        if title is not None:
            found.setdefault(view.class_permission_name, title)
    for category in appbuilder.menu.get_list():
        found[category.name] = category.label
        for item in category.childs:
            if item.name != "-":
                found[item.name] = item.label
    return {**found, **MODEL_LABELS, **VIEW_LABELS}
