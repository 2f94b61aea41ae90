"""Demo accounts (one per role, with their scopes) and the summary printed after seeding."""
import unicodedata
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.demo.org import SchoolPlan
from app.demo.rows import DemoRun
from app.errors import DomainError
from app.models import UserScope
from app.security.roles import ROLE_LABELS

EMAIL_DOMAIN = "demo.zizhu.local"
# username, role, index of the school in code order (None: the whole district), class names
DEMO_ACCOUNTS = (
    ("admin", "Admin", None, None),
    ("district", "DistrictOfficer", None, None),
    ("leader", "Leader", None, None),
    ("auditor", "Auditor", None, None),
    ("school1", "SchoolOfficer", 0, None),
    ("school2", "SchoolOfficer", 1, None),
    ("teacher1", "ClassTeacher", 0, "teacher_classes"),
)


@dataclass(frozen=True)
class AccountLine:
    """One row of the accounts table: who, which role, where, and whether we created it."""

    username: str
    role: str
    scope: str
    created: bool


def check_roles(sm) -> None:
    """Refuse before writing anything when `flask aid init` has not created the roles."""
    for _username, role, _school, _classes in DEMO_ACCOUNTS:
        if sm.find_role(role) is None:
            raise DomainError(_l("Role %(role)s is missing; run `flask aid init` first.", role=role))


def create_accounts(appbuilder, session, run: DemoRun, district_name: str,
                    schools: list[SchoolPlan], password: str) -> list[AccountLine]:
    """Add the demo users and their scopes without committing; existing usernames are left alone."""
    sm, lines = appbuilder.sm, []
    for username, role, school_index, classes_key in DEMO_ACCOUNTS:
        if school_index is not None and school_index >= len(schools):
            continue
        school = schools[school_index] if school_index is not None else None
        classes = run.data["texts"][classes_key] if classes_key else None
        scope = " ".join(filter(None, (school.name if school else district_name, classes)))
        if sm.find_user(username=username) is not None:
            lines.append(AccountLine(username, role, scope, created=False))
            continue
        surname, given = run.draw.surname(), run.draw.given_name("adult_female" if run.draw.chance(0.5)
                                                                 else "adult_male")
        user = sm.add_user(username, given, surname, f"{username}@{EMAIL_DOMAIN}",
                           sm.find_role(role), password=password, commit=False)
        if not user:
            raise DomainError(_l("Could not create the demo account %(username)s.", username=username))
        session.add(UserScope(user_id=user.id, district_id=run.district_id,
                              school_id=school.id if school else None, class_names=classes))
        lines.append(AccountLine(username, role, scope, created=True))
    return lines


def _width(text: str) -> int:
    """Columns a string takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _table(rows: list[tuple[str, ...]]) -> list[str]:
    """Rows as left-aligned columns separated by two spaces, CJK-aware."""
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]


def format_summary(district: str, counts: dict, terms: list[tuple[str, int]], accounts: list[AccountLine]) -> str:
    """Counts of what was written (applications per term: this one, then last year's) and the table of
    demo accounts (the password itself is not echoed)."""
    lines = [
        _("Demo district %(district)s written.", district=district),
        _("Schools: %(n)d", n=counts.get("school", 0)),
        _("Households: %(n)d (members: %(m)d, special-group links: %(g)d)",
          n=counts.get("household", 0), m=counts.get("household_member", 0),
          g=counts.get("household_special_group", 0)),
        _("Pupils: %(n)d", n=counts.get("student", 0)),
        *(_("Applications in %(term)s: %(n)d", term=term, n=n) for term, n in terms),
        _("Fund accounts: %(n)d", n=counts.get("fund_account", 0)),
        _("Disbursement batches: %(n)d", n=counts.get("disbursement_batch", 0)),
        "",
    ]
    rows = [(_("Username"), _("Role"), _("Scope"), _("Password"))]
    for line in accounts:
        note = _("as given with --password") if line.created else _("existing account, unchanged")
        rows.append((line.username, str(ROLE_LABELS.get(line.role, line.role)), line.scope, note))
    return "\n".join(lines + _table(rows))
