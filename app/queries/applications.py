"""The assessment queue's reads: a term's applications in a scope, counted by status and listed a page at a time."""
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app.models import Application, ApplicationStatus, School, Student, Tier
from app.security.scope import Scope, criterion, limit
from app.services.workflow import QUEUE

PAGE_SIZE = 50


@dataclass(frozen=True)
class Filters:
    """What the queue shows: a term, optionally one school and one status, a page."""

    term_id: int
    school_id: int | None = None
    status: ApplicationStatus | None = None
    page: int = 0


def queue_statuses() -> list[ApplicationStatus]:
    """The queue's status tabs, in the workflow's queue order (work still to do first)."""
    return [ApplicationStatus(value) for value in QUEUE]


def _where(scope: Scope, filters: Filters) -> list:
    """The term, the school chosen and the scope."""
    where = [Application.term_id == filters.term_id]
    if filters.school_id:
        where.append(Application.school_id == filters.school_id)
    scoped = criterion(Application, scope)
    return where + ([scoped] if scoped is not None else [])


def status_counts(session, scope: Scope, filters: Filters) -> dict[ApplicationStatus, int]:
    """{status: applications} of the term (and school) in the scope."""
    rows = session.execute(select(Application.status, func.count()).where(*_where(scope, filters))
                           .group_by(Application.status))
    return dict(rows.all())


def queue_rows(session, scope: Scope, filters: Filters) -> list:
    """One page of the queue (and one row more, when there is a next page), oldest application
    first, with pupil, school, score and tiers."""
    # aliased: the scope's EXISTS on School (district users) must not correlate with this join
    suggested, final, school = aliased(Tier), aliased(Tier), aliased(School)
    where = _where(scope, filters)
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
