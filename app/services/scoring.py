"""Scoring an application under an assessment standard: facts in, points, tier and reasons out.

Pure and exact (Decimal): the same facts under the same standard version give the same result.
A standard is plain data (seed/assessment_standard.json is the default); `parse_standard` checks it.
"""
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

FLAG, CHOICE, AT_MOST, AT_LEAST = "flag", "choice", "at_most", "at_least"
KINDS = (FLAG, CHOICE, AT_MOST, AT_LEAST)
SCORE, DIRECT = "score", "direct"
ZERO = Decimal(0)


class InvalidStandard(ValueError):
    """A standard that cannot be used; `code` says why, `where` names the part."""

    def __init__(self, code: str, where: str = ""):
        super().__init__(f"{where}: {code}" if where else code)
        self.code, self.where = code, where


@dataclass(frozen=True)
class Indicator:
    """One scored question: which fact it reads, in which block, and the points it gives."""

    code: str
    block: str
    kind: str
    fact: str
    points: Decimal = ZERO  # flag
    options: tuple[tuple[str, Decimal], ...] = ()  # choice: answer → points
    brackets: tuple[tuple[Decimal, Decimal], ...] = ()  # at_most / at_least: bound → points

    @cached_property
    def option_points(self) -> dict:
        """options as a dict, built once."""
        return dict(self.options)


@dataclass(frozen=True)
class Standard:
    """A district's standard for a school year, one version of it."""

    version: int
    indicators: tuple[Indicator, ...]
    block_caps: tuple[tuple[str, Decimal], ...]
    total_cap: Decimal
    thresholds: tuple[tuple[str, Decimal], ...]  # tier → lowest total, highest tier first
    lowest_tier: str
    direct: tuple[tuple[frozenset, str], ...]  # special groups → at least this tier
    tier_ranks: tuple[tuple[str, int], ...]
    dibao_line: Decimal  # per person and year

    def rank(self, tier: str | None) -> int:
        """Higher is more difficult; -1 for no tier."""
        return self._ranks.get(tier, -1)

    @cached_property
    def _ranks(self) -> dict:
        """tier_ranks as a dict, built once (a frozen dataclass without slots keeps a __dict__)."""
        return dict(self.tier_ranks)


@dataclass(frozen=True)
class Facts:
    """What the household and the pupil are, as recorded (frozen at submission)."""

    household_income: Decimal  # per year, all members
    household_size: int  # the pupil included
    parents_unable: int = 0  # supporters (present parents, else guardians) not able to provide (0–2)
    family_illness: bool = False  # serious illness or disability of a member other than the pupil
    single_parent: bool = False  # single-parent family or a parent deceased
    sudden_event: bool = False  # disaster, accident or serious illness in the last 12 months
    siblings_in_school: int = 0  # other children of the household in school
    rural: bool = False  # rural registration and residence
    groups: frozenset = field(default_factory=frozenset)  # special-group codes


class Line(NamedTuple):
    """One indicator's part of the result; `reason` is a code for the sentence shown (a tuple: a
    district's batch makes hundreds of thousands)."""

    indicator: str
    block: str
    answer: object
    points: Decimal
    reason: str


@dataclass(frozen=True)
class Assessment:
    """Total, breakdown, the tiers by score and by direct identification, and which decided."""

    standard_version: int
    total: Decimal
    lines: tuple[Line, ...]
    capped_blocks: tuple[str, ...]
    score_tier: str
    direct_tier: str | None
    direct_groups: tuple[str, ...]
    suggested_tier: str
    decided_by: str


def income_ratio(facts: Facts, dibao_line: Decimal) -> Decimal:
    """Per-capita annual income as a multiple of the local 低保 line."""
    if facts.household_size < 1:
        raise ValueError("household_size must be at least 1 (the pupil)")
    return facts.household_income / facts.household_size / dibao_line


def _answer(indicator: Indicator, facts: Facts, dibao_line: Decimal):
    """The fact an indicator reads (the income ratio is derived)."""
    if indicator.fact == "income_ratio":
        return income_ratio(facts, dibao_line)
    return getattr(facts, indicator.fact)


def score_line(indicator: Indicator, answer) -> tuple[Decimal, str]:
    """(points, reason code) of one indicator for one answer."""
    if indicator.kind == FLAG:
        return (indicator.points, "flag.yes") if answer else (ZERO, "flag.no")
    if indicator.kind == CHOICE:
        points = indicator.option_points.get(str(answer))
        return (points, "choice") if points is not None else (ZERO, "choice.none")
    for bound, points in indicator.brackets:
        if (answer <= bound) if indicator.kind == AT_MOST else (answer >= bound):
            return points, f"{indicator.kind}:{bound}"
    return ZERO, f"{indicator.kind}.none"


def _tier_by_score(standard: Standard, total: Decimal) -> str:
    """The highest tier whose lowest total is reached."""
    for tier, lowest in standard.thresholds:
        if total >= lowest:
            return tier
    return standard.lowest_tier


def _direct(standard: Standard, groups: frozenset) -> tuple[str | None, tuple[str, ...]]:
    """The highest tier a special group gives directly, and the groups that give it."""
    best, by = None, ()
    for rule_groups, tier in standard.direct:
        hit = tuple(sorted(rule_groups & groups))
        if hit and standard.rank(tier) > standard.rank(best):
            best, by = tier, hit
    return best, by


def assess(standard: Standard, facts: Facts) -> Assessment:
    """Score `facts`: points per indicator, block caps, total cap, tier by score and directly."""
    lines, subtotals = [], {}
    for indicator in standard.indicators:
        answer = _answer(indicator, facts, standard.dibao_line)
        points, reason = score_line(indicator, answer)
        lines.append(Line(indicator.code, indicator.block, answer, points, reason))
        subtotals[indicator.block] = subtotals.get(indicator.block, ZERO) + points
    total, capped = ZERO, []
    for block, cap in standard.block_caps:
        subtotal = subtotals.get(block, ZERO)
        if subtotal > cap:
            capped.append(block)
        total += min(subtotal, cap)
    if total > standard.total_cap:
        capped.append("total")
    total = min(total, standard.total_cap)
    score_tier = _tier_by_score(standard, total)
    direct_tier, direct_groups = _direct(standard, facts.groups)
    decided_by = DIRECT if standard.rank(direct_tier) > standard.rank(score_tier) else SCORE
    return Assessment(
        standard_version=standard.version, total=total, lines=tuple(lines), capped_blocks=tuple(capped),
        score_tier=score_tier, direct_tier=direct_tier, direct_groups=direct_groups,
        suggested_tier=direct_tier if decided_by == DIRECT else score_tier, decided_by=decided_by,
    )
