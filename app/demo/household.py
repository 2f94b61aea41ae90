"""Demo households: special groups, guardian, address, payee, notes, and the rows of a drawn family."""
from dataclasses import dataclass
from datetime import date, timedelta

from app.demo.family import (
    PARENTS,
    Person,
    draw_adults,
    draw_children,
    draw_health_and_work,
    draw_occupations,
    settle_incomes,
)
from app.demo.org import SchoolPlan
from app.demo.rows import DemoRun, bank_account, yuan
from app.models import (
    Health,
    Household,
    HouseholdMember,
    HukouType,
    NoParentReason,
    Relation,
    WorkAbility,
    household_special_group,
)

TABLES = (Household.__table__, HouseholdMember.__table__, household_special_group)


@dataclass(frozen=True)
class HouseholdFacts:
    """What the pupils and their applications need from a written household."""

    id: int
    surname: str
    ethnicity: str
    groups: tuple
    poor: bool
    reasons: tuple = ()


def draw_groups(run: DemoRun) -> list[str]:
    """Special-group codes: at most one from each mutually exclusive set of seed/demo/households.json."""
    groups = []
    for options in run.data["households"]["special_group_draws"]:
        roll, bound = run.draw.rng.random(), 0.0
        for code, rate in options:
            bound += rate
            if roll < bound:
                groups.append(code)
                break
    return groups


def _is_poor(run: DemoRun, groups: list[str]) -> bool:
    """Income under the poverty threshold: the registers imply it, a few others are poor unlisted."""
    homes = run.data["households"]
    if any(code in homes["poor_groups"] for code in groups):
        return True
    if "poverty_alleviated" in groups:
        return run.draw.chance(homes["poor_share_of_poverty_alleviated"])
    return run.draw.chance(homes["hidden_poor_share"])


def _address(run: DemoRun, school: SchoolPlan) -> str:
    """XX镇XX村X组 in the countryside, a street and number in the county seat."""
    draw = run.draw
    if school.is_rural:
        return f"{school.town}{draw.pick(school.villages)}{draw.between(1, 12)}组"
    return f"{school.town}{draw.pick(school.streets)}{draw.between(1, 300)}号"


def home_code(run: DemoRun) -> str:
    """The address code of a resident ID: this county, or for a few people somewhere else."""
    places = run.data["places"]
    if run.draw.chance(places["born_elsewhere_share"]):
        return run.draw.pick(places["other_address_codes"])
    return run.address_code


def _guardian(run: DemoRun, people: list[Person], left_behind: bool) -> Person:
    """Grandparent for left-behind and parentless children, else the father more often than the mother."""
    parents = [p for p in people if p.relation in PARENTS]
    elders = [p for p in people if p.relation == Relation.GRANDPARENT]
    if elders and (left_behind or not parents):
        return run.draw.pick(elders)
    if len(parents) == 2 and run.draw.chance(0.4):
        return parents[1]
    return parents[0]


def _reasons(people: list[Person], groups: list[str], n_pupils: int, poor: bool,
             left_behind: bool) -> tuple:
    """Reason codes of seed/demo/texts.json an application from this household would give."""
    codes = list(groups)
    health = {p.health for p in people}
    if Health.SERIOUS_ILLNESS in health:
        codes.append("serious_illness")
    elif Health.CHRONIC in health:
        codes.append("chronic")
    if sum(p.relation in PARENTS for p in people) == 1:
        codes.append("single_parent")
    if left_behind:
        codes.append("left_behind")
    if any(p.relation == Relation.GRANDPARENT and p.work != WorkAbility.FULL for p in people):
        codes.append("elders")
    if n_pupils + sum(p.in_school for p in people) >= 2:
        codes.append("siblings")
    if poor:
        codes.append("low_income")
    return tuple(codes)


def _notes(run: DemoRun, people: list[Person], left_behind: bool) -> str | None:
    """A short note for the officer: left-behind, single-parent, parentless, serious illness."""
    notes, parents = run.data["texts"]["notes"], sum(p.relation in PARENTS for p in people)
    parts = []
    if parents == 0:
        parts.append(notes["no_parent"])
    elif left_behind:
        parts.append(notes["left_behind"])
    elif parents == 1:
        parts.append(notes["single_parent"])
    if any(p.health == Health.SERIOUS_ILLNESS for p in people):
        parts.append(notes["serious_illness"])
    return "".join(parts) or None


