"""The one runner: a use case's transaction, and what its refusal means, for pages, the API, the
CLI and jobs alike.

`run(ctx, command, …)` calls `command(ctx, …)`, commits when it returns and rolls back when it
raises; a save overtaken by another (StaleDataError) becomes `Stale`. `answer(err)` classifies a
refusal once: its HTTP status, its message and, for field errors, {field: [message]}. Commands never
commit; the pages (`app/views/framework/runner.py`) and the API (`app/api/command_api.py`) only render answers.

`Chunks` runs a bulk step's chunks, each in a transaction of its own when the caller asks for it
(a district's job), the writing of one overlapping the reading of the next.
"""
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from flask import current_app
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.orm.exc import StaleDataError

from app.context import CONTEXT, Context
from app.errors import AlreadyDone, DomainError, FieldErrors, NotFound, Stale

NOT_FOUND, FIELDS, DONE, REFUSED = 404, 422, 200, 409


def run(ctx: Context, command, *args, **kwargs):
    """`command(ctx, *args, **kwargs)` in one transaction of `ctx.session`: committed on return,
    rolled back on any exception (re-raised; StaleDataError as Stale)."""
    session = ctx.session
    outer = session.info.get(CONTEXT)
    session.info[CONTEXT] = ctx
    try:
        result = command(ctx, *args, **kwargs)
        session.commit()
    except StaleDataError:
        session.rollback()
        raise Stale() from None
    except BaseException:
        session.rollback()
        raise
    finally:
        session.info[CONTEXT] = outer
    return result


@dataclass(frozen=True)
class Answer:
    """What a refusal means to the one who asked: status, message and the refused fields."""

    status: int
    message: str
    fields: dict | None = None

    @property
    def kind(self) -> str:
        """'not_found', 'fields', 'done' or 'refused'."""
        return {NOT_FOUND: "not_found", FIELDS: "fields", DONE: "done"}.get(self.status, "refused")


def answer(err: DomainError, aliases: dict | None = None) -> Answer:
    """The answer to a refusal, in the current language; `aliases` renames refused fields
    (a command's return_reason is the body's reason)."""
    if isinstance(err, NotFound):
        return Answer(NOT_FOUND, str(err))
    if isinstance(err, FieldErrors):
        fields = {(aliases or {}).get(f, f): m for f, m in err.as_dict().items()}
        return Answer(FIELDS, err.first_message(), fields)
    if isinstance(err, AlreadyDone):
        return Answer(DONE, str(err))
    return Answer(REFUSED, str(err))


# A bulk step walked in chunks, each chunk its own transaction, the writing of one overlapping the
# reading of the next (PostgreSQL, district-sized steps).
#
# A chunk of a district's batch has two halves: Python reads, checks and converts it, then the
# database writes it (a million applications on PostgreSQL: about 45 s and 90 s). Done one after the
# other, each half waits for the other. Here every chunk is still read, locked, checked, written and
# committed in one transaction of its own, but two transactions take turns (two lanes, each a session
# with its connection): while the database writes and commits chunk n on one lane, chunk n + 1 is
# read and converted on the other. The chunks of a keyset walk hold different rows, each locked by
# its own transaction, so the lanes never wait for each other.
#
# SQLite writes one transaction at a time: one lane, each chunk written as soon as it is read (a second
# lane would only wait for the first to commit). A step of fewer than OVERLAP_FROM rows, or one that
# keeps its chunks in the caller's transaction (`commit=False`), has one lane too.
#
# Threads: one worker writes and commits; a lane's session is used by one thread at a time (the main
# thread takes a lane back only once its last write has returned), and what the chunks share (memos of
# results) is touched by the main thread alone. A failed write is raised on the main thread when a lane
# is taken next or when the walk ends; the chunks committed before it stay committed and none given after
# it is written, as one after the other.

OVERLAP_FROM = 20_000  # rows: a district-sized step overlaps its chunks; a school's few hundred do not


def _session_itself(session):
    """The Session a context's session stands for (a scoped session's current one): the lanes hand
    sessions between threads, where a scoped proxy would name another."""
    return session() if isinstance(session, scoped_session) else session


