"""A disbursement batch made at once, or by a background job when it is large (app/jobs/batches.py).

`make_or_start` makes a batch of up to `threshold` entitled pupils in the request, as before; a
larger one (or any, when `background` is asked) is handed to the job "disbursement_batch", which
makes it through the same `create_batch` (the same rules, locks and idempotency key). The key is
honoured on both paths: a batch made under it already is answered as it is, and a job of the same
user still waiting or running under it is answered instead of a second one.
"""
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.commands.batch_preview import cash_item, drawn_allocation, entitled_count, school_in_scope
from app.commands.disbursement import NOT_ALLOCATED, BatchRefused, checked_key, create_batch, made_under
from app.commands.jobs import start_job
from app.commands.locking import lock_one
from app.context import Context
from app.errors import FieldErrors
from app.models import ACTIVE_STATUSES, DisbursementBatch, Job, Term, User

KIND = "disbursement_batch"


def make_or_start(ctx: Context, *, term_id: int, aid_item_id: int, school_id: int, idempotency_key: str,
                  fund_account_id: int | None = None, title: str | None = None, background: bool = False,
                  threshold: int, per_user: int) -> DisbursementBatch | Job:
    """The batch, made now when at most `threshold` pupils are entitled and `background` is not asked;
    else the (queued) job that makes it. Enqueue a job once the transaction has committed."""
    where = {"term_id": term_id, "aid_item_id": aid_item_id, "school_id": school_id}
    if not background and entitled_count(ctx, **where) <= threshold:
        return create_batch(ctx, idempotency_key=idempotency_key, fund_account_id=fund_account_id, title=title,
                            **where)
    return start_batch_job(ctx, idempotency_key=idempotency_key, fund_account_id=fund_account_id, title=title,
                           per_user=per_user, **where)


def start_batch_job(ctx: Context, *, term_id: int, aid_item_id: int, school_id: int, idempotency_key: str,
                    fund_account_id: int | None = None, title: str | None = None,
                    per_user: int) -> DisbursementBatch | Job:
    """Queue the job making the batch, after the checks that need no lock (the job makes them again):
    the key, the school in scope, a cash item, the term, an allocation to draw on. The batch made
    under the key already, or this user's unfinished job under it, is returned instead."""
    key = checked_key(idempotency_key)
    school = school_in_scope(ctx, school_id)
    item = cash_item(ctx, aid_item_id)
    if ctx.session.get(Term, term_id) is None:
        raise FieldErrors({"term_id": [_l("No such term.")]})
    where = {"term_id": term_id, "aid_item_id": item.id, "school_id": school.id, "fund_account_id": fund_account_id}
    made = made_under(ctx, key, **where)
    if made is not None:
        return made
    if drawn_allocation(ctx, school.id, item.id, term_id, fund_account_id) is None:
        raise BatchRefused(NOT_ALLOCATED)
    # the user's row locked (as start_job does): two posts of one key at once find the first's job
    lock_one(ctx.session, ctx.session.query(User.id).filter(User.id == ctx.actor.user_id), User, ctx.actor.user_id)
    waiting = ctx.session.execute(select(Job).where(
        Job.user_id == ctx.actor.user_id, Job.kind == KIND, Job.status.in_(ACTIVE_STATUSES))).scalars()
    same = next((job for job in waiting if (job.params or {}).get("idempotency_key") == key), None)
    if same is not None:
        return same
    params = {**where, "idempotency_key": key, "title": (title or "").strip()[:120] or None}
    return start_job(ctx, KIND, {name: value for name, value in params.items() if value is not None},
                     per_user=per_user)
