"""Scoring every application of a school (or district) and term that can be scored now, in bulk.

The same rules as one application scored on its page (`app/commands/assessing.py`): the standard
version it already has, else the one in force; facts from the frozen snapshot; the result stored
by `apply_result`; one workflow audit event per application. Rows are read in keyset chunks and
written with one Core UPDATE and one Core INSERT of audit events per chunk, so that a district of
100 000 applications is scored in seconds. Each chunk locks its rows (PostgreSQL) and re-checks
their status in the UPDATE, so a concurrent step on one application is never overwritten.
"""
import gc
from collections import Counter
from contextlib import contextmanager
from datetime import datetime
from types import SimpleNamespace

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, insert, select, update

from app.commands.assessing import apply_result
from app.errors import DomainError
from app.commands.identification import AUDITED
from app.commands.locking import lock_select
from app.commands.standards import NoActiveStandard, active_standard, compiled, parameters, tier_ids
from app.models import Application, ApplicationStatus, AssessmentStandard, School, Student
from app.models.audit import AuditEvent
from app.security import audit
from app.security.scope import Scope, criterion
from app.services.facts import facts_from_snapshot
from app.services.scoring import assess
from app.services.workflow import RefusedStep, next_status

CHUNK = 2000
SCORABLE = (ApplicationStatus.SUBMITTED, ApplicationStatus.CLASS_REVIEW, ApplicationStatus.SCHOOL_REVIEW)
APP = Application.__table__


class SchoolNotInScope(DomainError):
    """The school asked for is not one of the user's."""


def _where(session, scope: Scope, school_id: int | None, term_id: int) -> list:
    """Applications of the term in the scope (and of the school when given)."""
    if scope.school_id is not None and school_id not in (None, scope.school_id):
        raise SchoolNotInScope(_l("No such school, or it is not yours."))
    if school_id is not None and not session.execute(
            select(School.id).where(School.id == school_id, *_present(criterion(School, scope)))).first():
        raise SchoolNotInScope(_l("No such school, or it is not yours."))
    where = [Application.term_id == term_id, *_present(criterion(Application, scope))]
    if school_id is not None:
        where.append(Application.school_id == school_id)
    return where


def _present(clause) -> list:
    """[clause] unless it is None (a scope that sees everything)."""
    return [] if clause is None else [clause]


class Rules:
    """Standards, class-review settings and results met so far, each looked up or computed once."""

    def __init__(self, session):
        self.session, self.tiers = session, tier_ids(session)
        self._active, self._rows, self._results, self._review = {}, {}, {}, {}

    def applied(self, standard: AssessmentStandard, facts, now: datetime) -> tuple[object, dict]:
        """(result, column values apply_result sets) of `facts` under `standard`; pupils of one
        household share their facts, so each distinct case is assessed once."""
        key = (standard.id, facts)
        found = self._results.get(key)
        if found is None:
            if len(self._results) > 50_000:
                self._results.clear()
            result, target = assess(compiled(standard), facts), SimpleNamespace()
            apply_result(target, standard, result, self.tiers, now)
            found = self._results[key] = (result, vars(target))
        return found

    def standard(self, row) -> AssessmentStandard | None:
        """The version the application keeps, else the one in force (None: no standard)."""
        if row.standard_id is not None:
            if row.standard_id not in self._rows:
                self._rows[row.standard_id] = self.session.get(AssessmentStandard, row.standard_id)
            return self._rows[row.standard_id]
        return self._in_force(row.district_id, row.school_year_id)

    def _in_force(self, district_id: int, school_year_id: int) -> AssessmentStandard | None:
        """The standard in force for a district and year, or None."""
        key = (district_id, school_year_id)
        if key not in self._active:
            try:
                self._active[key] = active_standard(self.session, district_id, school_year_id)
            except NoActiveStandard:
                self._active[key] = None
        return self._active[key]

    def class_review(self, row) -> bool:
        """Whether the district asks for a class review before scoring (as check_step reads it)."""
        key = (row.district_id, row.school_year_id)
        if key not in self._review:
            standard = self._in_force(*key)
            self._review[key] = bool(standard is not None and parameters(standard)["class_review"])
        return self._review[key]


