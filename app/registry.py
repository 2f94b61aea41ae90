"""Every view, API and menu entry, registered in menu order."""
from collections import defaultdict

from flask_babel import lazy_gettext as _l

from app.api.resources import RESOURCES
from app.views.admin.audit import AuditEventModelView
from app.views.admin.jobs import JobModelView, JobView
from app.views.admin.users import DistrictUserModelView
from app.views.framework.list_export import ExportApprovalView
from app.views.identification.assessment import ApplicationModelView, TierModelView
from app.views.identification.assessment_page import AssessmentView
from app.views.identification.notice_objections import ObjectionView
from app.views.identification.notice_print import NoticePrintView
from app.views.identification.notices import PublicNoticeView
from app.views.identification.practices import PracticeCheckView
from app.views.identification.reports import SchoolProgressView
from app.views.identification.simulation import SimulationView
from app.views.identification.standards import StandardView
from app.views.money.aid import AidItemModelView, AidStandardModelView
from app.views.money.bank_layouts import BankLayoutView
from app.views.money.carry_over import CarryOverView
from app.views.money.funds import FundAccountModelView
from app.views.money.in_kind import InKindView
from app.views.money.payments import BatchView, MoneyView
from app.views.money.recoveries import RecoveryView
from app.views.records.calendar import SchoolYearModelView, TermModelView
from app.views.records.org import DistrictModelView, SchoolModelView
from app.views.records.people import (
    HouseholdMemberModelView,
    HouseholdModelView,
    SpecialGroupModelView,
    StudentModelView,
)
from app.views.reports.dashboard import DashboardView
from app.views.reports.statistics import StatisticsView

# Five categories, so that the navbar keeps to one row at 1024 px for every role (tests/e2e/test_layout.py):
# aid items, aid standards and fund accounts share one; FAB's security pages join System settings.
PEOPLE = ("People", _l("Pupils and households"), "fa-users")
ASSESSMENT = ("Identification", _l("Identification"), "fa-check-square-o")
AID = ("Aid", _l("Aid and funds"), "fa-gift")
REPORTS = ("Reports", _l("Reports"), "fa-bar-chart")
SYSTEM = ("System", _l("System settings"), "fa-cogs")

# One place to manage users for every role (docs/user-areas.md): our user page, which records the
# school and classes an account works for. FAB's own account pages (users, and groups that hand out
# roles) leave the menu; its role and permission pages move under System settings for Admin.
FAB_SECURITY = "Security"
FAB_ACCOUNT_PAGES = ("List Users", "List Groups")

MENU = [
    (StudentModelView, "Pupils", _l("Pupils"), "fa-child", PEOPLE),
    (HouseholdModelView, "Households", _l("Households"), "fa-home", PEOPLE),
    (HouseholdMemberModelView, "Household members", _l("Household members"), "fa-user", PEOPLE),
    (AssessmentView, "Assessment queue", _l("Assessment"), "fa-balance-scale", ASSESSMENT),
    (ApplicationModelView, "Applications", _l("Applications"), "fa-file-text-o", ASSESSMENT),
    (PublicNoticeView, "Public notices", _l("Public notices"), "fa-bullhorn", ASSESSMENT),
    (ObjectionView, "Objections", _l("Objections"), "fa-comments-o", ASSESSMENT),
    (TierModelView, "Tiers", _l("Tiers"), "fa-signal", ASSESSMENT),
    (SpecialGroupModelView, "Special groups", _l("Special groups"), "fa-tags", ASSESSMENT),
    (StandardView, "Identification standards", _l("Identification standards"), "fa-sliders", ASSESSMENT),
    (SimulationView, "Simulation", _l("Simulation"), "fa-flask", ASSESSMENT),
    (AidItemModelView, "Aid items", _l("Aid items"), "fa-gift", AID),
    (AidStandardModelView, "Aid standards", _l("Aid standards"), "fa-list-ol", AID),
    (FundAccountModelView, "Fund accounts", _l("Fund accounts"), "fa-university", AID),
    (MoneyView, "Funds and payments", _l("Funds and payments"), "fa-money", AID),
    (BatchView, "Disbursement batches", _l("Disbursement batches"), "fa-credit-card", AID),
    (DashboardView, "Dashboard", _l("Dashboard"), "fa-pie-chart", REPORTS),
    (SchoolProgressView, "School progress", _l("School progress"), "fa-tasks", REPORTS),
    (StatisticsView, "Statistical reports", _l("Statistical reports"), "fa-table", REPORTS),
    (PracticeCheckView, "Fairness checks", _l("Fairness checks"), "fa-balance-scale", REPORTS),
    (JobModelView, "Background jobs", _l("Exports and jobs"), "fa-hourglass-half", REPORTS),
    (DistrictModelView, "Districts", _l("Districts"), "fa-map", SYSTEM),
    (SchoolModelView, "Schools", _l("Schools"), "fa-building", SYSTEM),
    (SchoolYearModelView, "School years", _l("School years"), "fa-calendar", SYSTEM),
    (TermModelView, "Terms", _l("Terms"), "fa-calendar-o", SYSTEM),
    (DistrictUserModelView, "District users", _l("Users"), "fa-user-circle", SYSTEM),
    (AuditEventModelView, "Audit trail", _l("Audit trail"), "fa-history", SYSTEM),
]


NO_MENU = [JobView, NoticePrintView, CarryOverView, InKindView, RecoveryView, BankLayoutView, ExportApprovalView]


def share_permission_sets(views: list) -> None:
    """Views and APIs of one permission set (a ModelView, its API, custom pages) declare the same
    permissions: FAB prunes, when it registers a view, every permission of the set the view itself
    does not declare."""
    union: dict[str, set] = defaultdict(set)
    for view in views:
        union[view.class_permission_name] |= set(view.base_permissions or ())
    for view in views:
        view.base_permissions = sorted(union[view.class_permission_name])


def register(appbuilder) -> None:
    """Add every view to the menu and every REST resource under /api/v1/."""
    menu = [(view(), *rest) for view, *rest in MENU]
    others = [view() for view in NO_MENU + RESOURCES]
    share_permission_sets([view for view, *_ in menu] + others)
    for view, name, label, icon, (category, category_label, category_icon) in menu:
        appbuilder.add_view(
            view, name, label=label, icon=icon, category=category,
            category_label=category_label, category_icon=category_icon,
        )
    for view in others:
        appbuilder.add_view_no_menu(view)
    one_user_area(appbuilder.menu)


def one_user_area(menu) -> None:
    """Take FAB's Security category out of the menu: its account pages go, the rest joins System settings."""
    security = menu.find(FAB_SECURITY)
    system = menu.find(SYSTEM[0])
    if security is None or system is None:
        return
    system.childs.extend(item for item in security.childs if item.name not in FAB_ACCOUNT_PAGES and item.name != "-")
    menu.menu.remove(security)