def _sudden_event(run: DemoRun, groups: list[str]) -> tuple[date | None, str | None]:
    """A disaster, accident or illness in the last year: always for 突发严重困难户, rarely otherwise."""
    draw, homes = run.draw, run.data["households"]
    poor = any(code in homes["poor_groups"] for code in groups)
    if "monitor_sudden" not in groups and not draw.chance(homes["sudden_event_share"]["poor" if poor else "other"]):
        return None, None
    return run.today - timedelta(days=draw.between(20, 330)), draw.pick(homes["sudden_events"])


NO_PARENT_REASONS = {"orphan": NoParentReason.ORPHAN, "de_facto_orphan": NoParentReason.PARENTS_MISSING}


def _no_parent(run: DemoRun, people: list[Person], groups: list[str]) -> dict:
    """Why a household with no father, mother or guardian recorded has none (submission asks for it)."""
    if any(p.relation in PARENTS or p.relation == Relation.GUARDIAN for p in people):
        return {"no_parent_reason": None, "no_parent_note": None}
    reason = next((NO_PARENT_REASONS[code] for code in groups if code in NO_PARENT_REASONS),
                  NoParentReason.OTHER)
    note = run.data["texts"]["notes"]["no_parent"] if reason == NoParentReason.OTHER else None
    return {"no_parent_reason": reason, "no_parent_note": note}


def _write(run: DemoRun, hid: int, school: SchoolPlan, people: list[Person], guardian: Person,
           groups: list[str], notes: str | None) -> None:
    """Queue the household, its members and its special groups."""
    draw, homes = run.draw, run.data["households"]
    hukou_share = homes["urban_hukou_share"]["rural_school" if school.is_rural else "urban_school"]
    urban_hukou = draw.chance(hukou_share)
    birth = draw.day_between(date(guardian.birth_year, 1, 1), date(guardian.birth_year, 12, 31))
    banked = draw.chance(homes["with_bank_account_share"])
    event_on, event = _sudden_event(run, groups)
    run.writer.add(Household.__table__, {
        "id": hid, "district_id": run.district_id, "guardian_name": guardian.name,
        "guardian_id_number": run.ids.make(home_code(run), birth, guardian.male),
        "phone": draw.mobile(), "address": _address(run, school),
        "hukou_type": HukouType.URBAN if urban_hukou else HukouType.RURAL,
        "lives_rural": school.is_rural, "payee_name": guardian.name if banked else None,
        "bank_name": draw.table("banks") if banked else None,
        "bank_account": bank_account(homes["bank_account_prefix"], hid) if banked else None,
        "notes": notes, "single_parent": sum(p.relation in PARENTS for p in people) == 1,
        "sudden_event_on": event_on, "sudden_event": event, **_no_parent(run, people, groups),
        **run.stamps(),
    })
    for p in people:
        run.writer.add(HouseholdMember.__table__, {
            "id": run.keys.take(HouseholdMember.__table__), "household_id": hid, "name": p.name,
            "relation": p.relation, "birth_year": p.birth_year, "work_ability": p.work,
            "health": p.health, "annual_income": yuan(p.income), "occupation": p.occupation,
            "in_school": p.in_school, **run.stamps(),
        })
    for code in groups:
        run.writer.add(household_special_group,
                       {"household_id": hid, "special_group_id": run.group_ids[code]})


def build_household(run: DemoRun, school: SchoolPlan, grades: list[int]) -> HouseholdFacts:
    """Draw and queue one household whose pupils at `school` will be in `grades`."""
    draw, homes = run.draw, run.data["households"]
    hid = run.keys.take(Household.__table__)
    groups = draw_groups(run)
    poor = _is_poor(run, groups)
    surname = draw.surname()
    people = draw_adults(run, surname, run.year_start - 6 - max(grades), groups, poor, not school.is_rural)
    left_behind = (school.is_rural and sum(p.relation in PARENTS for p in people) == 2
                   and len(people) > 2 and draw.chance(homes["left_behind_share_rural"]))
    people += draw_children(run, surname, [p for p in people if p.relation in PARENTS])
    draw_health_and_work(run, people, groups, poor)
    draw_occupations(run, people, not school.is_rural, left_behind)
    settle_incomes(run, people, len(people) + len(grades), poor)
    guardian = _guardian(run, people, left_behind)
    _write(run, hid, school, people, guardian, groups, _notes(run, people, left_behind))
    return HouseholdFacts(
        id=hid, surname=surname, ethnicity=draw.table("ethnicities"), groups=tuple(groups), poor=poor,
        reasons=_reasons(people, groups, len(grades), poor, left_behind),
    )