@contextmanager
def _collector_paused():
    """The cyclic garbage collector paused during the bulk loop: its passes over the many live
    rows cost a quarter of the time; reference counting still frees every chunk."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _candidates(where: list, after: int, size: int):
    """The next chunk of applications that may be scored (not yet scored); locked by the caller."""
    return (
        select(APP.c.id, APP.c.status, APP.c.household_snapshot, APP.c.standard_id, APP.c.school_id,
               APP.c.school_year_id, Student.district_id, *(APP.c[k] for k in AUDITED if k != "status"))
        .join(Student, Student.id == APP.c.student_id)
        .where(*where, APP.c.id > after, APP.c.status.in_(SCORABLE), APP.c.score.is_(None))
        .order_by(APP.c.id).limit(size)
    )


def _score_one(rules: Rules, row, now: datetime) -> tuple[dict, dict] | str:
    """(new column values, audit row) of one application, or the reason it is skipped."""
    try:
        next_status("assess", row.status.value, class_review=rules.class_review(row))
    except RefusedStep:
        return "class_review_first"
    standard = rules.standard(row)
    if standard is None:
        return "no_standard"
    if not row.household_snapshot:
        return "no_snapshot"
    result, applied = rules.applied(standard, facts_from_snapshot(row.household_snapshot), now)
    values = {**applied, "status": ApplicationStatus.SCHOOL_REVIEW}
    old = {key: getattr(row, key) for key in AUDITED}
    new = {**old, **{key: value for key, value in values.items() if key in old}}
    return values, {"old": old, "new": new, "detail": f"assess: v{standard.version} {result.total}",
                    "school_id": row.school_id}


def _write(session, rows: list, changes: list, user: tuple) -> None:
    """One UPDATE (compare-and-set on the status) and one INSERT of workflow events for a chunk."""
    statement = update(APP).where(APP.c.id == bindparam("_id"), APP.c.status == bindparam("_old"),
                                  APP.c.score.is_(None)).values(version=APP.c.version + 1)
    params = [{"_id": row.id, "_old": row.status, "changed_by_fk": user[0], **values}
              for row, (values, _event) in zip(rows, changes, strict=True)]
    session.execute(statement, params)
    events = [audit.event_row(audit.WORKFLOW, entity="application", entity_id=row.id, user_id=user[0],
                              username=user[1], **event)
              for row, (_values, event) in zip(rows, changes, strict=True)]
    session.execute(insert(AuditEvent.__table__), events)


def score_submitted(session, scope: Scope, *, school_id: int | None, term_id: int, now: datetime,
                    progress=None, user_id: int | None = None, username: str | None = None,
                    chunk: int = CHUNK) -> dict:
    """Score every application of the school (None: every school in scope) and term that can be.

    `progress(done, total)` is called after each chunk (the caller may commit there); returns
    {"scored": n, "skipped": {reason: n}}. Already scored applications keep their result.
    """
    where = _where(session, scope, school_id, term_id)
    total = session.execute(select(func.count()).select_from(APP).join(Student, Student.id == APP.c.student_id)
                            .where(*where, APP.c.status.in_(SCORABLE), APP.c.score.is_(None))).scalar_one()
    rules, skipped, scored, done, last = Rules(session), _not_scorable(session, where), 0, 0, 0
    if progress is not None:
        progress(0, total)
    with audit.paused(session), _collector_paused():
        while rows := session.execute(lock_select(session, _candidates(where, last, chunk), APP)).all():
            last = rows[-1].id
            outcomes = [(row, _score_one(rules, row, now)) for row in rows]
            ready = [(row, out) for row, out in outcomes if not isinstance(out, str)]
            skipped.update(out for _row, out in outcomes if isinstance(out, str))
            if ready:
                _write(session, [r for r, _ in ready], [o for _, o in ready], (user_id, username))
            scored, done = scored + len(ready), done + len(rows)
            session.flush()
            if progress is not None:
                progress(done, total)
    _expire_loaded(session)
    return {"scored": scored, "skipped": dict(skipped)}


def _expire_loaded(session) -> None:
    """Applications the session holds are read again (the UPDATE went past the ORM)."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Application):
            session.expire(obj)


def _not_scorable(session, where: list) -> Counter:
    """Applications left as they are: scored already, or not submitted yet (draft or returned)."""
    rows = session.execute(
        select(APP.c.status, func.count(), func.count(APP.c.score)).select_from(APP)
        .join(Student, Student.id == APP.c.student_id).where(*where).group_by(APP.c.status)).all()
    found = Counter()
    for status, count, with_score in rows:
        if status in SCORABLE and with_score:
            found["already_scored"] += with_score
        elif status in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED):
            found["not_submitted"] += count
    return found
