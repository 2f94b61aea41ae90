"""Demo data: the seed/demo/ JSON files and the seeded random draws made from them."""
import json
from bisect import bisect_right
from datetime import date, timedelta
from functools import cache
from itertools import accumulate
from pathlib import Path
from random import Random

DEMO_DIR = Path(__file__).resolve().parents[2] / "seed" / "demo"


@cache
def load_demo_data() -> dict:
    """The demo files by stem (names, places, households, texts), read once per process; never mutate."""
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(DEMO_DIR.glob("*.json"))}


class Weighted:
    """A weighted list drawn with one random number and a binary search (no per-draw allocation)."""

    def __init__(self, items, weight_index: int = 1):
        """Keep `items` (sequences whose element `weight_index` is the weight) with cumulative weights."""
        self.items = [tuple(item) for item in items]
        self.cum = list(accumulate(float(item[weight_index]) for item in self.items))

    def pick(self, rng: Random) -> tuple:
        """One item, with probability proportional to its weight."""
        index = bisect_right(self.cum, rng.random() * self.cum[-1])
        return self.items[min(index, len(self.items) - 1)]

    def first(self, rng: Random):
        """The first field (the value) of one weighted item."""
        return self.pick(rng)[0]


class Draw:
    """Every random choice of one demo run, all from a single `random.Random(seed)`."""

    def __init__(self, seed: int, data: dict):
        """Build the generator and the weighted tables used on every household."""
        self.rng = Random(seed)
        names, homes = data["names"], data["households"]
        self.given = names["given"]
        self.two_char_share = names["two_char_given_share"]
        self.male_share = names["male_share_at_birth"]
        self.surnames = Weighted(names["surnames"])
        self.mobile_prefixes = homes["mobile_prefixes"]
        self.tables = {
            key: Weighted(homes[key])
            for key in ("pupils_per_household", "other_children", "ethnicities", "banks", "pupil_status")
        }
        self.tables.update({f"health:{k}": Weighted(v) for k, v in homes["health"].items()})
        self.tables.update({f"work:{k}": Weighted(v) for k, v in homes["work_ability_by_health"].items()})
        self.tables.update({f"grandparents:{k}": Weighted(v) for k, v in homes["grandparents"].items()})
        self.tables.update({f"job:{k}": Weighted(v) for k, v in homes["occupations"].items()})

    def chance(self, share: float) -> bool:
        """True with probability `share`."""
        return self.rng.random() < share

    def between(self, low: int, high: int) -> int:
        """An integer in [low, high]."""
        return self.rng.randint(low, high)

    def uniform(self, low: float, high: float) -> float:
        """A float in [low, high]."""
        return self.rng.uniform(low, high)

    def pick(self, seq):
        """One element of a sequence, uniformly."""
        return seq[self.rng.randrange(len(seq))]

    def table(self, name: str):
        """The value drawn from the weighted table `name`."""
        return self.tables[name].first(self.rng)

    def row(self, name: str) -> tuple:
        """The whole row drawn from the weighted table `name` (e.g. an occupation and its income range)."""
        return self.tables[name].pick(self.rng)

    def day_between(self, first: date, last: date) -> date:
        """A day in [first, last]."""
        return first + timedelta(days=self.rng.randrange((last - first).days + 1))

    def surname(self) -> str:
        """A surname, drawn by its frequency in the population."""
        return self.surnames.first(self.rng)

    def given_name(self, kind: str) -> str:
        """One or two given-name characters of `kind` (pupil_male, adult_female, elder_male …)."""
        chars = self.given[kind]
        if self.chance(self.two_char_share):
            return "".join(self.rng.sample(chars, 2))
        return self.pick(chars)

    def is_male(self) -> bool:
        """The sex of a newborn, at the sex ratio of the pupils' birth years."""
        return self.chance(self.male_share)

    def mobile(self) -> str:
        """A mainland mobile number (1[3-9] + 9 digits)."""
        return self.pick(self.mobile_prefixes) + f"{self.rng.randrange(10**8):08d}"
