"""Running one job in the worker: claim it, do its work under the owner's scope, record the end.

A run builds one Context (the worker's session, the owner's scope, the owner as actor, the app's
clock) and does the kind's work through the one runner. Every state change of the job row is a
compare-and-set on (status, attempt): a run that lost its job (requeued after a stale heartbeat,
then claimed again) can no longer write progress or an outcome.
"""
import logging
import os
import socket
import threading
import time
import uuid
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select, update
from sqlalchemy.exc import OperationalError

from app.clock import Clock, clock_of
from app.context import Actor, Context
from app.errors import DomainError
from app.extensions import db
from app.jobs.files import private_file, private_folder, remove_folder, work_folder_name
from app.jobs.kinds import KINDS, JobCancelled, JobContext, JobResult
from app.models import Job, JobStatus, User
from app.runner import run
from app.security import audit
from app.security.scope import scope_for

log = logging.getLogger(__name__)
WORKER = f"{socket.gethostname()}:{os.getpid()}"[:64]


class JobTakenOver(Exception):
    """Another run owns the job now (this one was thought dead); stop without a word."""


def jobs_dir() -> Path:
    """The folder holding result files, readable by the owner only (created on first use)."""
    return private_folder(Path(current_app.config["JOBS_DIR"]))


def _mine(job_id: int, attempt: int):
    """WHERE clause: the job is still running as this attempt."""
    return and_(Job.id == job_id, Job.status == JobStatus.RUNNING, Job.attempts == attempt)


class Progress:
    """Writes how far a job got, at most every `interval` seconds, and notices cancellation."""

    def __init__(self, job_id: int, attempt: int, interval: float, pause: float, clock: Clock):
        self.job_id, self.attempt, self.interval, self.pause = job_id, attempt, interval, pause
        self.clock, self.last = clock, 0.0

    def __call__(self, done: int, total: int | None = None) -> None:
        """Record `done` of `total` rows; raise JobCancelled when the owner asked to stop."""
        if self.pause:
            time.sleep(self.pause)  # breathing room for the web process between chunks
        now = time.monotonic()
        if now - self.last < self.interval and (total is None or done < total):
            return
        values = {"rows_done": done, "heartbeat_at": self.clock.now()}
        if total is not None:
            values["rows_total"] = total
        try:
            with db.engine.begin() as conn:  # its own transaction: the work's session stays as it is
                if not conn.execute(update(Job).where(_mine(self.job_id, self.attempt)).values(**values)).rowcount:
                    raise JobTakenOver()
                cancel = conn.execute(select(Job.cancel_requested).where(Job.id == self.job_id)).scalar()
        except OperationalError:  # the database is busy (SQLite): skip this report, not the job
            log.warning("job %s: progress not recorded (database busy)", self.job_id)
            return
        self.last = now
        if cancel:
            raise JobCancelled()


class Heartbeat(threading.Thread):
    """Keeps the job's heartbeat fresh while its work is between two progress reports (stamped
    with the app's clock, the one stale-job detection reads)."""

    def __init__(self, app, job_id: int, attempt: int, every: float):
        super().__init__(daemon=True, name=f"job-{job_id}-heartbeat")
        self.app, self.job_id, self.attempt, self.every = app, job_id, attempt, every
        self.stopped = threading.Event()

    def run(self) -> None:
        """Stamp the heartbeat every `every` seconds until stopped (or the job is taken over)."""
        with self.app.app_context():
            while not self.stopped.wait(self.every):
                try:
                    with db.engine.begin() as conn:
                        if not conn.execute(update(Job).where(_mine(self.job_id, self.attempt))
                                            .values(heartbeat_at=clock_of(self.app).now())).rowcount:
                            return
                except OperationalError:
                    log.warning("job %s: heartbeat not recorded (database busy)", self.job_id)


def claim(job_id: int, now) -> int | None:
    """Mark a queued job running for this worker at `now`; its attempt number, or None when not ours.

    A job cancelled while it waited is ended as cancelled here.
    """
    with db.engine.begin() as conn:
        conn.execute(update(Job).where(Job.id == job_id, Job.status == JobStatus.QUEUED,
                                       Job.cancel_requested.is_(True))
                     .values(status=JobStatus.CANCELLED, finished_at=now))
        taken = conn.execute(
            update(Job).where(Job.id == job_id, Job.status == JobStatus.QUEUED)
            .values(status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, worker=WORKER,
                    attempts=Job.attempts + 1, rows_done=0)
        ).rowcount
        if not taken:
            return None
        return conn.execute(select(Job.attempts).where(Job.id == job_id)).scalar()


def finish(ctx: Context, job: Job, status: JobStatus, *, attempt: int | None = None, **values) -> bool:
    """Record how the job ended and add one audit event (the owner's); False when another run owns it."""
    where = _mine(job.id, attempt) if attempt is not None else (Job.id == job.id)
    with db.engine.begin() as conn:
        ended = conn.execute(update(Job).where(where).values(
            status=status, finished_at=ctx.now, heartbeat_at=ctx.now, **values)).rowcount
    if ended:
        audit.record(ctx, audit.JOB, entity="job", entity_id=job.id, school_id=job.school_id,
                     detail=f"{job.kind}: {status.value}", row_count=values.get("result_rows"), commit=True)
    return bool(ended)


