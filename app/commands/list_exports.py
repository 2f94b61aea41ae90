"""Exports of a list page as a background job, and the district's approval of a school's large export
of personal data (the job waits for it; the worker runs queued jobs only)."""
from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from app.commands.jobs import JobNotFound, start_job
from app.context import Context
from app.errors import AlreadyDone, DomainError
from app.models import Job, JobStatus
from app.security import audit

KIND = "list_export"


class NotAnApprover(DomainError):
    """Only the district's own officers approve a school's export."""


def needs_approval(scope, *, rows: int, personal: bool, threshold: int | None) -> bool:
    """A school (or class) user exporting more than `threshold` rows of personal data; never when the
    threshold is None (approval off)."""
    return threshold is not None and personal and scope.school_id is not None and rows > threshold


def start_list_export(ctx: Context, params: dict, *, per_user: int, waits: bool) -> Job:
    """Create the export job of a list (`params`: the view, its filter and order arguments…); when
    `waits`, it waits for the district's approval instead of being queued (audited either way)."""
    job = start_job(ctx, KIND, params, per_user=per_user)
    if waits:
        job.status = JobStatus.WAITING_APPROVAL
        ctx.session.flush()
        audit.record(ctx, audit.APPROVE, entity="job", entity_id=job.id, school_id=job.school_id,
                     detail=f"{KIND}: waiting for the district's approval ({params.get('rows')} rows)",
                     row_count=params.get("rows"))
    return job


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


def approve_list_export(ctx: Context, job_id: int, *, may_approve: bool) -> Job:
    """Queue a waiting export of one of the district's schools (enqueue it once committed).

    `may_approve`: the acting user may change the exported records (the view's write permission);
    only a district user (not a school) approves, never the job's owner. Approving twice is told
    as done, not done twice (compare-and-set on the status)."""
    job = _district_exports(ctx).filter(Job.id == job_id).one_or_none()
    if job is None:
        raise JobNotFound()
    if not may_approve or job.user_id == ctx.actor.user_id:
        raise NotAnApprover(_l("Only the district's aid officers may approve a school's export."))
    params = {**(job.params or {}), "approved_by": ctx.actor.user_id}
    changed = ctx.session.execute(
        update(Job).where(Job.id == job.id, Job.status == JobStatus.WAITING_APPROVAL)
        .values(status=JobStatus.QUEUED, queued_at=ctx.now, params=params)
    ).rowcount
    if not changed:
        raise AlreadyDone(_l("This export no longer waits for approval."))
    ctx.session.expire(job)
    audit.record(ctx, audit.APPROVE, entity="job", entity_id=job.id, school_id=job.school_id,
                 detail=f"{KIND}: approved", row_count=params.get("rows"))
    return job
