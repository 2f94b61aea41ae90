"""Result files are exports of children's data: kept for a few days, then deleted."""
from datetime import timedelta

from sqlalchemy import update

from app.jobs.runner import jobs_dir
from app.models import Job
from app.models.base import utcnow
from app.security import audit


def purge_results(session, keep_days: int) -> int:
    """Delete the result files of jobs finished more than `keep_days` ago; returns how many."""
    cutoff = utcnow() - timedelta(days=keep_days)
    old = session.query(Job.id, Job.result_file).filter(
        Job.result_file.isnot(None), Job.finished_at < cutoff).all()
    if not old:
        return 0
    folder = jobs_dir()
    for row in old:
        (folder / row.result_file).unlink(missing_ok=True)
    session.execute(update(Job).where(Job.id.in_([row.id for row in old])).values(result_file=None))
    audit.record(audit.JOB, entity="job", detail=f"result files older than {keep_days} days deleted",
                 row_count=len(old), session=session)
    session.commit()
    return len(old)
