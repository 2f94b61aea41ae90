"""Scoring every application of a school (or district) and term that can be scored now, in bulk.

The same rules as one application scored on its page (`app/commands/assessing.py`): the standard
version it already has, else the one in force; facts from the frozen snapshot; the result stored
as `apply_result` stores it (the standard's first use marked once, in the chunk that first used it);
the state written by `bulk_steps.plan_many` and its `BulkStep.write()`, transition_many in two
halves, the one write path of a bulk step (per chunk one UPDATE of many rows, each checked on its
version, and one INSERT of workflow events). Rows are read in keyset chunks, each locked and re-read
(PostgreSQL: FOR UPDATE; SQLite: the write lock), so a concurrent step on one application is never
overwritten; a district's job commits each chunk, one written while the next is read
(`Chunks` in app/runner.py).
"""
import gc
from collections import Counter, namedtuple
from contextlib import contextmanager
from datetime import datetime
from types import SimpleNamespace

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.commands.assessing import mark_first_use, store_result
from app.commands.bulk_steps import BulkStep, plan_many
from app.commands.identification import ClassReviewFirst, check_step
from app.commands.locking import lock_select
from app.commands.standards import NoActiveStandard, active_standard, compiled, tier_ids
from app.commands.statistics import refresh_table_statistics
from app.context import Context
from app.errors import DomainError
from app.models import Application, AssessmentStandard, School, Student
from app.runner import Chunks
from app.security.scope import Scope, criterion
from app.services.facts import facts_from_record, facts_record
from app.services.scoring import assess
from app.services.workflow import NOT_SUBMITTED, SCORABLE

CHUNK = 5000
# what scoring reads, checks, writes on and audits; the rest of an application stays unread (the
# snapshot too: its facts record is read instead, the snapshot only where that is missing or old)
READ = (Application.id, Application.version, Application.status, Application.school_id,
        Application.school_year_id, Application.standard_id, Application.snapshot_facts,
        Application.score, Application.standard_version, Application.suggested_tier_id,
        Application.final_tier_id, Application.decided_by, Student.district_id)


class Candidate(namedtuple("Candidate", [c.key for c in READ])):
    """One application as batch scoring reads it: the row's values, no ORM object (a district has a
    million)."""

    __slots__ = ()

    @property
    def student(self):
        """What the workflow's check reads of the pupil (its district): carried on the row itself."""
        return self


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


def _plain(row: AssessmentStandard | None) -> SimpleNamespace | None:
    """What scoring reads of a standard version, as a plain copy: the chunks' memos outlive the
    sessions of the lanes that read them (`Chunks` in app/runner.py), and a copy is never expired,
    loaded or changed by another thread."""
    if row is None:
        return None
    return SimpleNamespace(id=row.id, version=row.version, changed_on=row.changed_on, data=row.data,
                           activated_at=row.activated_at, first_used_at=row.first_used_at)


class Rules:
    """Standards, class-review settings and results met so far, each looked up or computed once (on
    the main thread only: the chunks' lanes never touch it)."""

    def __init__(self, session):
        self.tiers = tier_ids(session)
        self.reviews: dict = {}  # (district, school year) → class review asked (check_step's memo)
        self.written: dict = {}  # transition_many's memo: each result converted for the database once
        self.marked: set = set()  # standard versions whose first use is recorded (now or before)
        self._active, self._rows, self._results, self._checked, self._facts = {}, {}, {}, {}, {}

    def applied(self, standard: SimpleNamespace, record: str, now: datetime) -> tuple[dict, str]:
        """(column values apply_result sets, audit detail) under `standard` of the facts `record` holds
        (a current facts record, app/services/facts.py); pupils whose facts are alike share one
        record, so each distinct case is assessed once."""
        key = (standard.id, record)
        found = self._results.get(key)
        if found is None:
            if len(self._results) > 50_000:
                self._results.clear()
            result, target = assess(compiled(standard), self.facts(record)), SimpleNamespace()
            store_result(target, standard, result, self.tiers, now)
            found = self._results[key] = (vars(target), f"v{standard.version} {result.total}")
        return found

    def facts(self, record: str | None):
        """The facts a stored record holds, None when it has none or was written under other rules
        (each text read once)."""
        if record is None:
            return None
        found = self._facts.get(record, False)
        if found is False:
            if len(self._facts) > 100_000:
                self._facts.clear()
            found = self._facts[record] = facts_from_record(record)
        return found

    def skips(self, ctx: Context, app: Candidate) -> str | None:
        """check_step for scoring, once per status, district and school year: None when the
        application may be scored, "class_review_first" when its class must review it first (any
        other refusal is raised)."""
        key = (app.status, app.district_id, app.school_year_id)
        if key not in self._checked:
            try:
                check_step(ctx, app, "assess", reviews=self.reviews)
            except ClassReviewFirst:
                self._checked[key] = "class_review_first"
            else:
                self._checked[key] = None
        return self._checked[key]

    def standard(self, session, app: Candidate) -> SimpleNamespace | None:
        """The version the application keeps, else the one in force (None: no standard), as a plain
        copy (read in the chunk's `session` the first time)."""
        if app.standard_id is not None:
            if app.standard_id not in self._rows:
                self._rows[app.standard_id] = _plain(session.get(AssessmentStandard, app.standard_id))
            return self._rows[app.standard_id]
        key = (app.student.district_id, app.school_year_id)
        if key not in self._active:
            try:
                self._active[key] = _plain(active_standard(session, *key))
            except NoActiveStandard:
                self._active[key] = None
        return self._active[key]

    def mark_used(self, ctx: Context, standard: SimpleNamespace) -> None:
        """The standard's first use recorded in the chunk's transaction, once for the whole walk
        (apply_result's mark: the version's data never changes again)."""
        if standard.id in self.marked:
            return
        self.marked.add(standard.id)
        if standard.first_used_at is None:
            mark_first_use(ctx.session.get(AssessmentStandard, standard.id), ctx.now)


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


