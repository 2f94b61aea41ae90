"""Starting and cancelling background jobs (the worker runs them: app/jobs/runner.py)."""
from flask_babel import lazy_gettext as _l

from app.commands.errors import DomainError
from app.jobs import KINDS
from app.models import ACTIVE_STATUSES, Job, JobStatus
from app.models.base import utcnow
from app.security import audit
from app.security.scope import Scope


class JobLimitReached(DomainError):
    """The user already has as many unfinished jobs as allowed."""


class JobAlreadyFinished(DomainError):
    """A finished job cannot be cancelled."""


def start_job(session, *, user_id: int, username: str, scope: Scope, kind: str, params: dict,
              per_user: int) -> Job:
    """Queue a job of `kind` for the user (checked: known kind, a scope, the per-user limit).

    The caller has checked that the user may start this kind; the job runs under the user's
    scope as it is when the worker picks it up.
    """
    if kind not in KINDS:
        raise DomainError(_l("Unknown kind of job."))
    if scope.nothing:
        raise DomainError(_l("Your account has no district or school; ask the district office."))
    active = session.query(Job.id).filter(Job.user_id == user_id,
                                          Job.status.in_(ACTIVE_STATUSES)).count()
    if active >= per_user:
        raise JobLimitReached(_l(
            "You already have %(n)s jobs waiting or running; wait for one to finish or cancel one.",
            n=active))
    job = Job(kind=kind, user_id=user_id, params=params, status=JobStatus.QUEUED,
              school_id=scope.school_id, district_id=scope.district_id)
    session.add(job)
    session.flush()
    audit.record(audit.JOB, entity="job", entity_id=job.id, school_id=scope.school_id,
                 detail=f"{kind}: started", new=params, user_id=user_id, username=username,
                 session=session)
    session.commit()
    return job


def cancel_job(session, job: Job) -> Job:
    """Cancel a job: a queued one at once, a running one at its next progress report."""
    if not job.is_active:
        raise JobAlreadyFinished(_l("This job has already finished."))
    if job.status == JobStatus.QUEUED:
        job.status, job.finished_at = JobStatus.CANCELLED, utcnow()
        audit.record(audit.JOB, entity="job", entity_id=job.id, school_id=job.school_id,
                     detail=f"{job.kind}: {JobStatus.CANCELLED.value}", session=session)
    job.cancel_requested = True
    session.commit()
    return job
