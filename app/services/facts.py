"""From a household snapshot (plain data frozen at submission) to the facts a standard scores."""
import json
from dataclasses import fields
from datetime import date, timedelta
from decimal import Decimal

from app.services.scoring import Facts

# The version of the rules below. Bump it whenever facts_from_snapshot gives other facts for some
# snapshot: a stored facts record of another version is then ignored and the snapshot read again
# (tests/services/test_facts_record.py pins the records of sample snapshots to catch a forgotten bump).
FACTS_RULES = 1
_FIELDS = tuple(f.name for f in fields(Facts))

UNWELL = ("serious_illness", "disabled")
SUDDEN_EVENT_DAYS = 365  # "in the last 12 months"
SUPPORTING = ("father", "mother", "guardian")  # relations a household must record one of (or say why not)
NO_ONE_TO_PROVIDE = ("orphan", "parents_missing")  # reasons for none recorded that mean no one provides


def _household(members: list[dict]) -> list[dict]:
    """Members the household's income feeds: neither deceased nor absent (docs/household-facts.md)."""
    return [m for m in members if m["presence"] == "present"]


def _supporters(members: list[dict]) -> list[dict]:
    """Who actually supports the pupil: the present fathers and mothers, else the present guardians."""
    present = _household(members)
    parents = [m for m in present if m["relation"] in ("father", "mother")]
    return parents or [m for m in present if m["relation"] == "guardian"]


def records_a_supporter(members: list) -> bool:
    """Whether a father, mother or guardian is recorded at all (deceased and absent ones too); members
    as snapshot dicts or as objects with a `relation` enum."""
    return any(_relation(m) in SUPPORTING for m in members)


def _relation(member) -> str:
    """The member's relation code, from a snapshot dict or a model row."""
    relation = member["relation"] if isinstance(member, dict) else member.relation
    return getattr(relation, "value", relation)


def parents_unable(members: list[dict], no_parent_reason: str | None = None) -> int:
    """How many of the pupil's two supporters cannot provide: 2 when none can, 1 when only one can (the
    other unable to work, absent, deceased or not recorded), else 0.

    When no father, mother or guardian is recorded at all, only the household's reason decides: an
    orphan, or both parents' whereabouts unknown, is 2; no reason, or another one, is 0 — a parent nobody
    entered is not a parent who cannot work (docs/household-facts.md, rule 5)."""
    if not records_a_supporter(members):
        return 2 if no_parent_reason in NO_ONE_TO_PROVIDE else 0
    able = sum(1 for m in _supporters(members) if m["work_ability"] != "none")
    return max(0, 2 - able)


def sudden_event_within(event_on: date | None, day: date) -> bool:
    """The one window of a sudden event: dated within the 12 months up to `day`, never after it. The
    scorer asks it on the snapshot's day, submission on the day a mid-year application is submitted."""
    return event_on is not None and day - timedelta(days=SUDDEN_EVENT_DAYS) <= event_on <= day


def sudden_event_window(day: date) -> tuple[date, date]:
    """The first and last day a sudden event may be dated to count on `day`."""
    return day - timedelta(days=SUDDEN_EVENT_DAYS), day


def sudden_event_recent(event_on: str | None, taken_on: str) -> bool:
    """A sudden event dated within the 12 months before the snapshot (never in its future)."""
    if not event_on:
        return False
    return sudden_event_within(date.fromisoformat(event_on), date.fromisoformat(taken_on[:10]))


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
        parents_unable=parents_unable(members, household.get("no_parent_reason")),
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


def facts_record(snapshot: dict) -> str:
    """The facts of a snapshot as compact JSON text, the rules' version first: stored with the
    snapshot (Application.snapshot_facts), so scoring a district reads a few bytes per application
    and pupils whose facts are alike share one text. Equal facts give equal texts."""
    facts = facts_from_snapshot(snapshot)
    return json.dumps([FACTS_RULES, *(_plain(getattr(facts, name)) for name in _FIELDS)],
                      separators=(",", ":"), ensure_ascii=False)


def _plain(value):
    """A fact as JSON holds it: an amount as its exact text, groups sorted."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, frozenset):
        return sorted(value)
    return value


def facts_from_record(record: str | None) -> Facts | None:
    """The facts a stored record holds; None when there is none or it was written under other rules
    (the snapshot is then read again)."""
    if not record:
        return None
    values = json.loads(record)
    if values[0] != FACTS_RULES or len(values) != 1 + len(_FIELDS):
        return None
    found = dict(zip(_FIELDS, values[1:], strict=True))
    found["household_income"], found["groups"] = Decimal(found["household_income"]), frozenset(found["groups"])
    return Facts(**found)
