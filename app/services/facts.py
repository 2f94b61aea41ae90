"""From a household snapshot (plain data frozen at submission) to the facts a standard scores."""
from datetime import date, timedelta
from decimal import Decimal

from app.services.scoring import Facts

PARENT_RELATIONS = ("father", "mother", "guardian")
UNWELL = ("serious_illness", "disabled")
SUDDEN_EVENT_DAYS = 365  # "in the last 12 months"


def _parents(members: list[dict]) -> list[dict]:
    """Fathers and mothers; guardians only when no parent is recorded (orphans, 事实无人抚养)."""
    parents = [m for m in members if m["relation"] in ("father", "mother")]
    return parents or [m for m in members if m["relation"] == "guardian"]


def _unable(member: dict) -> bool:
    """A parent who cannot provide: unable to work, missing or deceased."""
    return member["presence"] != "present" or member["work_ability"] == "none"


def parents_unable(members: list[dict]) -> int:
    """How many of the two parents cannot provide: 2 when none can, 1 when only one can (the other
    unable to work, missing, deceased or not in the household), else 0."""
    able = sum(1 for m in _parents(members) if not _unable(m))
    return max(0, 2 - able)


def sudden_event_recent(event_on: str | None, taken_on: str) -> bool:
    """A sudden event dated within the 12 months before the snapshot (never in its future)."""
    if not event_on:
        return False
    event, taken = date.fromisoformat(event_on), date.fromisoformat(taken_on[:10])
    return taken - timedelta(days=SUDDEN_EVENT_DAYS) <= event <= taken


def facts_from_snapshot(snapshot: dict) -> Facts:
    """Facts of an application from its snapshot (see app/commands/snapshots.py for the shape).

    Members exclude the pupil. Household size counts the pupil and every member who is not
    deceased; income is every member's annual income.
    """
    household, members = snapshot["household"], snapshot["members"]
    living = [m for m in members if m["presence"] != "deceased"]
    parents = [m for m in members if m["relation"] in ("father", "mother")]
    return Facts(
        household_income=sum((Decimal(m["annual_income"]) for m in members), Decimal(0)),
        household_size=1 + len(living),
        parents_unable=parents_unable(members),
        family_illness=any(m["health"] in UNWELL for m in living),
        single_parent=bool(household.get("single_parent"))
        or any(m["presence"] == "deceased" for m in parents),
        sudden_event=sudden_event_recent(household.get("sudden_event_on"), snapshot["taken_on"]),
        siblings_in_school=sum(1 for m in living if m["relation"] == "sibling" and m["in_school"]),
        rural=household.get("hukou_type") == "rural" and bool(household.get("lives_rural")),
        groups=_groups(household, snapshot.get("pupil") or {}),
    )


def _groups(household: dict, pupil: dict) -> frozenset:
    """The household's special groups; a pupil recorded as disabled is a 残疾学生 too."""
    groups = set(household.get("groups") or ())
    if pupil.get("disabled"):
        groups.add("disabled_student")
    return frozenset(groups)
