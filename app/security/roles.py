"""Roles as data: FAB's permissions folded per model, models grouped in areas, grants per role."""
from flask_babel import lazy_gettext as _l

ROLE_LABELS = {
    "Admin": _l("System administrator"),
    "DistrictOfficer": _l("District aid officer"),
    "SchoolOfficer": _l("School aid officer"),
    "ClassTeacher": _l("Class teacher"),
    "Leader": _l("Leader"),
    "Auditor": _l("Auditor"),
}

# FAB's per-method permissions folded into read / write / reveal (export and approve arrive with
# the issues that add them), shared by the ModelView and the ModelRestApi of a model.
PERMISSION_FOLD = {
    "list": "read", "show": "read", "download": "read", "lookup": "read",
    "get": "read", "get_list": "read", "info": "read",
    "add": "write", "edit": "write", "delete": "write", "post": "write", "put": "write",
    "action": "write", "action_post": "write",
    "reveal": "reveal", "reveal_api": "reveal",
    "assess": "assess",
    # the district's decision on a review (复核) a family asked for after a dismissed objection
    "decide_review": "review",
    # the district's approval of a disbursement batch (four eyes: never the batch's creator)
    "approve": "approve",
}
ACTIONS = ("read", "write", "reveal", "assess", "review", "approve")

# permission set (model) -> area
AREAS = {
    "Student": "pupils", "Household": "families", "HouseholdMember": "families",
    "Application": "identification", "SpecialGroup": "codes", "Tier": "codes",
    "AidItem": "aid", "AidStandard": "aid", "FundAccount": "funds",
    "District": "districts", "School": "org", "SchoolYear": "calendar", "Term": "calendar",
    "AuditEvent": "audit", "UserScope": "users", "Job": "jobs", "SchoolProgress": "reports",
    "DashboardFigures": "overview", "StatisticalReport": "overview",
    "HomeVisit": "identification", "ReviewDecision": "identification", "PublicNotice": "identification",
    "Objection": "identification", "Assessment": "identification",
    "AssessmentStandard": "standards", "StandardSimulation": "standards", "PracticeCheck": "reports",
    "Allocation": "funds", "Quota": "funds", "LedgerEntry": "funds", "MoneyOverview": "funds",
    "DisbursementBatch": "payments", "DisbursementLine": "payments", "BankFileLayout": "funds",
}
AREA_LABELS = {
    "pupils": _l("Pupils"), "families": _l("Households"), "identification": _l("Identification"),
    "codes": _l("Code lists"), "aid": _l("Aid items and standards"), "funds": _l("Funds"),
    "districts": _l("Districts"), "org": _l("Schools"), "calendar": _l("School years and terms"),
    "audit": _l("Audit trail"), "users": _l("Users"), "jobs": _l("Background jobs"),
    "reports": _l("Reports"), "overview": _l("Dashboard and statistical reports"),
    "standards": _l("Identification standards"), "payments": _l("Payments"),
}

R, W, V, A, D, P = "read", "write", "reveal", "assess", "review", "approve"
GRANTS = {
    "DistrictOfficer": {
        # districts and the code lists (tiers, special groups) are the system's: Admin changes them
        "pupils": {R, W, V}, "families": {R, W, V}, "identification": {R, W, A, D}, "codes": {R},
        "aid": {R, W}, "funds": {R, W}, "districts": {R}, "org": {R, W}, "calendar": {R, W}, "audit": {R},
        "users": {R, W}, "jobs": {R, W}, "reports": {R}, "overview": {R}, "standards": {R, W},
        "payments": {R, W, V, P},
    },
    "SchoolOfficer": {
        "pupils": {R, W, V}, "families": {R, W, V}, "identification": {R, W, A}, "codes": {R},
        "aid": {R}, "funds": {R}, "districts": {R}, "org": {R}, "calendar": {R}, "jobs": {R, W},
        "standards": {R}, "payments": {R, W, V},
        # the dashboard and the statistical reports of the school itself (the scope keeps it to the school);
        # comparing schools (progress, fairness checks) stays the district's
        "overview": {R},
    },
    "ClassTeacher": {
        "pupils": {R}, "families": {R, W}, "identification": {R, W}, "codes": {R}, "calendar": {R},
        "jobs": {R, W}, "standards": {R},
    },
    "Leader": {
        "codes": {R}, "aid": {R}, "funds": {R}, "districts": {R}, "org": {R}, "calendar": {R},
        # no payments: a batch's lines, its register and the carry-over name pupils; the leader reads the
        # money as figures (funds, the dashboard, the reports)
        "jobs": {R, W}, "reports": {R}, "overview": {R}, "standards": {R},
    },
    "Auditor": {
        "pupils": {R, V}, "families": {R, V}, "identification": {R}, "codes": {R}, "aid": {R},
        "funds": {R}, "districts": {R}, "org": {R}, "calendar": {R}, "audit": {R}, "users": {R},
        "jobs": {R, W}, "reports": {R}, "overview": {R}, "standards": {R}, "payments": {R, V},
    },
}


def allowed(role: str, permission_set: str, action: str) -> bool:
    """Whether `role` may `action` (read/write/reveal) on a model's permission set."""
    area = AREAS.get(permission_set)
    return area is not None and action in GRANTS.get(role, {}).get(area, set())


# every signed-in user may see their own account and change their own password
SELF_SERVICE = {
    ("UserDBModelView", "can_userinfo"),
    ("UserDBModelView", "can_resetmypassword"),
    ("ResetMyPasswordView", "can_this_form_get"),
    ("ResetMyPasswordView", "can_this_form_post"),
}


def grants_for(role: str, view_name: str, permission: str, menu_models: dict | None = None) -> bool:
    """Whether `role` gets FAB permission `permission` (can_read, menu_access…) on `view_name`.

    Menu entries are granted when the role may read a model behind them (`menu_models` maps a
    menu or category name to its models).
    """
    if (view_name, permission) in SELF_SERVICE:
        return True
    if permission == "menu_access":
        return any(allowed(role, m, R) for m in (menu_models or {}).get(view_name, ()))
    action = permission.removeprefix("can_")
    return action in ACTIONS and allowed(role, view_name, action)
