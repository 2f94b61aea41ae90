"""Roles as data: which permission each role gets on which permission set (issue 3 refines)."""
from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "Admin": _l("System administrator"),
    "DistrictOfficer": _l("District aid officer"),
    "SchoolOfficer": _l("School aid officer"),
    "ClassTeacher": _l("Class teacher"),
    "Leader": _l("Leader"),
    "Auditor": _l("Auditor"),
}

# FAB's per-method permissions folded into one read and one write permission per model,
# shared by the ModelView and the ModelRestApi of that model.
PERMISSION_FOLD = {
    "list": "read", "show": "read", "download": "read", "lookup": "read",
    "get": "read", "get_list": "read", "info": "read",
    "add": "write", "edit": "write", "delete": "write", "post": "write", "put": "write",
}
READ = {"can_read", "menu_access"}
WRITE = READ | {"can_write"}

# Permission sets are named after models (views and APIs share them); menus after menu names.
SCHOOL_WORK = {"Student", "Household", "HouseholdMember", "Application", "Pupils", "Households",
               "Household members", "Applications", "People", "Identification"}
SECURITY_VIEWS_PREFIXES = ("User", "Role", "Permission", "ViewMenu", "Register", "Security", "List Users",
                           "List Roles", "Action Log", "Menu")


def grants_for(role: str, view_name: str, permission: str) -> bool:
    """Whether `role` gets `permission` on the permission set `view_name`."""
    if view_name.startswith(SECURITY_VIEWS_PREFIXES):
        return False
    if role == "DistrictOfficer":
        return permission in WRITE
    if role in ("SchoolOfficer", "ClassTeacher"):
        return permission in (WRITE if view_name in SCHOOL_WORK else READ)
    if role in ("Leader", "Auditor"):
        return permission in READ
    return False
