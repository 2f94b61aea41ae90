"""Result files are exports of children's data: kept for a few days, then deleted."""
import time
from datetime import timedelta

from sqlalchemy import select, update

from app.context import Context
from app.jobs.files import purge_work_folders, work_folder_name
from app.jobs.runner import jobs_dir
from app.models import Job, JobStatus
from app.security import audit


def _purge_strays(folder, keep_days: int, known: set[str]) -> None:
    """Files no job points to (left by a worker killed mid-write) go after `keep_days` too."""
    cutoff = time.time() - keep_days * 86400
    for path in folder.glob("job-*"):
        if path.is_file() and path.name not in known and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def purge_work(session, grace: float = 60.0) -> int:
    """Working folders (temporary files of an export) of runs no longer going: a killed worker's."""
    running = session.execute(select(Job.id, Job.attempts).where(Job.status == JobStatus.RUNNING)).all()
    return purge_work_folders(jobs_dir(), {work_folder_name(r.id, r.attempts) for r in running}, grace)


def purge_results(ctx: Context, keep_days: int) -> int:
    """Delete the result files of jobs finished more than `keep_days` ago (by the context's clock);
    returns how many. The rows forget their files in the caller's transaction."""
    session, cutoff = ctx.session, ctx.now - timedelta(days=keep_days)
    folder = jobs_dir()
    purge_work(session)
    known = set(session.scalars(select(Job.result_file).where(Job.result_file.isnot(None))))
    _purge_strays(folder, keep_days, known)
    old = session.query(Job.id, Job.result_file).filter(
        Job.result_file.isnot(None), Job.finished_at < cutoff).all()
    if not old:
        return 0
    for row in old:
        (folder / row.result_file).unlink(missing_ok=True)
    session.execute(update(Job).where(Job.id.in_([row.id for row in old])).values(result_file=None))
    audit.record(ctx, audit.JOB, entity="job", detail=f"result files older than {keep_days} days deleted",
                 row_count=len(old))
    return len(old)
