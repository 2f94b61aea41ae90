"""The what-if simulation with plain values: counts of moves per school and the Decimal budget."""
import copy
import json
from decimal import Decimal
from pathlib import Path

from app.services.scoring import Facts
from app.services.simulation import Pupil, SchoolResult, simulate
from app.services.standards import parse_standard

SEED = json.loads((Path(__file__).resolve().parents[2] / "seed" / "assessment_standard.json").read_text())
IN_FORCE = parse_standard(SEED, version=1)
LINE = Decimal("8400.00")
AMOUNTS = {(tier, boarding): Decimal(amount) * (1 if boarding else Decimal("0.5"))
           for tier, amount in (("special", "625.00"), ("relative", "625.00"), ("general", "625.00"))
           for boarding in (True, False)}


def facts(ratio="3", **kw) -> Facts:
    """A household of four whose per-capita income is `ratio` × the 低保 line."""
    return Facts(household_income=LINE * Decimal(ratio) * 4, household_size=4, **kw)


def stricter(general_from=40) -> object:
    """The default standard with 一般困难 starting at `general_from` points instead of 30."""
    data = copy.deepcopy(SEED)
    data["thresholds"] = [["special", 70], ["relative", 50], ["general", general_from]]
    return parse_standard(data, version=2)


# 35 (income ≤ 1×) → general (30); 35 + 5 rural = 40; 0 → none
GENERAL_35 = facts("1.0")
GENERAL_40 = facts("1.0", rural=True)
NOT_NEEDY = facts("3")


def test_unchanged_standard_moves_nobody_and_costs_the_same():
    pupils = [Pupil(1, True, GENERAL_35), Pupil(1, False, GENERAL_40), Pupil(2, False, NOT_NEEDY)]
    result = simulate(pupils, IN_FORCE, IN_FORCE, AMOUNTS)
    assert result.total.considered == 3 and result.total.moved == 0
    assert result.total.budget_before == result.total.budget_after == Decimal("937.50")
    assert [s.school_id for s in result.schools] == [1, 2]


def test_a_higher_threshold_moves_pupils_down_and_saves_their_subsidy():
    pupils = [Pupil(1, True, GENERAL_35), Pupil(1, False, GENERAL_35), Pupil(1, False, GENERAL_40),
              Pupil(2, True, NOT_NEEDY)]
    result = simulate(pupils, stricter(40), IN_FORCE, AMOUNTS)
    school = result.schools[0]
    assert (school.considered, school.moved_down, school.moved_up) == (3, 2, 0)
    assert school.before == {"general": 3} and school.after == {"general": 1, "none": 2}
    assert school.budget_before == Decimal("1250.00")  # 625 + 312.50 + 312.50
    assert school.budget_after == Decimal("312.50")
    assert school.difference == Decimal("-937.50")
    assert isinstance(school.difference, Decimal)
    assert result.schools[1].moved == 0 and result.total.moved_down == 2


def test_a_lower_threshold_moves_pupils_up():
    pupils = [Pupil(1, True, facts("1.4", rural=True))]  # 25 + 5 = 30 general; not needy at 31
    result = simulate(pupils, IN_FORCE, stricter(31), AMOUNTS)
    assert result.total.moved_up == 1 and result.total.difference == Decimal("625.00")


def test_the_current_tier_of_a_decided_pupil_is_the_starting_point():
    # the committee decided 特别困难 although the score gives 一般困难: that is "before"
    result = simulate([Pupil(1, False, GENERAL_35, current_tier="special")], IN_FORCE, IN_FORCE, AMOUNTS)
    assert result.total.before == {"special": 1} and result.total.after == {"general": 1}
    assert result.total.moved_down == 1
    assert result.total.difference == 0


def test_totals_add_up_the_schools():
    total = SchoolResult(None)
    for school in (SchoolResult(1, 2, 1, 0, budget_before=Decimal("1.10")),
                   SchoolResult(2, 3, 0, 2, budget_after=Decimal("2.20"))):
        total.add(school)
    assert (total.considered, total.moved_up, total.moved_down) == (5, 1, 2)
    assert total.difference == Decimal("1.10")
