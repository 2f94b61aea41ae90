"""From a household snapshot (plain data frozen at submission) to the facts a standard scores."""
from datetime import date, timedelta
from decimal import Decimal

from app.services.scoring import Facts

UNWELL = ("serious_illness", "disabled")
SUDDEN_EVENT_DAYS = 365  # "in the last 12 months"


def _household(members: list[dict]) -> list[dict]:
    """Members the household's income feeds: neither deceased nor absent (docs/household-facts.md)."""
    return [m for m in members if m["presence"] == "present"]


def _supporters(members: list[dict]) -> list[dict]:
    """Who actually supports the pupil: the present fathers and mothers, else the present guardians."""
    present = _household(members)
    parents = [m for m in present if m["relation"] in ("father", "mother")]
    return parents or [m for m in present if m["relation"] == "guardian"]


def parents_unable(members: list[dict]) -> int:
    """How many of the pupil's two supporters cannot provide: 2 when none can, 1 when only one can (the
    other unable to work, absent, deceased or not recorded), else 0."""
    able = sum(1 for m in _supporters(members) if m["work_ability"] != "none")
    return max(0, 2 - able)


def sudden_event_recent(event_on: str | None, taken_on: str) -> bool:
    """A sudden event dated within the 12 months before the snapshot (never in its future)."""
    if not event_on:
        return False
    event, taken = date.fromisoformat(event_on), date.fromisoformat(taken_on[:10])
    return taken - timedelta(days=SUDDEN_EVENT_DAYS) <= event <= taken


def facts_from_snapshot(snapshot: dict) -> Facts:
    """Facts of an application from its snapshot (see app/commands/snapshots.py for the shape).

    Members exclude the pupil. Size, income, illness and siblings count the pupil's household: the
    members present, never a deceased or absent one (docs/household-facts.md).
    """
    household, members = snapshot["household"], snapshot["members"]
    present = _household(members)
    parents = [m for m in members if m["relation"] in ("father", "mother")]
    return Facts(
        household_income=sum((Decimal(m["annual_income"]) for m in present), Decimal(0)),
        household_size=1 + len(present),
        parents_unable=parents_unable(members),
        family_illness=any(m["health"] in UNWELL for m in present),
        single_parent=bool(household.get("single_parent"))
        or any(m["presence"] == "deceased" for m in parents),
        sudden_event=sudden_event_recent(household.get("sudden_event_on"), snapshot["taken_on"]),
        siblings_in_school=sum(1 for m in present if m["relation"] == "sibling" and m["in_school"]),
        rural=household.get("hukou_type") == "rural" and bool(household.get("lives_rural")),
        groups=_groups(household, snapshot.get("pupil") or {}),
    )


def _groups(household: dict, pupil: dict) -> frozenset:
    """The household's special groups; a pupil recorded as disabled is a 残疾学生 too."""
    groups = set(household.get("groups") or ())
    if pupil.get("disabled"):
        groups.add("disabled_student")
    return frozenset(groups)
