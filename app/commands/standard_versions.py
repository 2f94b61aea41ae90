"""The district's versions of its identification standard: new drafts, edits, activation, deletion.

A version that is in force, retired, or was used to score an application never changes: editing
means copying it into a new draft. Every change is audited as one "assessment_standard" event.
"""
import copy
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from app.commands.locking import lock_one
from app.commands.standards import default_standard_data
from app.context import Context
from app.errors import STALE, DomainError, FieldErrors, NotFound
from app.models import Application, AssessmentStandard, District, SchoolYear, SpecialGroup, StandardStatus
from app.security import audit
from app.security.scope import Scope, limit
from app.services.scoring import InvalidStandard
from app.services.standards import parse_standard

ENTITY = "assessment_standard"
PROBLEMS = {
    "number": _l("must be a number, 0 or more"),
    "brackets.empty": _l("needs at least one bound with its points"),
    "brackets.order": _l("bounds must be different and in order (rising for “at most”, falling for “at least”)"),
    "options.empty": _l("needs points for at least one answer"),
    "indicators.empty": _l("the standard needs at least one indicator"),
    "indicator.kind": _l("unknown kind of indicator"),
    "indicator.fact": _l("reads a fact the system does not record"),
    "indicator.block": _l("belongs to a block without a cap"),
    "thresholds.tier": _l("need at least one tier with its lowest total"),
    "thresholds.order": _l("a higher tier needs a higher lowest total"),
    "lowest_tier": _l("the lowest tier is unknown"),
    "direct": _l("each rule needs a tier and at least one special group"),
}


class StandardNotFound(NotFound):
    """No such standard version in the user's district."""


class StandardLocked(DomainError):
    """The version is in force, retired or used: it cannot change."""


def load(ctx: Context, standard_id: int, *, lock: bool = False) -> AssessmentStandard:
    """The version if the context's scope reads it (its district), else StandardNotFound; `lock`
    before a change."""
    session = ctx.session
    query = limit(session.query(AssessmentStandard), AssessmentStandard, ctx.scope).filter(
        AssessmentStandard.id == standard_id)
    row = lock_one(session, query, AssessmentStandard, standard_id) if lock else query.one_or_none()
    if row is None:
        raise StandardNotFound(_l("No such identification standard, or it is not your district's."))
    return row


def _district_only(scope: Scope, district_id: int | None) -> None:
    """Only a district-wide user of that district (or everything) changes its standards."""
    if scope.everything or (scope.school_id is None and district_id is not None
                            and scope.district_id == district_id):
        return
    raise StandardNotFound(_l("No such identification standard, or it is not your district's."))


def _lock_district(session, district_id: int) -> None:
    """Serialise the district's new versions and activations (two at once would share a number,
    or both be put in force)."""
    lock_one(session, session.query(District.id).filter(District.id == district_id), District, district_id)


def _next_version(session, district_id: int, school_year_id: int) -> int:
    """One more than the highest version of the district and year."""
    highest = session.query(func.max(AssessmentStandard.version)).filter_by(
        district_id=district_id, school_year_id=school_year_id).scalar()
    return (highest or 0) + 1


def _summary(row: AssessmentStandard) -> dict:
    """The audited fields of a version."""
    return {"version": row.version, "status": row.status, "name": row.name, "school_year_id": row.school_year_id}


def _new_draft(ctx: Context, *, district_id: int, school_year_id: int, name: str, data: dict,
               detail: str) -> AssessmentStandard:
    """Insert a draft version (audited once)."""
    session = ctx.session
    if session.get(SchoolYear, school_year_id) is None:
        raise FieldErrors({"school_year": [_l("is required")]})
    _lock_district(session, district_id)
    row = AssessmentStandard(district_id=district_id, school_year_id=school_year_id, name=name[:64],
                             version=_next_version(session, district_id, school_year_id),
                             status=StandardStatus.DRAFT, data=copy.deepcopy(data))
    with audit.paused(session):
        session.add(row)
        session.flush()
    audit.record(ctx, audit.CREATE, entity=ENTITY, entity_id=row.id, detail=detail, new=_summary(row))
    return row


def create_from_default(ctx: Context, *, district_id: int, school_year_id: int) -> AssessmentStandard:
    """A new draft holding the seeded default standard."""
    if district_id is None:
        raise FieldErrors({"district": [_l("is required")]})
    _district_only(ctx.scope, district_id)
    data = default_standard_data(ctx.today)  # with the official holidays of this year and the next
    return _new_draft(ctx, district_id=district_id, school_year_id=school_year_id,
                      name=data.get("name") or "default", data=data, detail="draft from the default standard")