def _candidates(ctx: Context, where: list, status: str, after: int, size: int) -> list[Candidate]:
    """The next chunk of applications of `status` (one that may be scored) not yet scored, locked and
    read afresh (app/commands/locking.py), each with its pupil's district: one SELECT of the columns
    needed. One status at a time, so that the chunk is one range of the (term, status, id) index read
    in id order and the LIMIT stops it (all the scorable statuses at once were read whole and sorted
    for every chunk: quadratic in a district of a million)."""
    statement = (select(*READ).join(Student, Student.id == Application.student_id)
                 .where(*where, Application.status == status, Application.id > after,
                        Application.score.is_(None))
                 .order_by(Application.id).limit(size))
    return list(map(Candidate._make, ctx.session.execute(lock_select(ctx.session, statement, Application))))


def _score_one(ctx: Context, rules: Rules, app: Candidate, record: str | None) -> tuple[dict, str] | str:
    """(column values, audit detail) of one application from its facts record, or the reason it is
    skipped."""
    refused = rules.skips(ctx, app)
    if refused is not None:
        return refused
    standard = rules.standard(ctx.session, app)
    if standard is None:
        return "no_standard"
    if record is None:
        return "no_snapshot"
    rules.mark_used(ctx, standard)
    return rules.applied(standard, record, ctx.now)


def _records(ctx: Context, rules: Rules, apps: list[Candidate]) -> dict:
    """Each application's current facts record: the stored one, else made now from its snapshot (one
    read of the snapshots of the chunk's applications whose record is missing or of older rules);
    None for an application without a snapshot."""
    found = {app.id: app.snapshot_facts for app in apps if rules.facts(app.snapshot_facts) is not None}
    stale = [app.id for app in apps if app.id not in found]
    if stale:
        for app_id, snapshot in ctx.session.execute(
                select(Application.id, Application.household_snapshot).where(Application.id.in_(stale))):
            found[app_id] = facts_record(snapshot) if snapshot else None
    return found


def _score_chunk(ctx: Context, rules: Rules, apps: list[Candidate], skipped: Counter) -> BulkStep:
    """The chunk's applications that can be scored, scored and converted (plan_many): to be written
    by the chunk's lane."""
    ready, found, records = [], {}, _records(ctx, rules, apps)
    for app in apps:
        outcome = _score_one(ctx, rules, app, records.get(app.id))
        if isinstance(outcome, str):
            skipped[outcome] += 1
        else:
            ready.append(app)
            found[app.id] = outcome
    return plan_many(ctx, ready, "assess", lambda app: found[app.id][0], detail=lambda app: found[app.id][1],
                     memo=rules.written)


def score_submitted(ctx: Context, *, school_id: int | None, term_id: int, progress=None,
                    chunk: int = CHUNK, commit: bool = False) -> dict:
    """Score every application of the school (None: every school in scope) and term that can be.

    Read, scored and written CHUNK applications at a time. `commit`: each chunk is committed as its
    own transaction (a job's district-wide run; on PostgreSQL the writing of a chunk then overlaps the
    reading of the next, `Chunks` in app/runner.py); otherwise every chunk is written in the caller's
    transaction. `progress(done, total)` is called at the start and after each chunk is written (and
    committed); returns {"scored": n, "skipped": {reason: n}}. Already scored applications keep
    their result.
    """
    session = ctx.session
    where = _where(session, ctx.scope, school_id, term_id)
    total, skipped = _counts(session, where)
    refresh_table_statistics(session, Application, total)  # a district's walk: the planner knows how many wait
    rules, scored, done = Rules(session), 0, 0

    def written(rows: int) -> None:
        nonlocal done
        done += rows
        if progress is not None:
            progress(done, total)

    if progress is not None:
        progress(0, total)
    with _collector_paused(), Chunks(ctx, commit=commit, rows=total, committed=written) as chunks:
        for status in SCORABLE:
            last = 0
            while True:
                lane = chunks.take()
                apps = _candidates(lane, where, status, last, chunk)
                if not apps:
                    break
                last = apps[-1].id
                planned = _score_chunk(lane, rules, apps, skipped)
                scored += len(planned.apps)
                chunks.write(lane, planned.write, len(apps))
    return {"scored": scored, "skipped": dict(skipped)}


def _counts(session, where: list) -> tuple[int, Counter]:
    """(how many may be scored, the applications left as they are) in one read: left are those
    scored already and those not submitted yet (draft or returned)."""
    rows = session.execute(
        select(Application.status, func.count(), func.count(Application.score)).select_from(Application)
        .join(Student, Student.id == Application.student_id).where(*where).group_by(Application.status)).all()
    total, found = 0, Counter()
    for status, count, with_score in rows:
        if status.value in SCORABLE:
            total += count - with_score
            if with_score:
                found["already_scored"] += with_score
        elif status.value in NOT_SUBMITTED:
            found["not_submitted"] += count
    return total, found
