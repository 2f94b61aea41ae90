"""Starting and cancelling background jobs (the worker runs them: app/jobs/runner.py; their result
files are handed out by app/jobs/results.py)."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from app.commands.locking import lock_one
from app.context import Context
from app.errors import DomainError, NotFound
from app.models import Job, JobStatus, User
from app.security import audit
from app.security.scope import limit

# what the per-user limit counts: jobs the worker has or will run; an export waiting for the
# district's approval is not one of them (list exports bound their waiting requests themselves)
RUNNING_STATUSES = (JobStatus.QUEUED, JobStatus.RUNNING)


class JobLimitReached(DomainError):
    """The user already has as many unfinished jobs as allowed."""


class JobAlreadyFinished(DomainError):
    """A finished job cannot be cancelled."""


class NotJobOwner(DomainError):
    """Only the person who started a job may cancel it."""


class JobNotFound(NotFound):
    """No such job in the user's scope."""


def lock_owner(ctx: Context) -> None:
    """Lock the acting user's row until the transaction ends (checked first: a scope), so that a count
    of their jobs taken next cannot be passed by a second request of theirs at the same moment: that
    one waits, then counts the first one's job."""
    session, user_id = ctx.session, ctx.actor.user_id
    if ctx.scope.nothing:
        raise DomainError(_l("Your account has no district or school; ask the district office."))
    lock_one(session, session.query(User.id).filter(User.id == user_id), User, user_id)


def add_job(ctx: Context, kind: str, params: dict, status: JobStatus = JobStatus.QUEUED) -> Job:
    """The acting user's new job of `kind` in `status`, stamped with the context's clock and the user's
    school and district, and audited; the caller has checked the limits under `lock_owner`."""
    scope, now = ctx.scope, ctx.now
    job = Job(kind=kind, user_id=ctx.actor.user_id, params=params, status=status, created_on=now,
              queued_at=now if status == JobStatus.QUEUED else None,
              school_id=scope.school_id, district_id=scope.district_id)
    ctx.session.add(job)
    ctx.session.flush()
    audit.record(ctx, audit.JOB, entity="job", entity_id=job.id, school_id=scope.school_id,
                 detail=f"{kind}: started", new=params)
    return job


def start_job(ctx: Context, kind: str, params: dict, *, per_user: int) -> Job:
    """Queue a job of `kind` for the acting user (checked: a scope, the per-user limit).

    The caller has checked that `kind` is a registered kind the user may start; the job runs under
    the user's scope as it is when the worker picks it up. The user's row is locked while counting,
    so two quick clicks cannot both pass the limit. Enqueue the job once the transaction has committed.
    """
    lock_owner(ctx)
    running = ctx.session.query(Job.id).filter(Job.user_id == ctx.actor.user_id,
                                               Job.status.in_(RUNNING_STATUSES)).count()
    if running >= per_user:
        raise JobLimitReached(_l(
            "You already have %(n)s jobs waiting or running; wait for one to finish or cancel one.",
            n=running))
    return add_job(ctx, kind, params)


def cancel_job(ctx: Context, job_id: int, *, stale: bool = False) -> Job:
    """Cancel one's own job: a waiting one (or one whose worker is gone: `stale`) at once, a running
    one at its next progress report. The request is audited with who asked."""
    session = ctx.session
    job = limit(session.query(Job), Job, ctx.scope).filter(Job.id == job_id).one_or_none()
    if job is None:
        raise JobNotFound()
    if job.user_id != ctx.actor.user_id:
        raise NotJobOwner(_l("Only the person who started a job can cancel it."))
    if not job.is_active:
        raise JobAlreadyFinished(_l("This job has already finished."))
    ended = (JobStatus.WAITING_APPROVAL, JobStatus.QUEUED) + ((JobStatus.RUNNING,) if stale else ())
    stopped = session.execute(  # only if the worker has not claimed it meanwhile
        update(Job).where(Job.id == job.id, Job.status.in_(ended))
        .values(status=JobStatus.CANCELLED, finished_at=ctx.now, cancel_requested=True)
    ).rowcount
    if not stopped:
        session.execute(update(Job).where(Job.id == job.id).values(cancel_requested=True))
    audit.record(ctx, audit.JOB, entity="job", entity_id=job.id, school_id=job.school_id,
                 detail=f"{job.kind}: {'cancelled' if stopped else 'cancel requested'}")
    return job
