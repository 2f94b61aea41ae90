"""Exports of a list page as a background job, and the district's approval of a school's large export
of personal data (the job waits for it, a bounded number per user and a bounded number of days; the
worker runs queued jobs only)."""
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from app.commands.jobs import JobNotFound, add_job, lock_owner, start_job
from app.context import Actor, Context
from app.errors import AlreadyDone, DomainError
from app.models import Job, JobStatus, User
from app.security import audit

KIND = "list_export"
EXPIRED = "approval_expired"  # error_code of a request the district did not approve in time


class NotAnApprover(DomainError):
    """Only the district's own officers approve a school's export."""


class ApprovalLimitReached(DomainError):
    """The user already has as many exports waiting for approval as allowed."""


class ApprovalExpired(DomainError):
    """A request not approved within its days can no longer be approved."""


def needs_approval(scope, *, rows: int, personal: bool, threshold: int | None) -> bool:
    """A school (or class) user exporting more than `threshold` rows of personal data; never when the
    threshold is None (approval off)."""
    return threshold is not None and personal and scope.school_id is not None and rows > threshold


def start_list_export(ctx: Context, params: dict, *, per_user: int, waits: bool, waiting_per_user: int) -> Job:
    """Create the export job of a list (`params`: the view, its filter and order arguments…); when
    `waits`, it waits for the district's approval instead of being queued (audited either way).

    A queued export counts against the user's `per_user` running jobs; a waiting one does not, but
    the user may have at most `waiting_per_user` exports waiting (counted under the owner's lock,
    as start_job counts)."""
    if not waits:
        return start_job(ctx, KIND, params, per_user=per_user)
    lock_owner(ctx)
    waiting = ctx.session.query(Job.id).filter(Job.user_id == ctx.actor.user_id, Job.kind == KIND,
                                               Job.status == JobStatus.WAITING_APPROVAL).count()
    if waiting >= waiting_per_user:
        raise ApprovalLimitReached(_l(
            "You already have %(n)s exports waiting for the district's approval; wait for an answer or "
            "cancel one of them.", n=waiting))
    job = add_job(ctx, KIND, params, JobStatus.WAITING_APPROVAL)
    audit.record(ctx, audit.APPROVE, entity="job", entity_id=job.id, school_id=job.school_id,
                 detail=f"{KIND}: waiting for the district's approval ({params.get('rows')} rows)",
                 row_count=params.get("rows"))
    return job


def expires_at(job: Job, days: int) -> datetime:
    """When a request waiting for approval since `job.created_on` expires (after `days` days)."""
    return job.created_on + timedelta(days=days)


def _district_exports(ctx: Context):
    """List exports of the acting district user's schools (none for a school or class user)."""
    scope = ctx.scope
    query = ctx.session.query(Job).filter(Job.kind == KIND)
    if scope.everything:
        return query
    if scope.district_id is None or scope.school_id is not None:
        return query.filter(Job.id.is_(None))
    return query.filter(Job.district_id == scope.district_id)


def waiting_query(ctx: Context):
    """The exports of the acting district user's schools that wait for approval, oldest first."""
    return _district_exports(ctx).filter(Job.status == JobStatus.WAITING_APPROVAL).order_by(Job.id)


def approve_list_export(ctx: Context, job_id: int, *, may_approve: bool, expires_days: int) -> Job:
    """Queue a waiting export of one of the district's schools (enqueue it once committed).

    `may_approve`: the acting user may change the exported records (the view's write permission);
    only a district user (not a school) approves, never the job's owner. Approving twice is told
    as done, not done twice; a request older than `expires_days` is refused as expired (both in one
    compare-and-set on the status and the age, which the expiry sweep's cannot overlap)."""
    job = _district_exports(ctx).filter(Job.id == job_id).one_or_none()
    if job is None:
        raise JobNotFound()
    if not may_approve or job.user_id == ctx.actor.user_id:
        raise NotAnApprover(_l("Only the district's aid officers may approve a school's export."))
    params = {**(job.params or {}), "approved_by": ctx.actor.user_id}
    cutoff = ctx.now - timedelta(days=expires_days)
    changed = ctx.session.execute(
        update(Job).where(Job.id == job.id, Job.status == JobStatus.WAITING_APPROVAL, Job.created_on > cutoff)
        .values(status=JobStatus.QUEUED, queued_at=ctx.now, params=params)
    ).rowcount
    if not changed:
        ctx.session.refresh(job)
        if job.status == JobStatus.WAITING_APPROVAL or job.error_code == EXPIRED:
            raise ApprovalExpired(_l("This export was not approved within %(n)s days and has expired; the "
                                     "school may export the list again to ask anew.", n=expires_days))
        raise AlreadyDone(_l("This export no longer waits for approval."))
    ctx.session.expire(job)
    audit.record(ctx, audit.APPROVE, entity="job", entity_id=job.id, school_id=job.school_id,
                 detail=f"{KIND}: approved", row_count=params.get("rows"))
    return job


def expire_waiting_exports(ctx: Context, days: int) -> int:
    """End the exports that have waited for approval for `days` days or more (by the context's clock)
    as cancelled, saying why; each audited as its owner's job. The hourly sweep's step; returns how many."""
    session, cutoff = ctx.session, ctx.now - timedelta(days=days)
    old = session.execute(
        select(Job.id, Job.user_id, Job.school_id, User.username).join(User, User.id == Job.user_id)
        .where(Job.kind == KIND, Job.status == JobStatus.WAITING_APPROVAL, Job.created_on <= cutoff)
        .order_by(Job.id)
    ).all()
    expired = 0
    for row in old:  # each in a compare-and-set: an approval or a cancel that came first wins
        changed = session.execute(
            update(Job).where(Job.id == row.id, Job.status == JobStatus.WAITING_APPROVAL, Job.created_on <= cutoff)
            .values(status=JobStatus.CANCELLED, finished_at=ctx.now, error_code=EXPIRED,
                    error_detail={"days": days})
        ).rowcount
        if changed:
            expired += 1
            owner = ctx.acting_as(Actor(user_id=row.user_id, username=row.username))
            audit.record(owner, audit.JOB, entity="job", entity_id=row.id, school_id=row.school_id,
                         detail=f"{KIND}: not approved within {days} days, expired")
    return expired
