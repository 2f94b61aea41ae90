"""`flask aid init`: roles, permissions, code lists, aid items and the current calendar (idempotent)."""
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from app import runner
from app.clock import app_clock
from app.context import Context, system_context
from app.models import (
    AidCategory,
    AidItem,
    AidKind,
    AidStandard,
    AmountUnit,
    BankFileLayout,
    FileFormat,
    Payee,
    SchoolYear,
    Season,
    SpecialGroup,
    Term,
    Tier,
)
from app.security.roles import ROLE_LABELS, grants_for

SEED_DIR = Path(__file__).resolve().parents[1] / "seed"


def _load(name: str):
    """Read one JSON data file of seed/."""
    return json.loads((SEED_DIR / name).read_text(encoding="utf-8"))


def _upsert(session, model, key: str, values: dict):
    """Insert a code-list row by its natural key, or leave the existing one as the district set it."""
    row = session.query(model).filter(getattr(model, key) == values[key]).one_or_none()
    if row is None:
        row = model(**values)
        session.add(row)
    return row


def seed_code_lists(session) -> None:
    """Special groups and tiers from seed/."""
    for values in _load("special_groups.json"):
        _upsert(session, SpecialGroup, "code", values)
    for values in _load("tiers.json"):
        _upsert(session, Tier, "code", values)


def seed_aid_items(session) -> None:
    """Aid items with the 2024 national standards from seed/aid_items.json."""
    for spec in _load("aid_items.json"):
        standards = spec.pop("standards")
        spec["category"] = AidCategory(spec["category"])
        spec["kind"] = AidKind(spec["kind"])
        spec["payee"] = Payee(spec["payee"])
        item = _upsert(session, AidItem, "code", spec)
        session.flush()
        for std in standards:
            start = date.fromisoformat(std["effective_from"])
            exists = session.query(AidStandard.id).filter_by(
                aid_item_id=item.id, boarding=std.get("boarding"), effective_from=start,
            ).first()
            if exists:
                continue
            end = std.get("effective_to")
            session.add(AidStandard(
                aid_item_id=item.id, boarding=std.get("boarding"), amount=Decimal(std["amount"]),
                unit=AmountUnit(std["unit"]), effective_from=start,
                effective_to=date.fromisoformat(end) if end else None, notes=std.get("notes"),
            ))


def seed_bank_layouts(session) -> None:
    """The bank file layouts offered to every district, from seed/bank_layouts.json (by code: a layout
    already there, perhaps edited by the district, is left as it is)."""
    for spec in _load("bank_layouts.json")["layouts"]:
        values = {**spec, "file_format": FileFormat(spec["file_format"]), "district_id": None, "active": True}
        _upsert(session, BankFileLayout, "code", values)


def school_year_bounds(today: date) -> tuple[int, int]:
    """First and second calendar year of the school year containing `today` (starts 1 Sept)."""
    first = today.year if today.month >= 9 else today.year - 1
    return first, first + 1


def school_year(session, first: int) -> SchoolYear:
    """The school year starting 1 September of `first`, with its autumn and spring terms (made when
    missing; not marked current)."""
    name = f"{first}-{first + 1}"
    year = session.query(SchoolYear).filter_by(name=name).one_or_none()
    if year is None:
        second = first + 1
        year = SchoolYear(name=name, start_date=date(first, 9, 1), end_date=date(second, 8, 31))
        session.add(year)
        session.flush()
        session.add_all([
            Term(school_year_id=year.id, season=Season.AUTUMN, name=f"{first}年秋季学期",
                 start_date=date(first, 9, 1), end_date=date(second, 1, 31),
                 application_opens=date(first, 9, 1), application_closes=date(first, 9, 30),
                 school_days=100),
            Term(school_year_id=year.id, season=Season.SPRING, name=f"{second}年春季学期",
                 start_date=date(second, 2, 1), end_date=date(second, 8, 31),
                 application_opens=date(second, 2, 15), application_closes=date(second, 3, 15),
                 school_days=100),
        ])
        session.flush()
    return year


def make_current(session, today: date) -> Term:
    """Mark the school year and the term of `today` current, and no other (they must exist)."""
    year = school_year(session, school_year_bounds(today)[0])
    term = next(t for t in year.terms if t.start_date <= today <= t.end_date)
    for row in session.query(SchoolYear).filter(SchoolYear.is_current.is_(True), SchoolYear.id != year.id):
        row.is_current = False
    for row in session.query(Term).filter(Term.is_current.is_(True), Term.id != term.id):
        row.is_current = False
    year.is_current = term.is_current = True
    session.flush()
    return term


def seed_calendar(session, today: date) -> SchoolYear:
    """The current school year and its autumn and spring terms; marks them current unless a school
    year is current already."""
    year = school_year(session, school_year_bounds(today)[0])
    if not session.query(SchoolYear).filter_by(is_current=True).count():
        year.is_current = True
        current = next(t for t in year.terms if t.start_date <= today <= t.end_date)
        current.is_current = True
    return year


def menu_models(appbuilder) -> dict[str, set[str]]:
    """Menu entry and category names → the permission sets (models) of the views behind them."""
    found: dict[str, set[str]] = {}
    for category in appbuilder.menu.get_list():
        for item in category.childs:
            view = item.baseview
            if view is not None:
                found.setdefault(item.name, set()).add(view.class_permission_name)
                found.setdefault(category.name, set()).add(view.class_permission_name)
    return found


def seed_roles(appbuilder) -> None:
    """Sync FAB's permissions from the registered views, then give each role its set."""
    sm = appbuilder.sm
    admin = sm.find_role(sm.auth_role_admin) or sm.add_role(sm.auth_role_admin)
    sm.find_role(sm.auth_role_public) or sm.add_role(sm.auth_role_public)
    appbuilder.add_permissions(update_perms=True)
    pvms = appbuilder.session.query(sm.permissionview_model).all()
    if set(pvms) != set(admin.permissions):
        admin.permissions = pvms
    menus = menu_models(appbuilder)
    for role_name in ROLE_LABELS:
        if role_name == sm.auth_role_admin:
            continue
        role = sm.find_role(role_name) or sm.add_role(role_name)
        wanted = [p for p in pvms if grants_for(role_name, p.view_menu.name, p.permission.name, menus)]
        if set(wanted) != set(role.permissions):  # unchanged roles leave no audit entry
            role.permissions = wanted
    appbuilder.session.commit()


def seed_data(ctx: Context, today: date) -> None:
    """Code lists, aid items, bank file layouts and the calendar of `today`."""
    seed_code_lists(ctx.session)
    seed_aid_items(ctx.session)
    seed_bank_layouts(ctx.session)
    seed_calendar(ctx.session, today)


def init_all(appbuilder, session, today: date) -> None:
    """Everything `flask aid init` does: the roles (committed by FAB's permission sync), then the
    data in one transaction of the system; safe to run again."""
    seed_roles(appbuilder)
    runner.run(system_context(session, app_clock()), seed_data, today)
