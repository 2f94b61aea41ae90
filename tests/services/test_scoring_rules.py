"""Scoring rules from both sides: why a standard is refused, and what a result says about its tier."""
from decimal import Decimal

import pytest

from app.services.scoring import (
    AT_LEAST,
    AT_MOST,
    CHOICE,
    FLAG,
    Facts,
    Indicator,
    InvalidStandard,
    Standard,
    assess,
    income_ratio,
    score_line,
)


def test_a_refused_standard_names_the_part_when_there_is_one():
    err = InvalidStandard("brackets.order", "income_ratio")
    assert (err.code, err.where, str(err)) == ("brackets.order", "income_ratio", "income_ratio: brackets.order")


def test_a_refused_standard_without_a_part_is_its_code_alone():
    err = InvalidStandard("tiers.missing")
    assert (err.code, err.where, str(err)) == ("tiers.missing", "", "tiers.missing")


def _standard(**kw) -> Standard:
    """Two indicators in two blocks, caps, three tiers and one direct rule."""
    indicators = (
        Indicator("poor", "money", FLAG, "single_parent", points=Decimal(30)),
        Indicator("siblings", "family", AT_LEAST, "siblings_in_school",
                  brackets=((Decimal(2), Decimal(20)), (Decimal(1), Decimal(10)))),
    )
    base = dict(version=3, indicators=indicators, block_caps=(("money", Decimal(25)), ("family", Decimal(50))),
                total_cap=Decimal(40), thresholds=(("special", Decimal(40)), ("general", Decimal(20))),
                lowest_tier="none", direct=((frozenset({"orphan"}), "general"),),
                tier_ranks=(("none", 0), ("general", 1), ("special", 2)), dibao_line=Decimal(8400))
    return Standard(**{**base, **kw})


def test_block_caps_and_the_total_cap_are_reported_only_when_reached():
    capped = assess(_standard(), Facts(Decimal(0), 1, single_parent=True, siblings_in_school=2))
    assert (capped.total, capped.capped_blocks) == (Decimal(40), ("money", "total"))
    free = assess(_standard(), Facts(Decimal(0), 1, siblings_in_school=1))
    assert (free.total, free.capped_blocks, free.score_tier) == (Decimal(10), (), "none")
    assert free.standard_version == 3


def test_direct_identification_decides_only_when_it_gives_a_higher_tier():
    by_group = assess(_standard(), Facts(Decimal(0), 1, groups=frozenset({"orphan", "dibao"})))
    assert (by_group.direct_tier, by_group.direct_groups, by_group.suggested_tier, by_group.decided_by) == (
        "general", ("orphan",), "general", "direct")
    by_score = assess(_standard(), Facts(Decimal(0), 1, single_parent=True, siblings_in_school=2,
                                         groups=frozenset({"orphan"})))
    assert (by_score.score_tier, by_score.suggested_tier, by_score.decided_by) == ("special", "special", "score")
    none = assess(_standard(), Facts(Decimal(0), 1))
    assert (none.direct_tier, none.direct_groups, none.decided_by) == (None, (), "score")


def test_a_line_reports_its_answer_and_reason():
    result = assess(_standard(), Facts(Decimal(0), 1, siblings_in_school=1))
    assert [(ln.indicator, ln.block, ln.answer, ln.points, ln.reason) for ln in result.lines] == [
        ("poor", "money", False, Decimal(0), "flag.no"), ("siblings", "family", 1, Decimal(10), "at_least:1")]


@pytest.mark.parametrize("answer, expected", [("a", (Decimal(5), "choice")), ("z", (Decimal(0), "choice.none"))])
def test_a_choice_scores_its_option_or_nothing(answer, expected):
    assert score_line(Indicator("c", "b", CHOICE, "x", options=(("a", Decimal(5)),)), answer) == expected


@pytest.mark.parametrize("answer, expected", [
    (Decimal("0.9"), (Decimal(9), "at_most:1")), (Decimal(1), (Decimal(9), "at_most:1")),
    (Decimal("1.1"), (Decimal(4), "at_most:2")), (Decimal(3), (Decimal(0), "at_most.none")),
])
def test_at_most_brackets_take_the_first_bound_reached(answer, expected):
    brackets = ((Decimal(1), Decimal(9)), (Decimal(2), Decimal(4)))
    assert score_line(Indicator("i", "b", AT_MOST, "x", brackets=brackets), answer) == expected


def test_income_ratio_needs_at_least_the_pupil():
    assert income_ratio(Facts(Decimal(16800), 2), Decimal(8400)) == 1
    with pytest.raises(ValueError):
        income_ratio(Facts(Decimal(0), 0), Decimal(8400))


def test_a_total_exactly_at_the_cap_is_not_reported_as_capped():
    at_cap = assess(_standard(total_cap=Decimal(35)), Facts(Decimal(0), 1, single_parent=True, siblings_in_school=1))
    assert (at_cap.total, at_cap.capped_blocks) == (Decimal(35), ("money",))


def test_a_flag_answered_yes_gives_its_points_with_its_reason():
    result = assess(_standard(), Facts(Decimal(0), 1, single_parent=True))
    assert (result.lines[0].points, result.lines[0].reason) == (Decimal(30), "flag.yes")


def test_of_two_direct_rules_giving_the_same_tier_the_first_names_the_groups():
    standard = _standard(direct=((frozenset({"orphan"}), "general"), (frozenset({"dibao"}), "general")))
    result = assess(standard, Facts(Decimal(0), 1, groups=frozenset({"orphan", "dibao"})))
    assert (result.direct_tier, result.direct_groups) == ("general", ("orphan",))
    higher = _standard(direct=((frozenset({"orphan"}), "general"), (frozenset({"dibao"}), "special")))
    result = assess(higher, Facts(Decimal(0), 1, groups=frozenset({"orphan", "dibao"})))
    assert (result.direct_tier, result.direct_groups) == ("special", ("dibao",))
