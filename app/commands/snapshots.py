"""The household facts frozen on an application at submission (plain data, JSON-safe)."""
from datetime import datetime

from app.clock import local_time
from app.models import Household, Student


def _member(member) -> dict:
    """One member as the scoring facts read it."""
    return {
        "name": member.name,
        "relation": member.relation.value,
        "birth_year": member.birth_year,
        "work_ability": member.work_ability.value,
        "health": member.health.value,
        "presence": member.presence.value,
        "annual_income": str(member.annual_income),
        "in_school": bool(member.in_school),
        "occupation": member.occupation,
    }


def take_snapshot(student: Student, household: Household, taken_at: datetime) -> dict:
    """Household, members (never the pupil), special groups and the pupil's class, as of now.

    `taken_at` is a moment (aware UTC; naive taken as UTC); the snapshot records the local (China)
    time without its zone (as always stored), whose day the 12-month window of a sudden event is
    counted from.
    """
    return {
        "taken_on": local_time(taken_at).replace(tzinfo=None).isoformat(timespec="seconds"),
        "pupil": {"grade": student.grade, "class_name": student.class_name,
                  "boarding": bool(student.boarding), "disabled": bool(student.disabled)},
        "household": {
            "id": household.id,
            "hukou_type": household.hukou_type.value,
            "lives_rural": bool(household.lives_rural),
            "single_parent": bool(household.single_parent),
            "sudden_event_on": household.sudden_event_on.isoformat() if household.sudden_event_on else None,
            "sudden_event": household.sudden_event,
            "groups": sorted(g.code for g in household.special_groups),
            # why no parent or guardian is recorded; only when marked, so older snapshots read the same
            **({"no_parent_reason": household.no_parent_reason.value, "no_parent_note": household.no_parent_note}
               if household.no_parent_reason else {}),
        },
        "members": [_member(m) for m in household.members],
    }
