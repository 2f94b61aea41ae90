"""The user rule itself (app/commands/users.py): which roles a manager may grant and which changes are refused."""
from types import SimpleNamespace

import pytest

from app.commands.users import MANAGEABLE_ROLES, SCHOOL_ROLES, Manager, check_change, grantable_roles
from app.errors import FieldErrors
from app.models import User
from app.security.scope import Scope

DISTRICT = Scope(district_id=1, user_id=7)
SCHOOL = Scope(district_id=1, school_id=3, user_id=7)


def _roles(*names):
    return [SimpleNamespace(name=name) for name in names]


def _target(user_id=None, active=True):
    return SimpleNamespace(id=user_id, active=active)


@pytest.mark.parametrize(("roles", "scope", "expected"), [
    ({"DistrictOfficer"}, DISTRICT, MANAGEABLE_ROLES),
    ({"DistrictOfficer"}, SCHOOL, SCHOOL_ROLES),
    ({"Admin"}, Scope(everything=True, user_id=7), MANAGEABLE_ROLES),
    ({"Auditor"}, Scope(everything=True, user_id=7), ()),
    ({"Leader"}, DISTRICT, ()),
    ({"DistrictOfficer"}, Scope(user_id=7), ()),
])
def test_grantable_roles(roles, scope, expected):
    assert grantable_roles(Manager(7, frozenset(roles), scope)) == expected


def test_no_manager_may_grant_admin_or_auditor():
    for scope in (DISTRICT, SCHOOL, Scope(everything=True)):
        granted = set(grantable_roles(Manager(7, frozenset({"Admin", "DistrictOfficer"}), scope)))
        assert not granted & {"Admin", "Auditor"}


def test_a_district_manager_may_give_a_grantable_role_to_a_new_user(session):
    check_change(session, Manager(7, frozenset({"DistrictOfficer"}), DISTRICT), _target(), _roles("Leader"))


@pytest.mark.parametrize("role", ["Admin", "Auditor"])
def test_a_district_manager_may_not_give_admin_or_auditor(session, role):
    with pytest.raises(FieldErrors) as refused:
        check_change(session, Manager(7, frozenset({"DistrictOfficer"}), DISTRICT), _target(),
                     _roles("SchoolOfficer", role))
    assert "roles" in refused.value.errors


def test_a_school_wide_manager_may_not_give_district_roles(session):
    manager = Manager(7, frozenset({"DistrictOfficer"}), SCHOOL)
    check_change(session, manager, _target(), _roles("ClassTeacher"))
    with pytest.raises(FieldErrors):
        check_change(session, manager, _target(), _roles("Leader"))


def test_an_account_holding_a_role_above_the_manager_is_refused_even_when_demoted(session, make_user):
    admin = make_user("admin_d", "Admin")
    manager = Manager(7, frozenset({"DistrictOfficer"}), DISTRICT)
    with pytest.raises(FieldErrors):
        check_change(session, manager, _target(admin.id), _roles("SchoolOfficer"))
    officer = make_user("officer", "SchoolOfficer")
    check_change(session, manager, _target(officer.id), _roles("ClassTeacher"))


def test_a_manager_may_not_disable_or_demote_themselves(session, make_user):
    me = make_user("me", "DistrictOfficer")
    manager = Manager(me.id, frozenset({"DistrictOfficer"}), DISTRICT)
    check_change(session, manager, _target(me.id), _roles("DistrictOfficer"))
    for target, roles in ((_target(me.id, active=False), ("DistrictOfficer",)), (_target(me.id), ("Leader",))):
        with pytest.raises(FieldErrors) as refused:
            check_change(session, manager, target, _roles(*roles))
        assert "active" in refused.value.errors
    assert session.get(User, me.id).active is True
