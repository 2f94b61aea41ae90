"""Facts from a snapshot from both sides: each fact set when its condition holds and clear when it does not."""
from decimal import Decimal

from app.services.facts import facts_from_snapshot
from app.services.scoring import Facts


def member(relation="father", work="full", health="healthy", presence="present", income="0", in_school=False):
    return {"name": "x", "relation": relation, "work_ability": work, "health": health, "presence": presence,
            "annual_income": income, "in_school": in_school}


def snapshot(members, pupil=None, **household):
    return {"taken_on": "2026-10-08T09:30:00", "pupil": pupil or {"disabled": False},
            "household": {"hukou_type": "rural", "lives_rural": True, **household}, "members": members}


def test_every_fact_of_a_full_snapshot():
    facts = facts_from_snapshot(snapshot(
        [member(income="12000"), member("mother", work="none", health="serious_illness"),
         member("sibling", in_school=True)],
        sudden_event_on="2026-05-01", groups=["dibao"]))
    assert facts == Facts(household_income=Decimal("12000"), household_size=4, parents_unable=1,
                          family_illness=True, single_parent=False, sudden_event=True, siblings_in_school=1,
                          rural=True, groups=frozenset({"dibao"}))


def test_a_household_without_members_earns_a_decimal_zero():
    facts = facts_from_snapshot(snapshot([]))
    assert facts.household_income == 0 and isinstance(facts.household_income, Decimal)
    assert facts.household_size == 1 and facts.parents_unable == 0  # nobody entered is not nobody able


def test_a_deceased_father_or_mother_makes_a_single_parent_family():
    assert facts_from_snapshot(snapshot([member(presence="deceased"), member("mother")])).single_parent
    assert facts_from_snapshot(snapshot([member(), member("mother", presence="deceased")])).single_parent
    assert not facts_from_snapshot(snapshot([member(), member("mother")])).single_parent
    assert not facts_from_snapshot(snapshot([member(), member("grandparent", presence="deceased")])).single_parent


def test_rural_needs_rural_registration_and_rural_residence():
    assert facts_from_snapshot(snapshot([], hukou_type="rural", lives_rural=True)).rural is True
    assert facts_from_snapshot(snapshot([], hukou_type="rural", lives_rural=False)).rural is False
    assert facts_from_snapshot(snapshot([], hukou_type="urban", lives_rural=True)).rural is False


def test_a_recent_sudden_event_counts_and_an_old_or_missing_one_does_not():
    assert facts_from_snapshot(snapshot([], sudden_event_on="2026-10-01")).sudden_event is True
    assert facts_from_snapshot(snapshot([], sudden_event_on="2024-10-01")).sudden_event is False
    assert facts_from_snapshot(snapshot([])).sudden_event is False


def test_parents_unable_reaches_the_facts():
    able = facts_from_snapshot(snapshot([member(), member("mother")]))
    unable = facts_from_snapshot(snapshot([member(work="none"), member("mother", presence="missing")]))
    assert (able.parents_unable, unable.parents_unable) == (0, 2)


def test_a_disabled_pupil_is_a_disabled_student_and_an_able_one_is_not():
    disabled = facts_from_snapshot(snapshot([], pupil={"disabled": True}))
    able = facts_from_snapshot(snapshot([], pupil={"disabled": False}, groups=["orphan"]))
    assert disabled.groups == frozenset({"disabled_student"})
    assert able.groups == frozenset({"orphan"})
    assert facts_from_snapshot({**snapshot([]), "pupil": None}).groups == frozenset()


def test_a_deceased_member_brings_neither_income_nor_size():
    facts = facts_from_snapshot(snapshot([member(presence="deceased", income="100000"),
                                          member("mother", income="6000")]))
    assert (facts.household_income, facts.household_size) == (Decimal("6000"), 2)


def test_an_absent_parent_brings_neither_income_nor_size_and_cannot_provide():
    facts = facts_from_snapshot(snapshot([member(presence="missing", income="50000"),
                                          member("mother", income="6000")]))
    assert (facts.household_income, facts.household_size, facts.parents_unable) == (Decimal("6000"), 2, 1)


def test_an_absent_members_illness_is_not_the_households_burden():
    assert not facts_from_snapshot(snapshot([member(health="serious_illness", presence="missing")])).family_illness


def test_an_orphans_working_guardian_supports_the_pupil():
    facts = facts_from_snapshot(snapshot([member(presence="deceased"), member("mother", presence="deceased"),
                                          member("guardian", income="20000")]))
    assert (facts.parents_unable, facts.household_size, facts.household_income) == (1, 2, Decimal("20000"))
