"""Finding the standard in force and reading it; the default standard seeded for a district and year."""
import json
from pathlib import Path

from flask_babel import lazy_gettext as _l

from app.context import context_of
from app.errors import DomainError
from app.models import AssessmentStandard, StandardStatus, Tier
from app.security import audit
from app.services.scoring import Standard
from app.services.standards import parse_standard

SEED = Path(__file__).resolve().parents[2] / "seed" / "assessment_standard.json"
_COMPILED: dict[tuple[int, object], Standard] = {}


class NoActiveStandard(DomainError):
    """The district has no standard in force for the school year."""


def default_standard_data() -> dict:
    """The seeded default standard (seed/assessment_standard.json) as plain data."""
    return json.loads(SEED.read_text(encoding="utf-8"))


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


def seed_standard(session, district_id: int, school_year_id: int, *, in_force_from=None) -> AssessmentStandard:
    """Version 1 of the default standard, in force (now, or from `in_force_from`), unless the district
    already has one that year (seed and `aid init` code: audited in the context the session's work serves)."""
    existing = session.query(AssessmentStandard).filter_by(
        district_id=district_id, school_year_id=school_year_id).order_by(AssessmentStandard.version).first()
    if existing is not None:
        return existing
    ctx = context_of(session)
    data = default_standard_data()
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
