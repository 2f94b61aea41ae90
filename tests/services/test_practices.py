"""Forbidden-practice rules with plain values: equal sharing thresholds and taking turns."""
from decimal import Decimal

from app.services import practices
from app.services.practices import Decision, SchoolDecisions, equal_sharing, taking_turns
from app.services.scoring import Facts

SAME = Facts(household_income=Decimal("20000"), household_size=4, rural=True)
RICHER = Facts(household_income=Decimal("90000"), household_size=4, rural=True)


def reasons(warnings, school_id=None):
    return sorted(w.reason for w in warnings if school_id is None or w.school_id == school_id)


def test_one_tier_warning_starts_at_ninety_percent_of_ten_decisions():
    at_limit = SchoolDecisions(1, {"general": 9, "special": 1}, not_needy=5)
    below = SchoolDecisions(2, {"general": 8, "special": 2}, not_needy=5)
    too_few = SchoolDecisions(3, {"general": 9}, not_needy=5)
    warnings = equal_sharing([at_limit, below, too_few, SchoolDecisions(4, {}, not_needy=200)])
    assert reasons(warnings, 1) == [practices.ONE_TIER]
    assert reasons(warnings, 2) == [] and reasons(warnings, 3) == []
    warning = next(w for w in warnings if w.school_id == 1)
    assert warning.numbers["tier"] == "general" and warning.numbers["share"] == Decimal("0.9")


def test_all_needy_warning_needs_a_much_lower_district_share():
    school = SchoolDecisions(1, {"general": 4, "relative": 3, "special": 3}, not_needy=0)  # 100 %
    low_district = [school, SchoolDecisions(2, {"general": 5}, not_needy=45)]  # 15 / 60 = 25 %
    assert practices.ALL_NEEDY in reasons(equal_sharing(low_district), 1)
    high_district = [school, SchoolDecisions(2, {"general": 40}, not_needy=10)]  # 50 / 60 ≈ 83 %
    assert reasons(equal_sharing(high_district), 1) == []


def test_all_needy_boundary_at_ninety_five_percent():
    just = SchoolDecisions(1, {"general": 7, "relative": 6, "special": 6}, not_needy=1)  # 19 / 20
    under = SchoolDecisions(2, {"general": 7, "relative": 6, "special": 5}, not_needy=2)  # 18 / 20
    rest = SchoolDecisions(3, {"general": 1}, not_needy=200)
    found = equal_sharing([just, under, rest])
    assert reasons(found, 1) == [practices.ALL_NEEDY] and reasons(found, 2) == []


def decision(student, year, needy, facts=SAME, household=7, school=1, name=None):
    return Decision(school, household, student, name or f"pupil{student}", year, f"{2023 + year}-{2024 + year}",
                    "general" if needy else "none", needy, facts)


def test_a_pupil_flipping_with_unchanged_facts_is_taking_turns():
    found = taking_turns([decision(1, 0, True), decision(1, 1, False), decision(1, 2, True)])
    assert reasons(found) == [practices.FLIP]
    assert found[0].numbers == {"count": 2}
    assert found[0].pupils[0][0] == "pupil1"


def test_a_flip_after_the_household_changed_is_no_warning():
    assert taking_turns([decision(1, 0, True), decision(1, 1, False, facts=RICHER)]) == []


def test_years_that_are_not_consecutive_are_not_compared():
    assert taking_turns([decision(1, 0, True), decision(1, 2, False)]) == []


def test_siblings_taking_turns_with_unchanged_facts():
    rows = [decision(1, 0, True), decision(2, 0, False), decision(1, 1, False), decision(2, 1, True)]
    found = taking_turns(rows)
    assert reasons(found) == [practices.FLIP, practices.SIBLINGS]
    siblings = next(w for w in found if w.reason == practices.SIBLINGS)
    assert siblings.numbers == {"count": 1}
    assert siblings.pupils[0] == ("pupil2", ("2023-2024", "general"), ("2024-2025", "general"))


def test_a_sibling_who_did_not_apply_before_taking_over_counts_too():
    rows = [decision(1, 0, True), decision(1, 1, False), decision(2, 1, True)]
    assert practices.SIBLINGS in reasons(taking_turns(rows))


def test_siblings_with_a_changed_household_are_no_warning():
    rows = [decision(1, 0, True), decision(1, 1, False, facts=RICHER), decision(2, 1, True, facts=RICHER)]
    assert taking_turns(rows) == []


def test_both_siblings_needy_in_both_years_is_no_warning():
    rows = [decision(1, 0, True), decision(2, 0, True), decision(1, 1, True), decision(2, 1, True)]
    assert taking_turns(rows) == []