def job_context(job: Job, owner: User | None) -> Context:
    """The run's one context: the worker's session, the owner's scope, the owner as actor, the app's clock."""
    actor = Actor(user_id=job.user_id) if owner is None else Actor.of(owner)
    return Context(session=db.session, scope=scope_for(owner, db.session), actor=actor, clock=clock_of(current_app))


def _work_context(ctx: Context, job: Job, attempt: int, output: list) -> JobContext:
    """What a kind's `run` gets: the context, parameters and helpers."""
    config = current_app.config

    def make_output(suffix: str) -> Path:
        path = jobs_dir() / f"job-{job.id}-{uuid.uuid4().hex[:12]}{suffix}"
        output.append(path)
        return private_file(path)

    return JobContext(
        job_id=job.id, ctx=ctx, params=dict(job.params or {}), chunk_rows=config["JOBS_CHUNK_ROWS"],
        progress=Progress(job.id, attempt, config["JOBS_PROGRESS_INTERVAL"], config["JOBS_PAUSE_SECONDS"],
                          ctx.clock),
        output=make_output, workdir=private_folder(jobs_dir() / work_folder_name(job.id, attempt)),
    )


def _error_detail(err: DomainError) -> dict:
    """A refused job's message kept as msgid and values, so the job page translates it later."""
    message = err.message
    args, kwargs = getattr(message, "_args", None), getattr(message, "_kwargs", None)
    if args:
        return {"msgid": args[0], "values": {k: str(v) for k, v in (kwargs or {}).items()}}
    return {"text": str(message)}


def _check_owner(owner: User | None, kind) -> None:
    """The owner must still be active and still allowed to start this kind of job."""
    if owner is None or not owner.active:
        raise DomainError(_l("The account that started this job is no longer active."))
    if not current_app.appbuilder.sm._has_view_access(owner, *kind.permission):
        raise DomainError(_l("The account that started this job may no longer do this."))


def _do(ctx: Context, kind, work: JobContext) -> JobResult:
    """The kind's work, as the runner's use case (committed when it returns)."""
    return kind.run(work)


def _work(ctx: Context, owner, job: Job, kind, attempt: int, outputs: list) -> tuple[JobStatus, dict]:
    """Run the kind's work through the runner; the end status and the values to record."""
    try:
        _check_owner(owner, kind)
        result: JobResult = run(ctx, _do, kind, _work_context(ctx, job, attempt, outputs))
    except JobCancelled:
        return JobStatus.CANCELLED, {}
    except DomainError as err:
        return JobStatus.FAILED, {"error_code": "refused", "error_detail": _error_detail(err)}
    except JobTakenOver:
        raise
    except Exception:  # an unexpected failure must still end the job, with a reference for support
        log.exception("job %s (%s) failed", job.id, job.kind)
        return JobStatus.FAILED, {"error_code": "internal"}
    done = {} if result.progress is None else {"rows_done": result.progress[0], "rows_total": result.progress[1]}
    return JobStatus.SUCCEEDED, {
        "result_file": result.file.name if result.file else None, "result_name": result.download_name,
        "result_rows": result.rows, "summary": audit.json_safe(result.summary), **done}


def _run(ctx: Context, owner, job: Job, kind, attempt: int) -> None:
    """Do the work with a heartbeat beside it and record the outcome; never raises."""
    outputs: list[Path] = []
    beat = Heartbeat(current_app._get_current_object(), job.id, attempt,
                     max(1.0, current_app.config["JOBS_STALE_SECONDS"] / 4))
    beat.start()
    try:
        status, values = _work(ctx, owner, job, kind, attempt, outputs)
    except JobTakenOver:
        status, values = None, {}
    finally:
        beat.stopped.set()
        remove_folder(jobs_dir() / work_folder_name(job.id, attempt))  # temporary files with names
    kept = values.get("result_file")
    ended = status is not None and finish(ctx, job, status, attempt=attempt, **values)
    _discard([p for p in outputs if not (ended and p.name == kept)])


def _discard(paths: list[Path]) -> None:
    """Remove result files of a run that did not succeed (or lost its job)."""
    for path in paths:
        path.unlink(missing_ok=True)


def execute(job_id: int) -> None:
    """The queue's task: run job `job_id` once (a duplicate delivery finds it taken and stops)."""
    attempt = claim(job_id, clock_of(current_app).now())
    if attempt is None:
        return
    try:
        job = db.session.get(Job, job_id)
        owner = db.session.get(User, job.user_id)
        ctx = job_context(job, owner)
        kind = KINDS.get(job.kind)
        if kind is None:
            finish(ctx, job, JobStatus.FAILED, attempt=attempt, error_code="unknown_kind")
        else:
            _run(ctx, owner, job, kind, attempt)
    finally:
        db.session.remove()
