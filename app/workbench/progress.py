"""Each school's progress with a term's applications, in a handful of aggregate queries."""
from sqlalchemy import select

from app.models import Term
from app.security.scope import Scope
from app.services.progress import ProgressTable, SchoolProgress, rank_schools
from app.workbench.cache import kept
from app.workbench.counts import (
    DECIDED,
    IN_REVIEW,
    NOT_SUBMITTED,
    application_counts,
    pupils_not_enrolled,
    schools_with_pupils,
)


def _sum(counts: dict, school_id: int, statuses) -> int:
    """Applications of one school in any of `statuses`."""
    return sum(counts.get((school_id, status), 0) for status in statuses)


def school_progress(session, scope: Scope, term_id: int, counts: dict | None = None) -> ProgressTable:
    """The progress table of the scope's schools for a term (`counts`: already queried ones)."""
    if counts is None:
        counts = application_counts(session, scope, term_id)
    left = kept("not_enrolled", session, scope, lambda: pupils_not_enrolled(session, scope))
    schools = kept("schools", session, scope, lambda: schools_with_pupils(session, scope))
    rows = [
        SchoolProgress(
            school_id=school_id, name=name, district_id=district_id, pupils=pupils - left[school_id],
            not_submitted=_sum(counts, school_id, NOT_SUBMITTED), in_review=_sum(counts, school_id, IN_REVIEW),
            decided=_sum(counts, school_id, DECIDED),
        )
        for school_id, name, district_id, pupils in schools
    ]
    return rank_schools(rows)


def terms(session) -> list[Term]:
    """Every term, newest first, for the report's term selector (a handful of rows a year)."""
    return list(session.scalars(select(Term).order_by(Term.start_date.desc())))


def find_term(session, term_id) -> Term | None:
    """A term by id (None for a missing or malformed id)."""
    try:
        return session.get(Term, int(term_id))
    except (TypeError, ValueError):
        return None
