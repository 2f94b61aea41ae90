"""Running one job in the worker: claim it, do its work under the owner's scope, record the end."""
import logging
import time
import uuid
from datetime import timedelta
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.commands.errors import DomainError
from app.extensions import db
from app.jobs.kinds import KINDS, JobCancelled, JobContext, JobResult
from app.models import Job, JobStatus, User
from app.models.base import utcnow
from app.security import audit
from app.security.scope import scope_for

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3  # a job interrupted this often (worker killed mid-job) is given up


class Progress:
    """Writes how far a job got, at most every `interval` seconds, and notices cancellation."""

    def __init__(self, job_id: int, interval: float, pause: float):
        self.job_id, self.interval, self.pause = job_id, interval, pause
        self.last = 0.0

    def __call__(self, done: int, total: int | None = None) -> None:
        """Record `done` of `total` rows; raise JobCancelled when the owner asked to stop."""
        if self.pause:
            time.sleep(self.pause)  # breathing room for the web process between chunks
        now = time.monotonic()
        if now - self.last < self.interval and (total is None or done < total):
            return
        self.last = now
        values = {"rows_done": done, "heartbeat_at": utcnow()}
        if total is not None:
            values["rows_total"] = total
        with db.engine.begin() as conn:  # its own transaction: the work's session stays as it is
            conn.execute(update(Job).where(Job.id == self.job_id).values(**values))
            cancel = conn.execute(select(Job.cancel_requested).where(Job.id == self.job_id)).scalar()
        if cancel:
            raise JobCancelled()


def jobs_dir() -> Path:
    """The folder holding result files (created on first use)."""
    path = Path(current_app.config["JOBS_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def claim(job_id: int) -> bool:
    """Mark a queued job running; False when it was cancelled, already taken or finished."""
    now = utcnow()
    with db.engine.begin() as conn:
        taken = conn.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == JobStatus.QUEUED, Job.cancel_requested.is_(False))
            .values(status=JobStatus.RUNNING, started_at=now, heartbeat_at=now,
                    attempts=Job.attempts + 1, rows_done=0)
        ).rowcount
    return taken == 1


def _finish(job: Job, status: JobStatus, **values) -> None:
    """Record how the job ended and add one audit event saying so."""
    with db.engine.begin() as conn:
        conn.execute(update(Job).where(Job.id == job.id).values(
            status=status, finished_at=utcnow(), heartbeat_at=utcnow(), **values))
    audit.record(audit.JOB, entity="job", entity_id=job.id, school_id=job.school_id,
                 detail=f"{job.kind}: {status.value}", user_id=job.user_id,
                 username=job.user.username if job.user else None,
                 row_count=values.get("result_rows"), commit=True)


def _context(job: Job, user, output: list) -> JobContext:
    """The context a kind's `run` gets: session, owner, scope, parameters and helpers."""
    config = current_app.config

    def make_output(suffix: str) -> Path:
        path = jobs_dir() / f"job-{job.id}-{uuid.uuid4().hex[:12]}{suffix}"
        output.append(path)
        return path

    return JobContext(
        job_id=job.id, session=db.session, user=user, scope=scope_for(user, db.session),
        params=dict(job.params or {}), chunk_rows=config["JOBS_CHUNK_ROWS"],
        progress=Progress(job.id, config["JOBS_PROGRESS_INTERVAL"], config["JOBS_PAUSE_SECONDS"]),
        output=make_output,
    )


def _error_detail(err: DomainError) -> dict:
    """A refused job's message kept as msgid and values, so the job page translates it later."""
    message = err.message
    args, kwargs = getattr(message, "_args", None), getattr(message, "_kwargs", None)
    if args:
        return {"msgid": args[0], "values": {k: str(v) for k, v in (kwargs or {}).items()}}
    return {"text": str(message)}


def _run(job: Job, kind) -> None:
    """Do the work and record success, cancellation or failure; never raises."""
    outputs: list[Path] = []
    try:
        user = db.session.get(User, job.user_id)
        if user is None or not user.active:
            raise DomainError(_l("The account that started this job is no longer active."))
        result: JobResult = kind.run(_context(job, user, outputs))
        db.session.rollback()  # the work only reads; nothing of it stays open
        _finish(job, JobStatus.SUCCEEDED, result_file=result.file.name if result.file else None,
                result_name=result.download_name, result_rows=result.rows,
                summary=audit.json_safe(result.summary))
    except JobCancelled:
        _discard(outputs)
        _finish(job, JobStatus.CANCELLED)
    except DomainError as err:
        _discard(outputs)
        db.session.rollback()
        _finish(job, JobStatus.FAILED, error_code="refused", error_detail=_error_detail(err))
    except Exception:  # an unexpected failure must still end the job, with a reference for support
        log.exception("job %s (%s) failed", job.id, job.kind)
        _discard(outputs)
        db.session.rollback()
        _finish(job, JobStatus.FAILED, error_code="internal")


def _discard(paths: list[Path]) -> None:
    """Remove partial result files of a job that did not succeed."""
    for path in paths:
        path.unlink(missing_ok=True)


def execute(job_id: int) -> None:
    """The queue's task: run job `job_id` once (a duplicate delivery finds it taken and stops)."""
    if not claim(job_id):
        return
    job = db.session.get(Job, job_id)
    kind = KINDS.get(job.kind)
    if kind is None:
        _finish(job, JobStatus.FAILED, error_code="unknown_kind")
        return
    try:
        _run(job, kind)
    finally:
        db.session.remove()


def stale_jobs(session, stale_after: int) -> list[Job]:
    """Running jobs whose worker stopped sending heartbeats `stale_after` seconds ago."""
    cutoff = utcnow() - timedelta(seconds=stale_after)
    return session.query(Job).filter(Job.status == JobStatus.RUNNING, Job.heartbeat_at < cutoff).all()


def recover(session, stale_after: int, *, include_queued: bool) -> list[int]:
    """Jobs a stopped worker left behind, set back to queued (given up after MAX_ATTEMPTS).

    Returns the ids to enqueue again: the requeued ones and, when `include_queued` (at worker
    start-up, since a Redis queue may have lost its entries), every job still waiting.
    """
    ids = []
    for job in stale_jobs(session, stale_after):
        if job.attempts >= MAX_ATTEMPTS:
            _finish(job, JobStatus.FAILED, error_code="interrupted")
            continue
        job.status = JobStatus.QUEUED
        ids.append(job.id)
    session.commit()
    if include_queued:
        waiting = session.query(Job.id).filter(Job.status == JobStatus.QUEUED).order_by(Job.id)
        ids = sorted(set(ids) | {row.id for row in waiting})
    return ids
