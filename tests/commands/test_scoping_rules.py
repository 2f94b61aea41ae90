"""Writes stay in scope, from both sides: which scope fields are forced, which related rows are accepted or refused."""
import pytest

from app.commands.scoping import NOT_AVAILABLE, assign_scope, check_scope
from app.errors import FieldErrors
from app.models import Household, HouseholdMember, Relation, Student, Tier
from app.security.scope import Scope
from tests.factories import make_household, make_student


def _scopes(world):
    return {
        "district": Scope(district_id=world.d.id),
        "school": Scope(district_id=world.d.id, school_id=world.a.id),
        "teacher": Scope(district_id=world.d.id, school_id=world.a.id, classes=((3, "1班"),)),
    }


def test_a_school_user_creates_rows_in_their_own_school_and_district(session, world):
    household = Household(district_id=world.e.id, school_id=world.b.id, guardian_name="新家长")
    pupil = Student(school_id=world.b.id, name="新学生")
    for item in (household, pupil):
        assign_scope(session, item, _scopes(world)["school"])
    assert (household.district_id, household.school_id) == (world.d.id, world.a.id)
    assert household.district is world.d and household.school is world.a
    assert pupil.school_id == world.a.id and pupil.school is world.a


def test_a_district_user_keeps_the_school_chosen_but_not_the_district(session, world):
    household = Household(district_id=world.e.id, school_id=world.b.id, guardian_name="新家长")
    assign_scope(session, household, _scopes(world)["district"])
    assert (household.district_id, household.school_id) == (world.d.id, world.b.id)


@pytest.mark.parametrize("scope", [Scope(everything=True), Scope()], ids=["everything", "nothing"])
def test_scope_fields_are_left_alone_for_everything_and_for_nothing(session, world, scope):
    household = Household(district_id=world.e.id, school_id=world.c.id, guardian_name="新家长")
    assign_scope(session, household, scope)
    assert (household.district_id, household.school_id) == (world.e.id, world.c.id)


def test_a_code_list_row_has_no_scope_fields_to_force(session, world):
    tier = Tier(code="x", name="x")
    assign_scope(session, tier, _scopes(world)["school"])
    assert (tier.code, tier.name) == ("x", "x")


def test_the_registering_school_of_a_stored_household_is_kept_once_set(session, world):
    registered = make_household(session, district=world.d, school_id=world.b.id)
    session.commit()
    assign_scope(session, registered, _scopes(world)["school"])
    assert (registered.district_id, registered.school_id) == (world.d.id, world.b.id)
    unowned = world.household["A"]
    assert unowned.school_id is None
    assign_scope(session, unowned, _scopes(world)["school"])
    assert unowned.school_id == world.a.id


def _refused(session, item, scope) -> dict:
    """The fields check_scope refuses ({} when accepted)."""
    try:
        check_scope(session, item, scope)
    except FieldErrors as err:
        return err.errors
    return {}


def test_a_pupil_may_be_linked_to_a_household_in_scope_only(session, world):
    pupil, scopes = world.pupil["A"], _scopes(world)
    pupil.household = world.household["A"]
    assert _refused(session, pupil, scopes["school"]) == {}
    pupil.household = world.household["B"]
    assert _refused(session, pupil, scopes["school"]) == {"household": [NOT_AVAILABLE]}
    assert _refused(session, pupil, scopes["district"]) == {}
    pupil.household = world.household["C"]
    assert _refused(session, pupil, scopes["district"]) == {"household": [NOT_AVAILABLE]}
    assert _refused(session, pupil, Scope(everything=True)) == {}
    assert _refused(session, pupil, Scope()) == {"household": [NOT_AVAILABLE], "school": [NOT_AVAILABLE]}


def test_every_refused_reference_is_reported_at_once(session, world):
    pupil = world.pupil["A"]
    pupil.household, pupil.school = world.household["C"], world.c
    assert _refused(session, pupil, _scopes(world)["school"]) == {
        "household": [NOT_AVAILABLE], "school": [NOT_AVAILABLE]}