class Chunks:
    """The lanes of one bulk step: `take()` the context of the next chunk, read and convert the chunk
    in it, then `write(ctx, write, rows)`: `write()` runs (and the transaction commits, when `commit`)
    in the background when the lanes overlap, now otherwise. `committed(rows)` is called on the main
    thread once each chunk is committed (or written, when `commit` is False)."""

    def __init__(self, ctx: Context, *, commit: bool, rows: int, committed=None):
        first = _session_itself(ctx.session)
        self.commit, self.committed = commit, committed
        self.lanes = [replace(ctx, session=first)]
        self.pending: dict = {}  # lane → (future of its write, rows)
        self.pool, self.turn, self.failed = None, 0, None
        if commit and rows >= OVERLAP_FROM and first.get_bind().dialect.name != "sqlite":
            second = Session(bind=first.get_bind())
            lane = replace(ctx, session=second)
            second.info[CONTEXT] = lane  # its events and hooks serve the same use case
            self.lanes.append(lane)
            self.app = current_app._get_current_object()
            self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="bulk-write")

    @property
    def overlapping(self) -> bool:
        """Whether one chunk is written while the next is read."""
        return self.pool is not None

    def __enter__(self) -> "Chunks":
        return self

    def __exit__(self, kind, error, trace) -> None:
        """Every write waited for; on success each lane's transaction ended (committed when `commit`);
        on failure the lanes rolled back. The second lane's session is closed either way."""
        try:
            self._drain(raise_errors=kind is None)
            if kind is None and self.commit:
                for lane in self.lanes:
                    lane.session.commit()  # the last read of each lane (no rows: nothing to write)
        except BaseException:
            kind = kind or Exception
            raise
        finally:
            if kind is not None:
                for lane in self.lanes:
                    lane.session.rollback()
            for lane in self.lanes[1:]:
                lane.session.close()
            if self.pool is not None:
                self.pool.shutdown(wait=True)

    def take(self) -> Context:
        """The context of the next chunk: a lane whose last write has returned (its failure raised
        here)."""
        lane = self.turn % len(self.lanes)
        self.turn += 1
        self._wait(lane)
        return self.lanes[lane]

    def write(self, ctx: Context, write, rows: int) -> None:
        """`write()` in the transaction of `ctx`'s lane, then its commit (when `commit`): in the
        background when overlapping, else now."""
        lane = next(i for i, found in enumerate(self.lanes) if found is ctx)
        if lane in self.pending:
            raise RuntimeError("a lane's chunk was written before its last write returned")
        if self.pool is None:
            write()
            if self.commit:
                ctx.session.commit()
            self._done(rows)
            return
        self.pending[lane] = (self.pool.submit(self._write_committed, ctx.session, write), rows)

    def _write_committed(self, session, write) -> None:
        """The worker's part: write and commit, in the app's context (hooks may read its config);
        rolled back at once on failure, so that its locks go before the main thread learns of it."""
        with self.app.app_context():
            try:
                if self.failed is not None:  # a chunk given before failed: none after it is written
                    raise self.failed
                write()
                session.commit()
            except BaseException as error:
                session.rollback()
                if self.failed is None:
                    self.failed = error
                raise

    def _wait(self, lane: int) -> None:
        """The lane's write in flight, waited for (its failure raised); its rows reported."""
        found = self.pending.pop(lane, None)
        if found is None:
            return
        future, rows = found
        if future.exception() is not None:
            raise self.failed  # the first write that failed, whichever lane is waited for
        self._done(rows)

    def _drain(self, raise_errors: bool) -> None:
        """Every write in flight waited for, in the order they were given (the worker takes them in
        that order); the first failure raised once all have returned."""
        for future, _rows in self.pending.values():
            future.exception()  # returned, whatever its outcome: no session is still in use
        for lane in list(self.pending):  # a dict keeps the order its writes were given in
            if raise_errors:
                self._wait(lane)
            else:
                self.pending.pop(lane)

    def _done(self, rows: int) -> None:
        if self.committed is not None:
            self.committed(rows)
