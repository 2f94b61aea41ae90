"""What the dashboard says above its figures about the chosen term: not begun yet, or its school year's
identification still going on (applications counted per school in SQL, in the viewer's scope)."""
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from app.models import Application, ApplicationStatus, School, Term
from app.security.scope import Scope, limit
from app.services import workflow

PENDING = tuple(ApplicationStatus(status) for status in workflow.NOT_SUBMITTED + workflow.OPEN)


@dataclass(frozen=True)
class TermNote:
    """`not_started` for a term to come; otherwise, while the term lasts and some school of the scope has
    not finished identifying its pupils: `identified` pupils so far, and `done` of `schools` finished."""

    not_started: bool = False
    identified: int = 0
    done: int = 0
    schools: int = 0


def _identified():
    """1 for an application that ended approved (archived ones keep their approval day), else 0."""
    approved = (Application.status == ApplicationStatus.APPROVED) | (
        (Application.status == ApplicationStatus.ARCHIVED) & Application.approved_on.is_not(None))
    return case((approved, 1), else_=0)


def term_note(session, scope: Scope, term: Term, today: date) -> TermNote | None:
    """The note for the term, or None when there is nothing to say (a term over, or every school done).
    A school is done when it has applications in the term's school year and none is still open or not
    submitted; identification is per school year, so a spring term shows its autumn's."""
    if term.start_date > today:
        return TermNote(not_started=True)
    if term.end_date < today:
        return None
    per_school = limit(
        select(Application.school_id,
               func.sum(case((Application.status.in_(PENDING), 1), else_=0)), func.sum(_identified()))
        .where(Application.school_year_id == term.school_year_id)
        .group_by(Application.school_id), Application, scope)
    rows = session.execute(per_school).all()
    schools = session.scalar(limit(select(func.count()).select_from(School).where(School.active), School, scope))
    done = sum(1 for _school, pending, _identified_ in rows if not pending)
    if done >= schools:
        return None
    return TermNote(identified=sum(int(n or 0) for *_rest, n in rows), done=done, schools=schools)
