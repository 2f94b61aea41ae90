"""The assessment queue: a term's applications in the user's scope, counted and listed by status."""
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app.models import Application, ApplicationStatus, School, Student, Term, Tier
from app.security.scope import Scope, criterion, limit

PAGE_SIZE = 50
# the order of the status tabs: work still to do first
QUEUE_STATUSES = (
    ApplicationStatus.SUBMITTED, ApplicationStatus.CLASS_REVIEW, ApplicationStatus.SCHOOL_REVIEW,
    ApplicationStatus.NOTICE, ApplicationStatus.APPROVED, ApplicationStatus.REJECTED,
    ApplicationStatus.RETURNED, ApplicationStatus.DRAFT, ApplicationStatus.CANCELLED,
    ApplicationStatus.ARCHIVED,
)


@dataclass(frozen=True)
class Filters:
    """What the queue shows: a term, optionally one school and one status, a page."""

    term_id: int
    school_id: int | None = None
    status: ApplicationStatus | None = None
    page: int = 0


def parse_filters(args, default_term_id: int) -> Filters:
    """Filters from the query string; unknown values fall back to the defaults."""
    def number(key):
        text = (args.get(key) or "").strip()
        return int(text) if text.isdigit() else None

    status = args.get("status") or ""
    known = {s.value: s for s in ApplicationStatus}
    return Filters(term_id=number("term") or default_term_id, school_id=number("school"),
                   status=known.get(status), page=max(0, (number("page") or 1) - 1))


def _where(filters: Filters, scope: Scope) -> list:
    """The term, the school chosen and the scope."""
    where = [Application.term_id == filters.term_id]
    if filters.school_id:
        where.append(Application.school_id == filters.school_id)
    scoped = criterion(Application, scope)
    return where + ([scoped] if scoped is not None else [])


def status_counts(session, filters: Filters, scope: Scope) -> dict:
    """{status: applications} of the term (and school) in the scope."""
    rows = session.execute(select(Application.status, func.count()).where(*_where(filters, scope))
                           .group_by(Application.status))
    return dict(rows.all())


def queue_rows(session, filters: Filters, scope: Scope) -> list:
    """One page of the queue, oldest application first, with pupil, school, score and tiers."""
    # aliased: the scope's EXISTS on School (district users) must not correlate with this join
    suggested, final, school = aliased(Tier), aliased(Tier), aliased(School)
    where = _where(filters, scope)
    if filters.status is not None:
        where.append(Application.status == filters.status)
    query = (
        select(Application.id, Application.status, Application.score, Application.standard_version,
               Application.decided_by, Student.name, Student.grade, Student.class_name,
               school.name.label("school_name"), suggested.name.label("suggested"),
               final.name.label("final"))
        .join(Student, Student.id == Application.student_id).join(school, school.id == Application.school_id)
        .outerjoin(suggested, suggested.id == Application.suggested_tier_id)
        .outerjoin(final, final.id == Application.final_tier_id)
        .where(*where).order_by(Application.id).offset(filters.page * PAGE_SIZE).limit(PAGE_SIZE + 1)
    )
    return session.execute(query).all()


def schools(session, scope: Scope) -> list:
    """The schools of the scope (for the district's school filter), by code."""
    return limit(session.query(School.id, School.name), School, scope).order_by(School.code).all()


def terms(session) -> list:
    """Every term, newest first."""
    return session.query(Term).order_by(Term.start_date.desc()).all()
