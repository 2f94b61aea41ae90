"""The scoring job: every submitted application of a school (or the district) and term scored."""
from flask_babel import lazy_gettext as _l

from app.commands.batch_scoring import CHUNK, score_submitted
from app.commands.statistics import tidy_after_bulk_step
from app.errors import DomainError
from app.jobs.kinds import JobContext, JobResult, job_kind
from app.models import Application, Term
from app.queries.terms import current_term


def _term_id(job: JobContext) -> int:
    """The term chosen on the start form, else the current one."""
    if job.params.get("term_id"):
        term = job.session.get(Term, int(job.params["term_id"]))
    else:
        term = current_term(job.session)
    if term is None:
        raise DomainError(_l("No current term has been set."))
    return term.id


def _school_id(job: JobContext) -> int | None:
    """A school user's own school; for the district the school chosen (none: every school)."""
    if job.scope.school_id is not None:
        return job.scope.school_id
    chosen = job.params.get("school_id")
    return int(chosen) if chosen else None


@job_kind("score_applications", label=_l("Score submitted applications"),
          description=_l("Scores every application of the term that is ready for scoring, in the "
                         "chosen school or in every school, under the identification standard in "
                         "force; applications scored before keep their result."),
          permission=("can_assess", "Assessment"), icon="fa-calculator", options=("term_id", "school_id"))
def score_applications(job: JobContext) -> JobResult:
    """Score chunk by chunk as the job's owner, each chunk committed before its progress is reported
    (on PostgreSQL a district's chunks overlap: one is written while the next is read,
    `Chunks` in app/runner.py). A chunk is batch scoring's own (CHUNK, larger than the jobs' usual report
    interval): a chunk costs one commit, and scoring a thousand takes a tenth of a second."""
    counts = score_submitted(job.ctx, school_id=_school_id(job), term_id=_term_id(job), progress=job.progress,
                             chunk=max(CHUNK, job.chunk_rows), commit=True)
    job.session.commit()  # every chunk stored before the table is tidied
    tidy_after_bulk_step(job.session.get_bind(), Application, counts["scored"])
    skipped = counts["skipped"]
    return JobResult(rows=counts["scored"], summary={
        "scored": counts["scored"], "skipped": sum(skipped.values()),
        **{f"skipped_{reason}": n for reason, n in skipped.items()}})
