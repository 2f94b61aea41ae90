"""What-if simulation of a standard: which pupils change tier, per school, and what it costs.

Pure: plain records in (school, boarding, facts, current tier), a Standard to try, the per-term
amounts per (tier, boarding) out of the aid standards; counts and Decimal money out.
"""
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from app.services.scoring import Facts, Standard, assess

ZERO = Decimal(0)


@dataclass(frozen=True)
class Pupil:
    """One application as the simulation reads it; `current_tier` None means "not scored yet"."""

    school_id: int
    boarding: bool
    facts: Facts
    current_tier: str | None = None


@dataclass
class SchoolResult:
    """One school's (or the total's) counts and budget before and after."""

    school_id: int | None
    considered: int = 0
    moved_up: int = 0
    moved_down: int = 0
    before: Counter = field(default_factory=Counter)  # tier code → pupils
    after: Counter = field(default_factory=Counter)
    budget_before: Decimal = ZERO
    budget_after: Decimal = ZERO

    @property
    def moved(self) -> int:
        """Pupils whose tier changes either way."""
        return self.moved_up + self.moved_down

    @property
    def difference(self) -> Decimal:
        """Budget after minus before (negative: the new standard costs less)."""
        return self.budget_after - self.budget_before

    def add(self, other: "SchoolResult") -> None:
        """Add another result's counts and money into this one (for the total)."""
        self.considered += other.considered
        self.moved_up += other.moved_up
        self.moved_down += other.moved_down
        self.before.update(other.before)
        self.after.update(other.after)
        self.budget_before += other.budget_before
        self.budget_after += other.budget_after


@dataclass
class Simulation:
    """Per-school results (in school id order) and their total."""

    schools: list[SchoolResult]
    total: SchoolResult


class Tiering:
    """Tiers of facts under one standard, each distinct set of facts scored once."""

    def __init__(self, standard: Standard):
        self.standard = standard
        self._memo: dict[Facts, str] = {}

    def __call__(self, facts: Facts) -> str:
        """The suggested tier of `facts` under the standard."""
        tier = self._memo.get(facts)
        if tier is None:
            tier = self._memo[facts] = assess(self.standard, facts).suggested_tier
        return tier


def amount(amounts: dict, tier: str, boarding: bool) -> Decimal:
    """The per-term amount for a tier and boarding status (0 for tiers that get nothing)."""
    return amounts.get((tier, bool(boarding)), ZERO)


def simulate(pupils: Iterable[Pupil], after: Standard, in_force: Standard, amounts: dict) -> Simulation:
    """Score every pupil under `after` and compare with their current tier (scored under
    `in_force` when they have none yet); `amounts` maps (tier, boarding) to a per-term Decimal."""
    new_tier, old_tier = Tiering(after), Tiering(in_force)
    ranks = {**dict(in_force.tier_ranks), **dict(after.tier_ranks)}
    schools: dict[int, SchoolResult] = {}
    for pupil in pupils:
        result = schools.get(pupil.school_id)
        if result is None:
            result = schools[pupil.school_id] = SchoolResult(pupil.school_id)
        before = pupil.current_tier or old_tier(pupil.facts)
        now = new_tier(pupil.facts)
        result.considered += 1
        result.before[before] += 1
        result.after[now] += 1
        rise = ranks.get(now, -1) - ranks.get(before, -1)
        result.moved_up += rise > 0
        result.moved_down += rise < 0
        result.budget_before += amount(amounts, before, pupil.boarding)
        result.budget_after += amount(amounts, now, pupil.boarding)
    total = SchoolResult(None)
    ordered = [schools[k] for k in sorted(schools)]
    for result in ordered:
        total.add(result)
    return Simulation(ordered, total)
