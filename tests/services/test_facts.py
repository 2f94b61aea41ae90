"""Facts from a household snapshot: size, income, parents, illness, single parent, events, siblings."""
from decimal import Decimal

import pytest

from app.services.facts import facts_from_snapshot, parents_unable, sudden_event_recent


def member(relation="father", work="full", health="healthy", presence="present", income="0", in_school=False):
    return {"name": "x", "relation": relation, "work_ability": work, "health": health, "presence": presence,
            "annual_income": income, "in_school": in_school}


def snapshot(members, **household):
    return {"taken_on": "2026-10-08T09:30:00", "pupil": {"disabled": False},
            "household": {"hukou_type": "rural", "lives_rural": True, **household}, "members": members}


def test_size_and_income_count_the_pupil_and_the_present_members():
    facts = facts_from_snapshot(snapshot([member(income="12000.50"), member("mother", income="3000"),
                                          member("grandparent", presence="deceased", income="100")]))
    assert facts.household_size == 3
    assert facts.household_income == Decimal("15000.50")


@pytest.mark.parametrize(("members", "expected"), [
    ([member(), member("mother")], 0),
    ([member(), member("mother", work="none")], 1),
    ([member(), member("mother", presence="missing")], 1),
    ([member()], 1),  # one parent recorded: the other is not there for the family
    ([member(work="none"), member("mother", presence="deceased")], 2),
    ([], 0),  # nobody entered, no reason marked: not a parent who cannot work (rule 5)
    ([member("guardian")], 1),  # orphans: the guardian counts
    ([member("grandparent")], 0),  # grandparents are not parents; none entered, no reason marked
    ([member(presence="deceased"), member("guardian")], 1),  # no living parent: the guardian supports
    ([member(presence="missing"), member("mother", presence="missing"), member("guardian")], 1),
    ([member(presence="deceased"), member("guardian", presence="missing")], 2),
    ([member(), member("guardian")], 1),  # a present parent: guardians do not count
])
def test_parents_unable(members, expected):
    assert parents_unable(members) == expected


@pytest.mark.parametrize(("members", "reason", "expected"), [
    ([], None, 0),
    ([], "other", 0),
    ([], "orphan", 2),
    ([], "parents_missing", 2),
    ([member("grandparent")], "orphan", 2),
    ([member("guardian")], "orphan", 1),  # a guardian is recorded: the recorded people decide
    ([member(presence="deceased"), member("mother", presence="deceased")], None, 2),  # recorded, truly none
    ([member()], "parents_missing", 1),
])
def test_parents_unable_when_no_parent_or_guardian_is_entered(members, reason, expected):
    assert parents_unable(members, reason) == expected


def test_the_household_reason_reaches_the_labour_fact():
    assert facts_from_snapshot(snapshot([member("grandparent")])).parents_unable == 0
    assert facts_from_snapshot(snapshot([member("grandparent")], no_parent_reason="orphan")).parents_unable == 2


def test_illness_of_a_deceased_member_does_not_count():
    assert not facts_from_snapshot(snapshot([member(health="disabled", presence="deceased")])).family_illness
    assert facts_from_snapshot(snapshot([member("grandparent", health="serious_illness")])).family_illness


def test_single_parent_by_flag_or_deceased_parent():
    assert facts_from_snapshot(snapshot([member()], single_parent=True)).single_parent
    assert facts_from_snapshot(snapshot([member(), member("mother", presence="deceased")])).single_parent
    assert not facts_from_snapshot(snapshot([member(), member("mother")])).single_parent


@pytest.mark.parametrize(("event_on", "expected"), [
    ("2026-10-08", True), ("2025-10-08", True), ("2025-10-07", False), ("2026-10-09", False), (None, False),
])
def test_sudden_event_within_twelve_months_before_the_snapshot(event_on, expected):
    assert sudden_event_recent(event_on, "2026-10-08T09:30:00") is expected


def test_siblings_rural_and_groups():
    facts = facts_from_snapshot(dict(snapshot(
        [member("sibling", in_school=True), member("sibling"), member("sibling", in_school=True)],
        groups=["dibao"], hukou_type="urban"), pupil={"disabled": True}))
    assert facts.siblings_in_school == 2
    assert not facts.rural
    assert facts.groups == frozenset({"dibao", "disabled_student"})
