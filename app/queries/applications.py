"""The assessment queue's reads: a term's applications in a scope, counted by status and listed a page at a time."""
import re
from dataclasses import dataclass

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from app.models import Application, ApplicationStatus, School, Student, Tier
from app.security.scope import Scope, criterion, limit
from app.services.workflow import QUEUE

PAGE_SIZE = 50
COUNT_CAP = 5_000  # a status tab counts this far exactly, then says 5000+
PUPIL_COUNT_CAP = 1_000  # with a grade, class or name: the first 1000 matches, then 1000+
NAME_MAX = 32  # Student.name's length: a longer text matches no pupil
_ASCII_LETTER = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Filters:
    """What the queue shows: a term, optionally one school, one status, a grade, a class and the start
    of a pupil's name, a page."""

    term_id: int
    school_id: int | None = None
    status: ApplicationStatus | None = None
    page: int = 0
    grade: int | None = None
    class_name: str | None = None
    name: str | None = None

    @property
    def of_pupils(self) -> bool:
        """Whether the filters look at the pupil (grade, class or name), not only the application."""
        return self.grade is not None or bool(self.class_name) or bool(self.name)


def queue_statuses() -> list[ApplicationStatus]:
    """The queue's status tabs, in the workflow's queue order (work still to do first)."""
    return [ApplicationStatus(value) for value in QUEUE]


def name_starts_with(column, text: str, dialect: str):
    """`column` starts with `text`, as the lists' name search does: an index range on SQLite (whose
    LIKE cannot use an index), LIKE 'text%' on PostgreSQL (text_pattern_ops), caseless only for
    Latin letters."""
    if _ASCII_LETTER.search(text):
        return column.istartswith(text, autoescape=True)
    if dialect == "sqlite":
        return and_(column >= text, column < text + "\U0010ffff")
    return column.startswith(text, autoescape=True)


def _where(scope: Scope, filters: Filters, dialect: str) -> list:
    """The term, the school chosen, the pupil's grade, class and name, and the scope (the pupil's
    conditions need Student joined)."""
    where = [Application.term_id == filters.term_id]
    if filters.school_id:
        where.append(Application.school_id == filters.school_id)
    if filters.grade is not None:
        where.append(Student.grade == filters.grade)
    if filters.class_name:
        where.append(Student.class_name == filters.class_name)
    school_id = filters.school_id or scope.school_id
    if filters.of_pupils and school_id:
        # the pupils of that school (one who moved away since is in the unfiltered list): said so,
        # PostgreSQL reads them from the pupils' (school, grade, class) and (school, name) indexes
        where.append(Student.school_id == school_id)
    if filters.name:
        where.append(name_starts_with(Student.name, filters.name, dialect))
    scoped = criterion(Application, scope)
    return where + ([scoped] if scoped is not None else [])


def _dialect(session) -> str:
    return session.get_bind().dialect.name


class AtLeast(int):
    """A count that stopped at the cap: shown as 10000+, and so is any sum it is part of."""

    def __str__(self) -> str:
        return f"{int(self)}+"

    def __add__(self, other):
        return AtLeast(int(self) + int(other))

    __radd__ = __add__


def status_counts(session, scope: Scope, filters: Filters) -> dict[ApplicationStatus, int]:
    """{status: applications} of the term (and school, grade, class, name) in the scope, statuses
    without any left out, counted up to a cap (an AtLeast beyond it) so that a district of a million
    pupils is as quick as a school: without pupil filters each status up to COUNT_CAP (one index
    range each); with them the first PUPIL_COUNT_CAP matches by status (all AtLeast if there are more)."""
    where = _where(scope, filters, _dialect(session))
    if filters.of_pupils:
        first = (select(Application.status).join(Student, Student.id == Application.student_id)
                 .where(*where).limit(PUPIL_COUNT_CAP + 1).subquery())
        found = dict(session.execute(select(first.c.status, func.count()).group_by(first.c.status)).all())
        if sum(found.values()) > PUPIL_COUNT_CAP:
            return {status: AtLeast(n) for status, n in found.items()}
        return found
    counts = [select(func.count()).select_from(
        select(Application.id).where(*where, Application.status == status).limit(COUNT_CAP + 1).subquery()
    ).scalar_subquery() for status in ApplicationStatus]
    found = session.execute(select(*counts)).one()
    return {status: AtLeast(COUNT_CAP) if n > COUNT_CAP else n
            for status, n in zip(ApplicationStatus, found, strict=True) if n}


def queue_rows(session, scope: Scope, filters: Filters) -> list:
    """One page of the queue (and one row more, when there is a next page), oldest application
    first, with pupil, school, score and tiers."""
    # aliased: the scope's EXISTS on School (district users) must not correlate with this join
    suggested, final, school = aliased(Tier), aliased(Tier), aliased(School)
    where = _where(scope, filters, _dialect(session))
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
