"""Finding the standard in force and reading it; the default standard seeded for a district and year."""
import json
from datetime import date
from functools import cache
from pathlib import Path

from flask_babel import lazy_gettext as _l

from app.context import context_of
from app.errors import DomainError
from app.models import AssessmentStandard, SchoolYear, StandardStatus, Tier
from app.security import audit
from app.services.scoring import Standard
from app.services.standards import parse_standard
from app.services.workdays import official_days

SEED = Path(__file__).resolve().parents[2] / "seed" / "assessment_standard.json"
HOLIDAYS = SEED.with_name("holidays.json")
_COMPILED: dict[tuple[int, object], Standard] = {}


class NoActiveStandard(DomainError):
    """The district has no standard in force for the school year."""


@cache
def official_calendar() -> dict:
    """seed/holidays.json: the statutory holidays and make-up working days of each year, with the
    State Council notice they come from (read once per process; never mutate)."""
    return json.loads(HOLIDAYS.read_text(encoding="utf-8"))


def calendar_years(today: date, school_year=None) -> list[int]:
    """The years whose holidays a standard seeded on `today` carries: this year and the next (from the
    clock), and the two calendar years of its school year."""
    years = {today.year, today.year + 1}
    if school_year is not None:
        years |= {school_year.start_date.year, school_year.end_date.year}
    return sorted(years)


def default_standard_data(today: date | None = None, school_year=None) -> dict:
    """The seeded default standard (seed/assessment_standard.json) as plain data; given `today`, its
    holidays and make-up working days are those of the official calendar for `calendar_years` (a
    district edits them on its standard page)."""
    data = json.loads(SEED.read_text(encoding="utf-8"))
    if today is not None:
        holidays, workdays = official_days(official_calendar(), calendar_years(today, school_year))
        data.setdefault("parameters", {}).update(holidays=holidays, workdays=workdays)
    return data


def parameters(row: AssessmentStandard) -> dict:
    """Local parameters with their defaults: notice and objection working days, class review,
    holidays and make-up working days (ISO dates)."""
    params = dict((row.data or {}).get("parameters") or {})
    params.setdefault("notice_working_days", 5)
    params.setdefault("objection_working_days", 3)
    params.setdefault("class_review", False)
    params.setdefault("holidays", [])
    params.setdefault("workdays", [])
    return params


def compiled(row: AssessmentStandard) -> Standard:
    """The scoring form of a standard row; kept per row and change time (a used one never changes)."""
    key = (row.id, row.changed_on)
    standard = _COMPILED.get(key)
    if standard is None:
        if len(_COMPILED) > 256:
            _COMPILED.clear()
        standard = _COMPILED[key] = parse_standard(row.data, row.version)
    return standard


def active_standard(session, district_id: int, school_year_id: int) -> AssessmentStandard:
    """The version in force for a district and school year, or NoActiveStandard."""
    row = session.query(AssessmentStandard).filter_by(
        district_id=district_id, school_year_id=school_year_id, status=StandardStatus.ACTIVE,
    ).order_by(AssessmentStandard.version.desc()).first()
    if row is None:
        raise NoActiveStandard(_l(
            "The district has not put an identification standard in force for this school year; "
            "ask the district office."))
    return row


def class_review_on(session, district_id: int, school_year_id: int) -> bool:
    """Whether the district asks for a class review (班级评议) before the school assesses."""
    try:
        return bool(parameters(active_standard(session, district_id, school_year_id))["class_review"])
    except NoActiveStandard:
        return False


def seed_standard(session, district_id: int, school_year_id: int, *, in_force_from=None,
                  ctx=None) -> AssessmentStandard:
    """Version 1 of the default standard, in force (now, or from `in_force_from`), unless the district
    already has one that year (seed and `aid init` code: audited in the context the session's work serves).
    Its holidays and make-up working days are the official ones of this year and the next by the
    context's clock (and of the school year's two calendar years); `ctx` when not the one the session's
    work serves (the demo's, on a day of last year)."""
    existing = session.query(AssessmentStandard).filter_by(
        district_id=district_id, school_year_id=school_year_id).order_by(AssessmentStandard.version).first()
    if existing is not None:
        return existing
    ctx = ctx or context_of(session)
    data = default_standard_data(ctx.today, session.get(SchoolYear, school_year_id))
    parse_standard(data, 1)  # the seed must be valid
    row = AssessmentStandard(district_id=district_id, school_year_id=school_year_id, version=1,
                             name=data.get("name") or "default", status=StandardStatus.ACTIVE,
                             data=data, activated_at=in_force_from or ctx.now)
    session.add(row)
    session.flush()
    audit.record(ctx, audit.CREATE, entity="assessment_standard", entity_id=row.id,
                 detail="default standard seeded")
    return row


def tier_ids(session) -> dict[str, int]:
    """{tier code: id} of the tier code list."""
    return {code: id_ for id_, code in session.query(Tier.id, Tier.code)}
