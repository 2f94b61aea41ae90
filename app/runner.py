"""The one runner: a use case's transaction, and what its refusal means, for pages, the API, the
CLI and jobs alike.

`run(ctx, command, …)` calls `command(ctx, …)`, commits when it returns and rolls back when it
raises; a save overtaken by another (StaleDataError) becomes `Stale`. `answer(err)` classifies a
refusal once: its HTTP status, its message and, for field errors, {field: [message]}. Commands never
commit; the pages (`app/views/framework/runner.py`) and the API (`app/api/command_api.py`) only render answers.
"""
from dataclasses import dataclass

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
