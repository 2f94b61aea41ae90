"""User management: which accounts a manager may see, create, change and disable, and with which roles.

One rule for every path: a manager sees and changes only users of their scope whose every role they
may grant; Admin and Auditor accounts are never among them; nobody gives a role they may not grant,
and a manager cannot disable or demote themselves out of managing users.
"""
from dataclasses import dataclass

from flask_appbuilder.security.sqla.models import Role, assoc_user_role
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.context import Context
from app.errors import FieldErrors
from app.models import School, User, UserScope
from app.security.scope import Scope

# roles of district staff, in the order the role picker shows them
MANAGEABLE_ROLES = ("DistrictOfficer", "SchoolOfficer", "ClassTeacher", "Leader")
SCHOOL_ROLES = ("SchoolOfficer", "ClassTeacher")
DISTRICT_ROLES = ("DistrictOfficer",)  # a district-wide station: never tied to one school
MANAGER_ROLES = ("Admin", "DistrictOfficer")  # roles that may manage users (permission set UserScope)

NOT_GRANTABLE = _l("This role cannot be given here.")
NOT_YOURSELF = _l("You cannot disable your own account or take away your own right to manage users.")
NOT_AVAILABLE = _l("The chosen record does not exist or is not available.")


@dataclass(frozen=True)
class Manager:
    """Who is managing users: their account id, role names and scope."""

    user_id: int | None
    roles: frozenset[str]
    scope: Scope

    @property
    def manages(self) -> bool:
        """Whether these roles manage users at all (others may only read, within their scope)."""
        return bool(self.roles & set(MANAGER_ROLES))


def manager_of(ctx: Context) -> Manager:
    """The context's actor as a user manager (no roles: someone not signed in)."""
    return Manager(ctx.actor.user_id, frozenset(ctx.actor.roles), ctx.scope)


def grantable_roles(manager: Manager) -> tuple[str, ...]:
    """Roles a manager may give: district staff roles; school roles only for a school-wide manager."""
    scope = manager.scope
    if not manager.manages or scope.nothing:
        return ()
    if scope.school_id is not None:
        return SCHOOL_ROLES
    return MANAGEABLE_ROLES


def visible_users(manager: Manager):
    """SQL criterion on User: for a manager, only accounts whose every role they may grant.

    None for read-only roles (the scope filter alone limits what they read).
    """
    if not manager.manages:
        return None
    return ~User.roles.any(Role.name.notin_(grantable_roles(manager)))


def stored_roles(session, user_id: int | None) -> set[str]:
    """Role names of a user as stored (not as the form just set them)."""
    if user_id is None:
        return set()
    with session.no_autoflush:
        rows = session.execute(select(Role.name).join(assoc_user_role, assoc_user_role.c.role_id == Role.id)
                               .where(assoc_user_role.c.user_id == user_id))
        return {name for (name,) in rows}


def check_change(session, manager: Manager, user, roles) -> None:
    """Refuse a create or change the manager may not make: roles, an account above them, lock-out."""
    names = {r.name for r in roles or ()}
    grantable = set(grantable_roles(manager))
    if not names:
        raise FieldErrors({"roles": [_l("Choose a role.")]})
    if names - grantable or stored_roles(session, user.id) - grantable:
        raise FieldErrors({"roles": [NOT_GRANTABLE]})
    if user.id is not None and user.id == manager.user_id:
        keeps = manager.roles & set(MANAGER_ROLES) & grantable
        if not user.active or not keeps <= names:
            raise FieldErrors({"active": [NOT_YOURSELF]})


def _school_in_scope(session, scope: Scope, school):
    """The chosen school reloaded, when it lies in the manager's district (and school)."""
    school = session.get(School, school.id)
    if school is None or (scope.district_id is not None and school.district_id != scope.district_id):
        raise FieldErrors({"school": [NOT_AVAILABLE]})
    if scope.school_id is not None and school.id != scope.school_id:
        raise FieldErrors({"school": [NOT_AVAILABLE]})
    return school


def scope_row_values(session, scope: Scope, roles, school, class_names: str | None) -> dict:
    """District, school and classes for a user's scope row, checked against the manager's scope."""
    names = {r.name for r in roles or ()}
    district_id = scope.district_id
    if school is not None:
        school = _school_in_scope(session, scope, school)
        district_id = school.district_id
    if school is None and (names & set(SCHOOL_ROLES) or scope.school_id is not None):
        raise FieldErrors({"school": [_l("School staff need a school.")]})
    if school is not None and names & set(DISTRICT_ROLES):
        raise FieldErrors({"school": [_l("District officers work for the whole district: leave the school empty.")]})
    if district_id is None:
        raise FieldErrors({"school": [_l("Choose the school (or district) this user works for.")]})
    return {"district_id": district_id, "school_id": school.id if school else None,
            "class_names": (class_names or "").strip() or None}


def _write_scope(session, user_id: int, values: dict) -> UserScope:
    """Create or update the user's scope row."""
    row = session.query(UserScope).filter_by(user_id=user_id).one_or_none()
    if row is None:
        row = UserScope(user_id=user_id, **values)
        session.add(row)
    else:
        for key, value in values.items():
            setattr(row, key, value)
    return row


def save_user(ctx: Context, user) -> UserScope:
    """A create or change of `user` (roles, school and classes as the form set them) checked against
    the user rules and the actor's scope; then the user and their scope row are written."""
    session = ctx.session
    check_change(session, manager_of(ctx), user, user.roles)
    values = scope_row_values(session, ctx.scope, user.roles, getattr(user, "school", None),
                              getattr(user, "class_names", None))
    session.add(user)
    session.flush()
    return _write_scope(session, user.id, values)
