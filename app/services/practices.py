"""Forbidden-practice checks: equal sharing (平均分配) and taking turns (轮流坐庄), as warnings.

Pure rules over plain records; each warning carries a reason code and the numbers behind it.

Equal sharing, per school and school year, over its decided applications (final tier set):
- `equal.one_tier`: at least EQUAL_MIN_DECIDED needy decisions and one tier holds
  EQUAL_TIER_SHARE (90 %) or more of them — tiers are meant to follow the households' situations;
- `equal.all_needy`: at least EQUAL_MIN_DECIDED decisions, NEEDY_SHARE (95 %) or more of them
  needy, while the district-wide needy share is NEEDY_GAP (25 percentage points) or more lower.

Taking turns, between two consecutive school years, when the facts scored from the frozen
snapshots are equal (the household's situation did not change):
- `turns.flip`: the same pupil decided needy one year and not needy the next, or the reverse;
- `turns.siblings`: within one household, a pupil who was needy is decided not needy while a
  sibling who was not needy (or did not apply) becomes needy.
"""
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from app.services.scoring import Facts

EQUAL_MIN_DECIDED = 10
EQUAL_TIER_SHARE = Decimal("0.90")
NEEDY_SHARE = Decimal("0.95")
NEEDY_GAP = Decimal("0.25")
ONE_TIER, ALL_NEEDY, FLIP, SIBLINGS = "equal.one_tier", "equal.all_needy", "turns.flip", "turns.siblings"


@dataclass(frozen=True)
class SchoolDecisions:
    """A school's decided applications of one year: tier code → count, needy ones separately."""

    school_id: int
    needy: dict  # needy tier code → decided applications
    not_needy: int  # decided as not needy


@dataclass(frozen=True)
class Decision:
    """One decided application: whose, which year (consecutive years differ by 1), the outcome."""

    school_id: int
    household_id: int
    student_id: int
    pupil: str
    year_index: int
    year: str
    tier: str
    needy: bool
    facts: Facts


@dataclass(frozen=True)
class Warning:
    """A school's warning: reason code, numbers for the sentence, pupils for the drill-down."""

    school_id: int
    reason: str
    numbers: dict
    pupils: tuple = ()  # (pupil name, (year, tier) earlier, (year, tier) later)


def _share(part: int, whole: int) -> Decimal:
    """part / whole as a Decimal (0 when whole is 0)."""
    return Decimal(part) / Decimal(whole) if whole else Decimal(0)


def district_needy_share(schools: Iterable[SchoolDecisions]) -> Decimal:
    """Needy decisions over all decisions of the district."""
    needy = decided = 0
    for school in schools:
        needy += sum(school.needy.values())
        decided += sum(school.needy.values()) + school.not_needy
    return _share(needy, decided)


def equal_sharing(schools: list[SchoolDecisions]) -> list[Warning]:
    """Schools whose decisions look shared out equally rather than judged household by household."""
    district = district_needy_share(schools)
    found = []
    for school in schools:
        needy = sum(school.needy.values())
        decided = needy + school.not_needy
        if needy >= EQUAL_MIN_DECIDED:
            tier, top = max(school.needy.items(), key=lambda kv: (kv[1], kv[0]))
            if _share(top, needy) >= EQUAL_TIER_SHARE:
                found.append(Warning(school.school_id, ONE_TIER,
                                     {"tier": tier, "count": top, "needy": needy, "share": _share(top, needy)}))
        share = _share(needy, decided)
        if decided >= EQUAL_MIN_DECIDED and share >= NEEDY_SHARE and share - district >= NEEDY_GAP:
            found.append(Warning(school.school_id, ALL_NEEDY,
                                 {"needy": needy, "decided": decided, "share": share, "district": district}))
    return found


def _pairs(decisions: Iterable[Decision], key) -> dict:
    """{key: {year_index: [decisions]}} for grouping by pupil or household."""
    grouped = defaultdict(lambda: defaultdict(list))
    for d in decisions:
        grouped[key(d)][d.year_index].append(d)
    return grouped


def _entry(earlier: Decision, later: Decision) -> tuple:
    """A drill-down line: the pupil's name with the year and tier before and after."""
    return (later.pupil, (earlier.year, earlier.tier), (later.year, later.tier))


def pupil_flips(decisions: list[Decision]) -> list[tuple[Decision, Decision]]:
    """(earlier, later) decisions of the same pupil in consecutive years, equal facts, needy changed."""
    flips = []
    for years in _pairs(decisions, lambda d: d.student_id).values():
        for index, found in years.items():
            for earlier in found:
                for later in years.get(index + 1, ()):
                    if earlier.needy != later.needy and earlier.facts == later.facts:
                        flips.append((earlier, later))
    return flips


def sibling_turns(decisions: list[Decision]) -> list[tuple[Decision, Decision]]:
    """(sibling needy before, sibling needy now) pairs of a household whose facts did not change."""
    turns = []
    for years in _pairs(decisions, lambda d: d.household_id).values():
        for index, before in years.items():
            after = years.get(index + 1)
            if not after or len({d.facts for d in before + after}) != 1:
                continue
            needy_before = {d.student_id for d in before if d.needy}
            needy_after = {d.student_id for d in after if d.needy}
            dropped = [d for d in after if not d.needy and d.student_id in needy_before]
            risen = [d for d in after if d.needy and d.student_id not in needy_before]
            if dropped and risen and not needy_before & needy_after:
                earlier = next(d for d in before if d.student_id == dropped[0].student_id)
                turns.append((earlier, risen[0]))
    return turns


def taking_turns(decisions: list[Decision]) -> list[Warning]:
    """Per school (of the later year): pupils flipping with unchanged facts, siblings taking turns."""
    found = []
    for reason, pairs in ((FLIP, pupil_flips(decisions)), (SIBLINGS, sibling_turns(decisions))):
        by_school = defaultdict(list)
        for earlier, later in pairs:
            by_school[later.school_id].append(_entry(earlier, later))
        for school_id, entries in sorted(by_school.items()):
            found.append(Warning(school_id, reason, {"count": len(entries)}, tuple(sorted(entries))))
    return found
