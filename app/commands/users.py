"""District user management: who may create, change and disable which accounts."""
from flask_babel import lazy_gettext as _l

from app.commands.errors import FieldErrors
from app.models import School, UserScope
from app.security.scope import Scope

MANAGEABLE_ROLES = ("DistrictOfficer", "SchoolOfficer", "ClassTeacher", "Leader", "Auditor")
SCHOOL_ROLES = ("SchoolOfficer", "ClassTeacher")


def check_roles(roles) -> None:
    """One role at least, none outside what a district may hand out (never Admin)."""
    names = {r.name for r in roles or ()}
    if not names:
        raise FieldErrors({"roles": [_l("Choose a role.")]})
    if names - set(MANAGEABLE_ROLES):
        raise FieldErrors({"roles": [_l("This role cannot be given here.")]})


def scope_row_values(session, scope: Scope, roles, school, class_names: str | None) -> dict:
    """District, school and classes for a user's scope row, checked against the manager's scope."""
    names = {r.name for r in roles or ()}
    district_id = scope.district_id
    if school is not None:
        school = session.get(School, school.id)
        if scope.district_id is not None and school.district_id != scope.district_id:
            raise FieldErrors({"school": [_l("The chosen record does not exist or is not available.")]})
        district_id = school.district_id
    if names & set(SCHOOL_ROLES) and school is None:
        raise FieldErrors({"school": [_l("School staff need a school.")]})
    if district_id is None:
        raise FieldErrors({"school": [_l("Choose the school (or district) this user works for.")]})
    return {"district_id": district_id, "school_id": school.id if school else None,
            "class_names": (class_names or "").strip() or None}


def save_scope(session, user_id: int, values: dict) -> UserScope:
    """Create or update the user's scope row."""
    row = session.query(UserScope).filter_by(user_id=user_id).one_or_none()
    if row is None:
        row = UserScope(user_id=user_id, **values)
        session.add(row)
    else:
        for key, value in values.items():
            setattr(row, key, value)
    return row
