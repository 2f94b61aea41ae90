"""Kinds of background job: what each one is called, who may start it, and the work it does."""
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from app.context import Context
from app.security.scope import Scope


class JobCancelled(Exception):
    """The owner asked to cancel; raised by `JobContext.progress` between two chunks of work."""


@dataclass(frozen=True)
class JobResult:
    """What a finished job leaves: an optional file to download and a few counts to show."""

    file: Path | None = None
    download_name: str | None = None
    rows: int | None = None
    summary: dict = field(default_factory=dict)
    progress: tuple[int, int] | None = None  # (done, total) recorded as the job ends, for work that could
    # not write its progress as it went (a batch on SQLite holds the one write lock until it commits)


@dataclass
class JobContext:
    """What a job's work sees: its use-case context, its parameters and the run's helpers.

    `ctx` is the one Context of the run: the worker's session, the owner's scope, the owner as
    actor and the app's clock (commands called by a kind take it as they are). `progress(done,
    total)` records how far the work got and raises JobCancelled when the owner asked to stop;
    call it after every chunk. `output(suffix)` is where to write the result file; `workdir` is the
    run's own folder for temporary files (removed when the run ends).
    """

    job_id: int
    ctx: Context
    params: dict
    chunk_rows: int
    progress: Callable[[int, int | None], None]
    output: Callable[[str], Path]
    workdir: Path | None = None

    @property
    def session(self):
        """The run's session (the context's)."""
        return self.ctx.session

    @property
    def scope(self) -> Scope:
        """The owner's scope (the context's)."""
        return self.ctx.scope


@dataclass(frozen=True)
class JobKind:
    """A kind of job: `run(ctx) -> JobResult` does the work under the owner's scope."""

    key: str
    label: object  # lazy translated
    description: object
    permission: tuple[str, str]  # FAB (permission, view menu) the owner needs to start it
    run: Callable[[JobContext], JobResult]
    icon: str = "fa-cog"
    options: tuple = ()  # names of the start form's fields (see app/jobs/forms.py)
    listed: bool = True  # offered on the jobs page and POST /job/start (False: started from its own page)


KINDS: dict[str, JobKind] = {}


def keyset_chunks(job: JobContext, query, key):
    """Rows of `query` in `key` order, `job.chunk_rows` at a time (keyset, no OFFSET); the
    query's first column must be `key`."""
    query = query.order_by(key).limit(job.chunk_rows)
    last = 0
    while rows := job.session.execute(query.where(key > last)).all():
        yield rows
        last = rows[-1][0]


def job_kind(key: str, *, label, description, permission: tuple[str, str], icon: str = "fa-cog",
             options: tuple = (), listed: bool = True):
    """Register the decorated `run(ctx) -> JobResult` as the job kind `key`."""
    def register(run: Callable[[JobContext], JobResult]):
        KINDS[key] = JobKind(key, label, description, permission, run, icon, options, listed)
        return run
    return register
