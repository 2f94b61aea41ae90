"""The scoring job: every submitted application of a school (or the district) and term scored."""
from flask_babel import lazy_gettext as _l

from app.commands.batch_scoring import score_submitted
from app.errors import DomainError
from app.jobs.kinds import JobContext, JobResult, job_kind
from app.models import Term
from app.models.base import utcnow
from app.workbench.context import current_term


def _term_id(ctx: JobContext) -> int:
    """The term chosen on the start form, else the current one."""
    if ctx.params.get("term_id"):
        term = ctx.session.get(Term, int(ctx.params["term_id"]))
    else:
        term = current_term(ctx.session)
    if term is None:
        raise DomainError(_l("No current term has been set."))
    return term.id


def _school_id(ctx: JobContext) -> int | None:
    """A school user's own school; for the district the school chosen (none: every school)."""
    if ctx.scope.school_id is not None:
        return ctx.scope.school_id
    chosen = ctx.params.get("school_id")
    return int(chosen) if chosen else None


@job_kind("score_applications", label=_l("Score submitted applications"),
          description=_l("Scores every application of the term that is ready for scoring, in the "
                         "chosen school or in every school, under the identification standard in "
                         "force; applications scored before keep their result."),
          permission=("can_assess", "Assessment"), icon="fa-calculator", options=("term_id", "school_id"))
def score_applications(ctx: JobContext) -> JobResult:
    """Score chunk by chunk; each chunk is committed before its progress is reported."""
    session = ctx.session

    def progress(done: int, total: int | None) -> None:
        session.commit()  # the progress report writes through its own connection
        ctx.progress(done, total)

    counts = score_submitted(session, ctx.scope, school_id=_school_id(ctx), term_id=_term_id(ctx),
                             now=utcnow(), progress=progress, user_id=ctx.user.id,
                             username=ctx.user.username, chunk=ctx.chunk_rows)
    session.commit()
    skipped = counts["skipped"]
    return JobResult(rows=counts["scored"], summary={
        "scored": counts["scored"], "skipped": sum(skipped.values()),
        **{f"skipped_{reason}": n for reason, n in skipped.items()}})
