"""Demo organisation: the district, its townships and villages, the schools and the fund accounts."""
import math
from dataclasses import dataclass
from itertools import count

from app.demo.rows import DemoRun
from app.models import District, FundAccount, FundSource, School

PUPILS_PER_CLASS = 45
BOARDING_SHARE = 1 / 3
# how likely each kind of school is to be among the boarding ones, and its relative size
BOARDING_WEIGHT = {"seat": 0.3, "central": 6.0, "complete": 2.0, "village": 1.0}
SIZE_RANGE = {"seat": (3.0, 5.0), "central": (1.6, 2.4), "complete": (0.9, 1.3), "village": (0.3, 0.7)}


@dataclass(frozen=True)
class SchoolPlan:
    """A demo school and what its households and pupils need: township, villages, size, classes."""

    id: int
    code: str
    name: str
    kind: str
    town: str
    villages: tuple
    streets: tuple
    has_boarding: bool
    pupils: int
    classes: int

    @property
    def is_rural(self) -> bool:
        """Only the schools of the county seat are urban."""
        return self.kind != "seat"


def district_row(run: DemoRun) -> dict:
    """The demo district (区县教育局)."""
    spec = run.data["places"]["district"]
    return {"id": run.district_id, "code": spec["code"], "name": spec["name"], **run.stamps()}


def _village_pool(run: DemoRun) -> list[str]:
    """Every village name (listed ones, then surname + suffix ones), shuffled, without repeats."""
    places, surnames = run.data["places"], run.data["names"]["surnames"]
    names = list(places["villages"])
    names += [s + suffix for s, _w in surnames for suffix in places["village_suffixes"]]
    pool = list(dict.fromkeys(names))
    run.draw.rng.shuffle(pool)
    return pool


def _kinds(run: DemoRun, count_in_town: list[int], n_schools: int) -> list[tuple[int, int, str]]:
    """(township index, rank in township, kind) of each school, in school-code order."""
    n_town = len(count_in_town)
    result = []
    for i in range(n_schools):
        town, rank = i % n_town, i // n_town
        if town == 0:
            kind = "seat" if rank < max(1, math.ceil(count_in_town[0] * 0.6)) else "village"
        elif rank == 0:
            kind = "central"
        else:
            kind = "complete" if run.draw.chance(0.3) else "village"
        result.append((town, rank, kind))
    return result


def _allocate(total: int, weights: list[float]) -> list[int]:
    """Split `total` in proportion to `weights` (largest remainder, ties by position)."""
    whole = sum(weights)
    shares = [total * w / whole for w in weights]
    counts = [int(s) for s in shares]
    by_remainder = sorted(range(len(weights)), key=lambda i: (counts[i] - shares[i], i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _boarding(run: DemoRun, kinds: list[str]) -> set[int]:
    """Indexes of the schools with boarding: a third, central schools most likely (weighted sample)."""
    keys = [(run.draw.rng.random() ** (1 / BOARDING_WEIGHT[kind]), i) for i, kind in enumerate(kinds)]
    wanted = round(len(kinds) * BOARDING_SHARE)
    return {i for _key, i in sorted(keys, reverse=True)[:wanted]}


def _name(run: DemoRun, kind: str, town: str, rank: int, village: str) -> str:
    """The school's name from the templates of seed/demo/texts.json."""
    texts = run.data["texts"]
    numerals = texts["chinese_numerals"]
    key = ("seat_first" if rank == 0 else "seat_other") if kind == "seat" else kind
    number = numerals[rank] if rank < len(numerals) else str(rank + 1)
    return texts["school_names"][key].format(
        district=run.data["places"]["district"]["name"], town=town, n=number, village=village,
        village_short=village[:-1],
    )


def plan_schools(run: DemoRun, n_schools: int, n_pupils: int) -> list[SchoolPlan]:
    """The demo schools: townships round-robin, the county seat's schools urban and larger."""
    places, draw = run.data["places"], run.draw
    n_town = max(1, min(len(places["townships"]), math.ceil(n_schools / 5)))
    count_in_town = [len(range(t, n_schools, n_town)) for t in range(n_town)]
    kinds = _kinds(run, count_in_town, n_schools)
    pool, villages, fresh = _village_pool(run), [], (f"新建{k}村" for k in count(1))
    for t in range(n_town):
        need = max(5, count_in_town[t] + 3)
        pool += [next(fresh) for _k in range(need - len(pool))]
        villages.append(tuple(pool[:need]))
        pool = pool[need:]
    sizes = [draw.uniform(*SIZE_RANGE[kind]) for _t, _r, kind in kinds]
    boarding = _boarding(run, [kind for _t, _r, kind in kinds])
    quotas = _allocate(n_pupils, sizes)
    plans = []
    for i, ((t, rank, kind), quota) in enumerate(zip(kinds, quotas, strict=True)):
        own = villages[t][rank % len(villages[t])]
        serves = (own,) if kind == "village" else villages[t]
        plans.append(SchoolPlan(
            id=run.keys.take(School.__table__), code=f"{places['school_code_prefix']}{i + 1:04d}",
            name=_name(run, kind, places["townships"][t], rank, own), kind=kind,
            town=places["townships"][t], villages=serves, streets=tuple(places["streets"]),
            has_boarding=i in boarding, pupils=quota,
            classes=max(1, math.ceil(quota / 6 / PUPILS_PER_CLASS)),
        ))
    return plans


def school_row(run: DemoRun, plan: SchoolPlan) -> dict:
    """The bulk-insert row of a planned school, with its contact person."""
    draw = run.draw
    male = draw.chance(0.4)
    contact = draw.surname() + draw.given_name("adult_male" if male else "adult_female")
    if plan.is_rural:
        address = plan.town + plan.villages[0]
    else:
        address = f"{plan.town}{draw.pick(plan.streets)}{draw.between(1, 200)}号"
    return {
        "id": plan.id, "district_id": run.district_id, "code": plan.code, "name": plan.name,
        "township": plan.town, "has_boarding": plan.has_boarding, "is_rural": plan.is_rural,
        "address": address, "contact_name": contact, "contact_phone": draw.mobile(), "active": True,
        **run.stamps(),
    }


def fund_account_rows(run: DemoRun, aid_item_id: int) -> list[dict]:
    """One district-owned living-subsidy account per source for each fiscal year from last school
    year's autumn to this term (the money of each term is in the accounts of its calendar year)."""
    texts, district = run.data["texts"], run.data["places"]["district"]
    years = sorted({run.last_term.start_date.year, run.last_term.start_date.year + 1, run.term.start_date.year})
    rows = []
    for year in years:
        for source, label in texts["fund_sources"]:
            rows.append({
                "id": run.keys.take(FundAccount.__table__),
                "code": f"{district['code']}-{year}-{source}",
                "name": texts["fund_account_name"].format(district=district["name"], year=year, source=label),
                "source": FundSource(source), "fiscal_year": year, "district_id": run.district_id,
                "school_id": None, "aid_item_id": aid_item_id, "active": True, **run.stamps(),
            })
    return rows

TABLES = (District.__table__, School.__table__, FundAccount.__table__)
