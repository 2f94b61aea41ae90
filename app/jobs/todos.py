"""The workbench's job to-dos: one's failed jobs, and what the last pupil data check found."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from app.models import Job, JobStatus
from app.workbench import Todo, WorkbenchContext, quick_action, todo
from app.workbench.links import EQUAL_ENUM, link

RECENT = timedelta(days=7)
READ = ("can_read", "Job")


def _own(ctx: WorkbenchContext, query):
    """Only the user's own jobs (an auditor's workbench is about their own work too)."""
    return query.filter(Job.user_id == ctx.user.id)


@todo("jobs.failed", permission=READ, order=80)
def failed_jobs(ctx: WorkbenchContext):
    """Jobs of the last 7 days that failed: look at the reason and start them again."""
    count = _own(ctx, ctx.session.query(func.count(Job.id))).filter(
        Job.status == JobStatus.FAILED, Job.created_on >= ctx.now - RECENT).scalar()
    return Todo(title=_l("Exports or checks that failed (last 7 days)"), count=count, level="warning",
                url=link("JobModelView.list", **{EQUAL_ENUM.format("status"): "failed"}),
                hint=_l("Open a job to see why, then start it again."))


@todo("jobs.running", permission=READ, order=85)
def running_jobs(ctx: WorkbenchContext):
    """Jobs still waiting or running."""
    count = _own(ctx, ctx.session.query(func.count(Job.id))).filter(
        Job.status.in_((JobStatus.QUEUED, JobStatus.RUNNING))).scalar()
    return Todo(title=_l("Exports or checks in progress"), count=count,
                url=link("JobModelView.list"))


@todo("jobs.pupil_problems", permission=("can_read", "Student"), order=70)
def pupil_problems(ctx: WorkbenchContext):
    """What the user's latest finished pupil data check found (if it found anything)."""
    job = _own(ctx, ctx.session.query(Job)).filter(
        Job.kind == "pupil_check", Job.status == JobStatus.SUCCEEDED,
    ).order_by(Job.id.desc()).first()
    problems = (job.summary or {}).get("problems", 0) if job else 0
    if not problems:
        return None
    return Todo(title=_l("Problems in pupil records (latest data check)"), count=problems,
                level="warning", url=link("JobView.show", pk=job.id),
                hint=_l("Download the list, correct the records, then run the check again."))


quick_action("jobs.pupil_check", _l("Check pupil records"), "JobView.new",
             permission=("can_read", "Student"), icon="fa-stethoscope", order=60, kind="pupil_check")
quick_action("jobs.pupil_roster", _l("Export the pupil roster"), "JobView.new",
             permission=("can_read", "Student"), icon="fa-file-excel-o", order=65, kind="pupil_roster")
