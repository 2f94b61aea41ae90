"""The batch job: a large disbursement batch made in the background, with its progress.

Started from the batch page or the API above the size they make at once (app/commands/batch_jobs.py);
not offered on the jobs page, whose start form has no aid item nor key.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.commands.batch_jobs import KIND
from app.commands.disbursement import create_batch
from app.commands.locking import on_sqlite
from app.errors import DomainError, FieldErrors
from app.extensions import db
from app.jobs.kinds import JobCancelled, JobContext, JobResult, job_kind
from app.models import Job

PARAMS = ("term_id", "aid_item_id", "school_id", "fund_account_id")


def _ids(job: JobContext) -> dict:
    """The batch's school, item, term (and account) from the job's parameters."""
    try:
        return {name: int(job.params[name]) if job.params.get(name) is not None else None for name in PARAMS}
    except (TypeError, ValueError):
        raise DomainError(_l("The job's parameters are incomplete; make the batch again from its page.")) from None


def _reporter(job: JobContext, seen: list):
    """What the batch's transaction calls between chunks. PostgreSQL: the job's progress (written on a
    connection of its own). SQLite has one writer, and the batch holds it until it commits: a write
    would wait for that, so only a request to cancel is read (readers never wait) and the progress
    is written once the batch is stored."""
    if not on_sqlite(job.session):
        return job.progress

    def cancel_only(done: int, total: int | None = None) -> None:
        seen[:] = [done, total]
        with db.engine.connect() as conn:
            if conn.execute(select(Job.cancel_requested).where(Job.id == job.job_id)).scalar():
                raise JobCancelled()

    return cancel_only


@job_kind(KIND, label=_l("Make a disbursement batch"),
          description=_l("Makes a large disbursement batch from its preview: every pupil the batch pays, "
                         "once per form, all or nothing."),
          permission=("can_write", "DisbursementBatch"), icon="fa-money", listed=False)
def make_batch(job: JobContext) -> JobResult:
    """Make the batch as the job's owner (their scope: a school makes its own batches only) through the
    page's command; the same key made again gives the same batch. One transaction, the runner's: a
    cancellation between chunks leaves nothing."""
    seen: list = []
    try:
        batch = create_batch(job.ctx, idempotency_key=job.params.get("idempotency_key"),
                             title=job.params.get("title"), progress=_reporter(job, seen),
                             chunk=max(job.chunk_rows, 1), **_ids(job))
    except FieldErrors as err:  # the job page shows one sentence, kept translatable
        raise DomainError(err.errors[next(iter(err.errors))][0]) from None
    # the runner commits the batch when this returns and records the job done with its progress (not
    # written here: on SQLite it would wait for this transaction's own write lock)
    return JobResult(rows=batch.line_count, progress=(batch.line_count, batch.line_count),
                     summary={"batch_id": batch.id, "lines": batch.line_count, "total": batch.total})