def copy_version(ctx: Context, standard_id: int, *, school_year_id: int | None = None) -> AssessmentStandard:
    """A new draft with the same data, in the same school year or another (last year's into this)."""
    source = load(ctx, standard_id)
    _district_only(ctx.scope, source.district_id)
    return _new_draft(ctx, district_id=source.district_id, school_year_id=school_year_id or source.school_year_id,
                      name=source.name, data=source.data, detail=f"copy of v{source.version}")


def _editable(ctx: Context, standard_id: int) -> AssessmentStandard:
    """A draft never used, in the user's district, else StandardLocked / StandardNotFound."""
    row = load(ctx, standard_id, lock=True)
    _district_only(ctx.scope, row.district_id)
    if row.status is not StandardStatus.DRAFT or row.first_used_at is not None:
        raise StandardLocked(_l("This version is in force, replaced or already used to score applications; "
                                "make a new draft from it to change the standard."))
    return row


def check_data(session, data: dict, version: int) -> None:
    """FieldErrors keyed by the part (an indicator code, "blocks.<code>", "thresholds", "total_cap",
    "direct", a parameter) when the standard cannot be scored or its parameters are wrong."""
    try:
        parse_standard(data, version)
    except InvalidStandard as bad:
        raise FieldErrors({bad.where or "standard": [PROBLEMS.get(bad.code, bad.code)]}) from None
    errors = _parameter_errors(data.get("parameters") or {})
    known = {code for (code,) in session.query(SpecialGroup.code)}
    if any(set(rule.get("groups") or ()) - known for rule in data.get("direct") or ()):
        errors.setdefault("direct", []).append(_l("names an unknown special group"))
    if errors:
        raise FieldErrors(errors)


def _parameter_errors(params: dict) -> dict:
    """Working days are whole numbers from 1 to 30; holidays and make-up days are ISO dates."""
    errors = {}
    for key in ("notice_working_days", "objection_working_days"):
        value = params.get(key, 1)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 30:
            errors[key] = [_l("must be a whole number from 1 to 30")]
    for key in ("holidays", "workdays"):
        for text in params.get(key) or ():
            try:
                date.fromisoformat(str(text))
            except ValueError:
                errors.setdefault(key, []).append(_l("“%(text)s” is not a date (YYYY-MM-DD)", text=text))
    return errors


def update_draft(ctx: Context, standard_id: int, *, data: dict, name: str, notes: str = "",
                 row_version: int | None = None) -> AssessmentStandard:
    """Replace a draft's data, name and notes after checking that the standard can be scored;
    refused when the draft changed since the form showed it (`row_version`)."""
    session = ctx.session
    row = _editable(ctx, standard_id)
    if row_version is not None and row_version != row.row_version:
        raise FieldErrors({"standard": [STALE]})
    if not (name or "").strip():
        raise FieldErrors({"name": [_l("is required")]})
    check_data(session, data, row.version)
    old = {"name": row.name, "notes": row.notes, "data": row.data}
    with audit.paused(session):
        row.name, row.notes, row.data = name.strip()[:64], (notes or "").strip() or None, copy.deepcopy(data)
        session.flush()
    audit.record(ctx, audit.UPDATE, entity=ENTITY, entity_id=row.id, detail=f"v{row.version} edited", old=old,
                 new={"name": row.name, "notes": row.notes, "data": row.data})
    return row


def activate(ctx: Context, standard_id: int) -> AssessmentStandard:
    """Put a draft in force now; the version in force before is retired (its applications keep it)."""
    session = ctx.session
    row = _editable(ctx, standard_id)
    check_data(session, row.data, row.version)
    _lock_district(session, row.district_id)
    previous = session.query(AssessmentStandard).filter_by(
        district_id=row.district_id, school_year_id=row.school_year_id, status=StandardStatus.ACTIVE).all()
    with audit.paused(session):
        for old in previous:
            old.status = StandardStatus.RETIRED
        row.status, row.activated_at = StandardStatus.ACTIVE, ctx.now
        session.flush()
    audit.record(ctx, audit.UPDATE, entity=ENTITY, entity_id=row.id, detail=f"v{row.version} put in force",
                 old={"retired": [p.version for p in previous]}, new=_summary(row))
    return row


def delete_draft(ctx: Context, standard_id: int) -> None:
    """Delete a draft that was never used."""
    session = ctx.session
    row = _editable(ctx, standard_id)
    summary = _summary(row)
    with audit.paused(session):
        session.delete(row)
        session.flush()
    audit.record(ctx, audit.DELETE, entity=ENTITY, entity_id=standard_id,
                 detail=f"draft v{summary['version']} deleted", old=summary)


def scored_with(session, standard_id: int) -> int:
    """How many applications were scored with a version (they keep it whatever comes next)."""
    return session.query(func.count(Application.id)).filter(Application.standard_id == standard_id).scalar()