def test_a_reference_given_by_id_only_is_checked_too(session, world):
    pupil = Student(school_id=world.a.id, household_id=world.household["B"].id, name="只给编号")
    assert _refused(session, pupil, _scopes(world)["school"]) == {"household": [NOT_AVAILABLE]}
    pupil = Student(school_id=world.a.id, household_id=world.household["A"].id, name="只给编号")
    assert _refused(session, pupil, _scopes(world)["school"]) == {}


def test_a_class_teacher_may_link_only_households_of_their_classes(session, world):
    other = make_household(session, district=world.d, guardian_name="另班家长")
    make_student(session, school=world.a, household=other, name="另班学生", grade=5, class_name="2班")
    session.commit()
    member = HouseholdMember(household_id=other.id, name="新成员", relation=Relation.MOTHER)
    assert _refused(session, member, _scopes(world)["teacher"]) == {"household": [NOT_AVAILABLE]}
    assert _refused(session, member, _scopes(world)["school"]) == {}
    member.household_id = world.household["A"].id
    assert _refused(session, member, _scopes(world)["teacher"]) == {}


def test_a_household_may_take_pupils_of_its_own_school_only(session, world):
    household, scopes = world.household["A"], _scopes(world)
    own = make_student(session, school=world.a, name="本校学生", grade=4, class_name="1班")
    session.commit()
    with session.no_autoflush:  # as the API loads a body: nothing written before the check
        household.students.append(own)
    assert _refused(session, household, scopes["school"]) == {}
    with session.no_autoflush:
        household.students.append(world.pupil["B"])
    assert _refused(session, household, scopes["school"]) == {"students": [NOT_AVAILABLE]}
    assert _refused(session, household, scopes["district"]) == {}
    assert _refused(session, household, Scope(everything=True)) == {}


def test_a_household_may_not_take_another_schools_member(session, world):
    household, scopes = world.household["A"], _scopes(world)  # read before the change: no autoflush after it
    with session.no_autoflush:
        household.members.append(world.member["B"])
    assert _refused(session, household, scopes["school"]) == {"members": [NOT_AVAILABLE]}
    assert _refused(session, household, scopes["district"]) == {}


def test_pupils_a_class_teacher_cannot_see_stay_in_the_household_when_the_list_is_replaced(session, world):
    household = world.household["A"]
    other = make_student(session, school=world.a, household=household, name="另班学生", grade=5, class_name="2班")
    session.commit()
    scope, pupil = _scopes(world)["teacher"], world.pupil["A"]
    with session.no_autoflush:
        household.students = [pupil]
    assert _refused(session, household, scope) == {}
    assert {p.id for p in household.students} == {pupil.id, other.id}


def test_a_school_officer_may_remove_a_pupil_of_their_school_from_a_household(session, world):
    household = world.household["A"]
    other = make_student(session, school=world.a, household=household, name="另班学生", grade=5, class_name="2班")
    session.commit()
    scope, pupil = _scopes(world)["school"], world.pupil["A"]
    with session.no_autoflush:
        household.students = [pupil]
    assert _refused(session, household, scope) == {}
    assert other.id not in {p.id for p in household.students}


def test_relations_take_existing_rows_only(session, world):
    from app.models import SpecialGroup

    household = world.household["A"]
    existing = session.query(SpecialGroup).first()
    household.special_groups = [existing]
    assert _refused(session, household, _scopes(world)["school"]) == {}
    household.special_groups = [SpecialGroup(code="made_up", name="自造")]
    assert _refused(session, household, _scopes(world)["school"]) == {"special_groups": [NOT_AVAILABLE]}
    session.rollback()
    pupil = world.pupil["A"]
    pupil.household = Household(district_id=world.d.id, guardian_name="自造家庭")
    assert _refused(session, pupil, Scope(everything=True)) == {"household": [NOT_AVAILABLE]}
    session.rollback()
