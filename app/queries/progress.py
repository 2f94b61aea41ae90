"""Applications counted in SQL, never rows: a term's counts per school and status, and each school's
progress (the workbench's to-dos and cards, the progress report, soon the dashboards)."""
from collections import Counter

from sqlalchemy import func, select

from app.models import Application, ApplicationStatus
from app.queries.pupils import enrolled_per_school
from app.security.scope import Scope, limit
from app.services import workflow
from app.services.progress import ProgressTable, SchoolProgress, rank_schools

Counts = dict[tuple[int, ApplicationStatus], int]  # (school id, status) → applications


def application_counts(session, scope: Scope, term_id: int) -> Counts:
    """(school id, status) → number of the term's applications inside the scope.

    One GROUP BY read from the (school_id, term_id, status) index alone.
    """
    query = (select(Application.school_id, Application.status, func.count())
             .where(Application.term_id == term_id)
             .group_by(Application.school_id, Application.status))
    rows = session.execute(limit(query, Application, scope)).all()
    return {(school_id, status): n for school_id, status, n in rows}


def midyear_totals(session, scope: Scope, term_id: int) -> Counter:
    """Status → the term's mid-year applications in the scope (once the window has closed, the only
    ones a school can still submit)."""
    query = (select(Application.status, func.count())
             .where(Application.term_id == term_id, Application.is_midyear.is_(True))
             .group_by(Application.status))
    return Counter(dict(session.execute(limit(query, Application, scope)).all()))


def status_totals(counts: Counts) -> Counter:
    """Status → number, summed over the schools."""
    totals: Counter = Counter()
    for (_school_id, status), n in counts.items():
        totals[status] += n
    return totals


def _sum(counts: Counts, school_id: int, group: tuple[str, ...]) -> int:
    """Applications of one school in any state of a workflow group."""
    return sum(counts.get((school_id, ApplicationStatus(status)), 0) for status in group)


def archived_approved(session, scope: Scope, term_id: int) -> dict[int, int]:
    """School id → the term's archived applications that had been approved (the others were rejected)."""
    query = (select(Application.school_id, func.count())
             .where(Application.term_id == term_id, Application.status == ApplicationStatus.ARCHIVED,
                    Application.approved_on.is_not(None))
             .group_by(Application.school_id))
    return dict(session.execute(limit(query, Application, scope)).all())


def school_progress(session, scope: Scope, term_id: int, counts: Counts | None = None) -> ProgressTable:
    """The progress table of the scope's schools for a term (`counts`: already queried ones)."""
    if counts is None:
        counts = application_counts(session, scope, term_id)
    archived = archived_approved(session, scope, term_id) if any(
        status is ApplicationStatus.ARCHIVED for _school, status in counts) else {}
    rows = []
    for school_id, name, district_id, pupils in enrolled_per_school(session, scope):
        identified = _sum(counts, school_id, (workflow.APPROVED,)) + archived.get(school_id, 0)
        rows.append(SchoolProgress(
            school_id=school_id, name=name, district_id=district_id, pupils=pupils,
            not_submitted=_sum(counts, school_id, workflow.NOT_SUBMITTED),
            in_review=_sum(counts, school_id, workflow.OPEN), identified=identified,
            not_identified=_sum(counts, school_id, workflow.DECIDED) - identified,
        ))
    return rank_schools(rows)
