"""Demo families: who lives in a household, their health, work and incomes (drawn, not yet written)."""
from dataclasses import dataclass

from app.demo.rows import DemoRun
from app.models import Health, Relation, WorkAbility

PARENTS = (Relation.FATHER, Relation.MOTHER)


@dataclass
class Person:
    """A household member while the household is being drawn."""

    name: str
    relation: Relation
    birth_year: int
    male: bool
    health: Health = Health.HEALTHY
    work: WorkAbility = WorkAbility.FULL
    occupation: str | None = None
    income: float = 0.0
    in_school: bool = False


def _person(run: DemoRun, surname: str, relation: Relation, year: int, male: bool, age: str) -> Person:
    """A named person of generation `age` (pupil, adult, elder)."""
    kind = f"{age}_{'male' if male else 'female'}"
    return Person(surname + run.draw.given_name(kind), relation, year, male)


def draw_adults(run: DemoRun, surname: str, eldest: int, groups: list[str], poor: bool,
                urban: bool) -> list[Person]:
    """Parents (none for orphans, sometimes one) and grandparents."""
    draw, homes = run.draw, run.data["households"]
    mother_year = eldest - draw.between(21, 36)
    father_year = mother_year - draw.between(-1, 6)
    parents = [
        _person(run, surname, Relation.FATHER, father_year, True, "adult"),
        _person(run, draw.surname(), Relation.MOTHER, mother_year, False, "adult"),
    ]
    if any(code in homes["no_parent_groups"] for code in groups):
        parents = []
    elif draw.chance(homes["single_parent_share"]["poor" if poor else "other"]):
        parents = [parents[0] if draw.chance(0.45) else parents[1]]
    count = draw.table("grandparents:urban" if urban else "grandparents:rural")
    count = max(count, 1) if not parents else count
    elder_year = father_year - draw.between(22, 32)
    elders = [
        _person(run, surname, Relation.GRANDPARENT, elder_year, True, "elder"),
        _person(run, draw.surname(), Relation.GRANDPARENT, elder_year + draw.between(-1, 4), False, "elder"),
    ]
    if count == 1:
        elders = [elders[1] if draw.chance(0.6) else elders[0]]
    return parents + elders[:count]


def draw_children(run: DemoRun, surname: str, parents: list[Person]) -> list[Person]:
    """Brothers and sisters who are not primary pupils here: teenagers at school or pre-schoolers."""
    draw, jobs = run.draw, run.data["households"]["child_occupations"]
    earliest = max((p.birth_year for p in parents), default=0) + 20  # no mothers of 13
    children = []
    for _n in range(draw.table("other_children")):
        age = draw.between(13, 17) if draw.chance(0.55) else draw.between(1, 5)
        if run.today.year - age < earliest:
            age = draw.between(1, 5)
        male = draw.is_male()
        child = _person(run, surname, Relation.SIBLING, run.today.year - age, male, "pupil")
        child.work, child.in_school = WorkAbility.NONE, age >= 6
        child.occupation = jobs["in_school" if child.in_school else "preschool"]
        children.append(child)
    return children


def draw_health_and_work(run: DemoRun, people: list[Person], groups: list[str], poor: bool) -> None:
    """Health and work ability of each adult; the registers force some of them."""
    draw, homes = run.draw, run.data["households"]
    adults = [p for p in people if p.relation != Relation.SIBLING]
    parent_table = "health:parent_poor" if poor else "health:parent"
    for person in adults:
        elder = person.relation == Relation.GRANDPARENT
        person.health = Health(draw.table("health:elder" if elder else parent_table))
    if "disabled_parent" in groups:
        adults[0].health = Health.DISABLED
    if "monitor_sudden" in groups:
        adults[-1].health = Health.SERIOUS_ILLNESS
    for person in adults:
        person.work = WorkAbility(draw.table(f"work:{person.health.value}"))
        frail = run.today.year - person.birth_year >= homes["frail_age"]
        if frail and person.work == WorkAbility.FULL:
            person.work = WorkAbility.PARTIAL


def draw_occupations(run: DemoRun, people: list[Person], urban: bool, left_behind: bool) -> None:
    """Occupation and raw income of each adult from the weighted tables."""
    draw, homes = run.draw, run.data["households"]
    for person in people:
        if person.relation == Relation.SIBLING:
            continue
        elder = person.relation == Relation.GRANDPARENT
        if person.work == WorkAbility.NONE:
            table = "job:none"
        elif elder:
            table = "job:urban_elder" if urban else "job:rural_elder"
        elif person.work == WorkAbility.PARTIAL:
            table = "job:partial"
        else:
            table = "job:urban_parent" if urban else "job:rural_parent"
        name, _weight, low, high = draw.row(table)
        if left_behind and not elder and person.work == WorkAbility.FULL:
            name, low, high = homes["migrant_occupation"], 36000, 72000
        person.occupation, person.income = name, draw.uniform(low, high) if high else 0.0


def settle_incomes(run: DemoRun, people: list[Person], size: int, poor: bool) -> None:
    """Scale incomes so poor households fall under ~1.5× the 低保 line per head and others above it.

    Poor households already under their drawn target keep what they earn; one with no earnings at
    all lives on transfers (低保金, 孤儿基本生活费), booked on its first adult.
    """
    draw, homes = run.draw, run.data["households"]
    line = homes["dibao_line_per_year"]
    total = sum(p.income for p in people)
    floor = line * homes["not_poor_floor_factor"] * size
    if poor:
        target = line * draw.uniform(*homes["poor_factor"]) * size
        target = min(target, total) if total > 0 else target
    elif total < floor:
        target = floor * draw.uniform(1.0, 1.8)
    else:
        target = total
    if total > 0:
        for person in people:
            person.income *= target / total
    else:
        people[0].income = target
