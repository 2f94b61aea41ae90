"""Jobs a stopped worker left behind: requeued, or ended when cancelled or tried too often."""
import os
import socket
from datetime import timedelta

from sqlalchemy import and_, or_, select, update

from app.context import Actor, Context
from app.extensions import db
from app.jobs.retention import purge_work
from app.models import Job, JobStatus, User
from app.security import audit

MAX_ATTEMPTS = 3  # a job interrupted this often (worker killed mid-job) is given up


def _dead_here(worker: str | None) -> bool:
    """Whether `worker` (host:pid) was a process of this host that no longer runs."""
    host, _, pid = (worker or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _orphans(ctx: Context, stale_after: int, at_startup: bool) -> list:
    """Running jobs without a heartbeat for `stale_after` s of the context's clock (at start-up:
    also those whose worker process on this host is gone)."""
    cutoff = ctx.now - timedelta(seconds=stale_after)
    rows = ctx.session.execute(
        select(Job.id, Job.kind, Job.user_id, Job.school_id, Job.attempts, Job.cancel_requested,
               Job.worker, Job.heartbeat_at, User.username)
        .join(User, User.id == Job.user_id).where(Job.status == JobStatus.RUNNING)
    ).all()
    return [r for r in rows if (r.heartbeat_at is None or r.heartbeat_at < cutoff)
            or (at_startup and _dead_here(r.worker))]


def _settle(ctx: Context, row) -> bool:
    """Requeue one orphan, or end it (audited as its owner's job); True when it went back to the queue."""
    if row.cancel_requested:
        status, values = JobStatus.CANCELLED, {"finished_at": ctx.now}
    elif row.attempts >= MAX_ATTEMPTS:
        status, values = JobStatus.FAILED, {"finished_at": ctx.now, "error_code": "interrupted"}
    else:
        status, values = JobStatus.QUEUED, {"queued_at": ctx.now, "worker": None}
    with db.engine.begin() as conn:  # only if nobody settled or re-claimed it meanwhile
        changed = conn.execute(update(Job).where(and_(
            Job.id == row.id, Job.status == JobStatus.RUNNING, Job.attempts == row.attempts,
            or_(Job.worker == row.worker, Job.worker.is_(None)),
        )).values(status=status, **values)).rowcount
    if changed and status != JobStatus.QUEUED:
        owner = ctx.acting_as(Actor(user_id=row.user_id, username=row.username))
        audit.record(owner, audit.JOB, entity="job", entity_id=row.id, school_id=row.school_id,
                     detail=f"{row.kind}: {status.value}", commit=True)
    return bool(changed) and status == JobStatus.QUEUED


def recover(ctx: Context, stale_after: int, *, include_queued: bool) -> list[int]:
    """Settle the orphans (each in a compare-and-set of its own); the ids to enqueue again.

    `ctx` is the system's, with the app's clock. `include_queued` (at worker start-up, since a
    Redis queue may have lost its entries) adds every job still waiting; enqueuing a job twice is
    harmless (the first claim wins).
    """
    session = ctx.session
    ids = {row.id for row in _orphans(ctx, stale_after, include_queued) if _settle(ctx, row)}
    if include_queued:
        ids |= set(session.scalars(select(Job.id).where(Job.status == JobStatus.QUEUED)))
    purge_work(session)  # temporary files of the runs settled above, or of a worker killed earlier
    return sorted(ids)
