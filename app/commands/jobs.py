"""Starting, cancelling and handing out background jobs (the worker runs them: app/jobs/runner.py)."""
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from app.errors import DomainError
from app.commands.locking import lock_one
from app.jobs import KINDS
from app.jobs.runner import jobs_dir
from app.jobs.status import has_result
from app.models import ACTIVE_STATUSES, Job, JobStatus, User
from app.models.base import utcnow
from app.security import audit
from app.security.scope import Scope


class JobLimitReached(DomainError):
    """The user already has as many unfinished jobs as allowed."""


class JobAlreadyFinished(DomainError):
    """A finished job cannot be cancelled."""


class NotJobOwner(DomainError):
    """Only the person who started a job may cancel it."""


def start_job(session, *, user_id: int, username: str, scope: Scope, kind: str, params: dict,
              per_user: int) -> Job:
    """Queue a job of `kind` for the user (checked: known kind, a scope, the per-user limit).

    The caller has checked that the user may start this kind; the job runs under the user's
    scope as it is when the worker picks it up. The user's row is locked while counting, so two
    quick clicks cannot both pass the limit.
    """
    if kind not in KINDS:
        raise DomainError(_l("Unknown kind of job."))
    if scope.nothing:
        raise DomainError(_l("Your account has no district or school; ask the district office."))
    lock_one(session, session.query(User.id).filter(User.id == user_id), User, user_id)
    active = session.query(Job.id).filter(Job.user_id == user_id,
                                          Job.status.in_(ACTIVE_STATUSES)).count()
    if active >= per_user:
        raise JobLimitReached(_l(
            "You already have %(n)s jobs waiting or running; wait for one to finish or cancel one.",
            n=active))
    job = Job(kind=kind, user_id=user_id, params=params, status=JobStatus.QUEUED, queued_at=utcnow(),
              school_id=scope.school_id, district_id=scope.district_id)
    session.add(job)
    session.flush()
    audit.record(audit.JOB, entity="job", entity_id=job.id, school_id=scope.school_id,
                 detail=f"{kind}: started", new=params, user_id=user_id, username=username,
                 session=session)
    session.commit()
    return job


def cancel_job(session, job: Job, *, user_id: int, stale: bool = False) -> Job:
    """Cancel one's own job: a waiting one (or one whose worker is gone) at once, a running one
    at its next progress report. The request is audited with who asked."""
    if job.user_id != user_id:
        raise NotJobOwner(_l("Only the person who started a job can cancel it."))
    if not job.is_active:
        raise JobAlreadyFinished(_l("This job has already finished."))
    ended = (JobStatus.QUEUED,) + ((JobStatus.RUNNING,) if stale else ())
    stopped = session.execute(  # only if the worker has not claimed it meanwhile
        update(Job).where(Job.id == job.id, Job.status.in_(ended))
        .values(status=JobStatus.CANCELLED, finished_at=utcnow(), cancel_requested=True)
    ).rowcount
    if not stopped:
        session.execute(update(Job).where(Job.id == job.id).values(cancel_requested=True))
    audit.record(audit.JOB, entity="job", entity_id=job.id, school_id=job.school_id,
                 detail=f"{job.kind}: {'cancelled' if stopped else 'cancel requested'}", session=session)
    session.commit()
    session.refresh(job)
    return job


def _in_scope(job: Job, scope: Scope) -> bool:
    """A result stays the user's only while the job's school or district is still in their scope."""
    if scope.everything:
        return True
    if job.district_id is not None and job.district_id != scope.district_id:
        return False
    return scope.school_id is None or job.school_id == scope.school_id


def take_result(job: Job, scope: Scope, *, may_start_kind: bool) -> Path | None:
    """The result file the user may take now, the download audited; None when there is none.

    `may_start_kind`: the user still holds the permission the job's kind needs.
    """
    path = jobs_dir() / (job.result_file or "")
    if not (may_start_kind and has_result(job) and _in_scope(job, scope) and path.is_file()):
        return None
    audit.record(audit.EXPORT, entity="job", entity_id=job.id, school_id=job.school_id,
                 detail=f"download {job.result_name}", row_count=job.result_rows, commit=True)
    return path
