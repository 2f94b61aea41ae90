"""Disbursement batches (发放批次): the batch made once, its steps, its money, the bank's answers.

`preview` (app/commands/batch_preview.py) lists who a new batch would pay and who not and why;
`create_batch` makes exactly that batch, once per
idempotency key (a double click or a resubmitted form gives the same batch), all or nothing; the
database's partial unique index keeps a pupil from a second live line of the item in the term.
The steps follow services/batch_flow.py; approving (four eyes: never the batch's creator) reserves
the batch's total on its allocation in the same transaction (app/commands/ledger.py: the account
locked, the allocation never overdrawn).
"""
import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from app.commands import bulk_writes
from app.commands.batch_preview import Candidate, cash_item, drawn_allocation, preview, school_in_scope
from app.commands.ledger import post
from app.commands.locking import lock_one
from app.context import Context
from app.errors import DomainError, FieldErrors, NotFound, Stale
from app.labels import enum_label
from app.models import (
    Allocation,
    BatchStatus,
    Book,
    DisbursementBatch,
    DisbursementLine,
    Entitlement,
    EntitlementStatus,
    EntryKind,
    LineStatus,
    Quota,
    Term,
)
from app.security import audit
from app.security.scope import limit
from app.services import batch_flow, ledger
from app.services.batch_flow import StepRefused
from app.services.ledger import Line

ZERO = Decimal("0.00")
KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")
LINE_CHUNK = 5000  # lines written per statement when a job follows the progress
NOT_ALLOCATED = _l("The district office has not allocated funds of this item to the school for this term yet.")


class BatchRefused(DomainError):
    """A batch cannot be made, or the step cannot be taken."""


def _request_hash(term_id: int, aid_item_id: int, school_id: int, fund_account_id: int | None) -> str:
    return hashlib.sha256(f"{term_id}|{aid_item_id}|{school_id}|{fund_account_id or ''}".encode()).hexdigest()


def checked_key(idempotency_key: str | None) -> str:
    """The form's (or client's) key of a batch, stripped; FieldErrors when missing or malformed."""
    key = (idempotency_key or "").strip()
    if not KEY.fullmatch(key):
        raise FieldErrors({"idempotency_key": [_l("The form's key is missing or malformed; open the form again.")]})
    return key


def made_under(ctx: Context, key: str, *, term_id: int, aid_item_id: int, school_id: int,
               fund_account_id: int | None = None) -> DisbursementBatch | None:
    """The batch made under `key` already (re-read), if any; FieldErrors when the key made another batch
    (another school, item, term or account) or one outside the scope."""
    made = ctx.session.query(DisbursementBatch).filter_by(idempotency_key=key).populate_existing().one_or_none()
    if made is None:
        return None
    if made.request_hash != _request_hash(term_id, aid_item_id, school_id, fund_account_id) or limit(
            ctx.session.query(DisbursementBatch.id).filter(DisbursementBatch.id == made.id), DisbursementBatch,
            ctx.scope).first() is None:
        raise FieldErrors({"idempotency_key": [_l("This form was already used for another batch; open the "
                                                  "form again.")]})
    return made


def create_batch(ctx: Context, *, term_id: int, aid_item_id: int, school_id: int, idempotency_key: str,
                 fund_account_id: int | None = None, title: str | None = None, progress=None,
                 chunk: int = LINE_CHUNK) -> DisbursementBatch:
    """Make the batch the preview shows, once: the same key again gives the same batch (another
    request under a used key is refused). All or nothing: the batch and every line, or none.

    `progress(done, total)`, when given, is called once the lines are planned (0 of them written)
    and after every `chunk` lines written, all in this one transaction (a job's progress and its
    chance to stop: whatever it raises undoes everything); without it the lines go in one statement.
    """
    key = checked_key(idempotency_key)
    digest = _request_hash(term_id, aid_item_id, school_id, fund_account_id)
    school = school_in_scope(ctx, school_id)
    item = cash_item(ctx, aid_item_id)
    allocation = drawn_allocation(ctx, school.id, item.id, term_id, fund_account_id)
    if allocation is None:
        raise BatchRefused(NOT_ALLOCATED)
    # batches of one allocation are made one at a time: the money and places left are read under the lock
    lock_one(ctx.session, ctx.session.query(Allocation).filter(Allocation.id == allocation.id), Allocation,
             allocation.id)
    quota = ctx.session.query(Quota).filter_by(school_id=school.id, aid_item_id=item.id, term_id=term_id)
    if quota.first() is not None:
        lock_one(ctx.session, quota, Quota, 0)
    made = made_under(ctx, key, term_id=term_id, aid_item_id=aid_item_id, school_id=school_id,
                      fund_account_id=fund_account_id)
    if made is not None:
        return made
    found = preview(ctx, term_id=term_id, aid_item_id=item.id, school_id=school.id,
                    fund_account_id=allocation.fund_account_id)
    if not found.eligible:
        raise BatchRefused(_l("No pupil can be paid in this batch: see the reasons in the preview."))
    if progress is not None:
        progress(0, found.count)
    term = ctx.session.get(Term, term_id)
    batch = DisbursementBatch(
        district_id=school.district_id, school_id=school.id, term_id=term_id, aid_item_id=item.id,
        allocation_id=allocation.id, status=BatchStatus.DRAFT, line_count=found.count, total=found.total,
        idempotency_key=key, request_hash=digest, created_by_fk=ctx.actor.user_id,
        title=((title or "").strip() or f"{school.name} {term.name} {item.name}")[:120])
    try:
        with ctx.session.begin_nested():  # a twin request under the same key, made meanwhile for another allocation
            ctx.session.add(batch)
    except IntegrityError:
        raise FieldErrors({"idempotency_key": [_l("This form was already used for another batch; open the "
                                                  "form again.")]}) from None
    _insert_lines(ctx, batch, found.eligible, progress, chunk)
    audit.record(ctx, audit.MONEY, entity="disbursement_batch", entity_id=batch.id, school_id=school.id,
                 detail=f"create: {found.count} {found.total}", row_count=found.count,
                 new={"status": batch.status.value, "line_count": found.count, "total": str(found.total)})
    return batch


def _insert_lines(ctx: Context, batch: DisbursementBatch, eligible: list[Candidate], progress=None,
                  chunk: int = LINE_CHUNK) -> None:
    """The batch's lines in one statement (`chunk` at a time with `progress` reported after each); a
    pupil put in another live line meanwhile refuses the whole batch (the partial unique index,
    whatever the checks before saw)."""
    keys = ("batch_id", "student_id", "school_id", "aid_item_id", "term_id", "entitlement_id", "tier_id",
            "amount", "payee_name", "payee_id_number", "bank_name", "bank_account", "reference", "status",
            "version")
    table = DisbursementLine.__table__
    connection = ctx.session.connection()
    convert = bulk_writes.converter(connection.dialect, table, keys)
    rows = [convert((batch.id, c.student_id, batch.school_id, batch.aid_item_id, batch.term_id, c.entitlement_id,
                     c.tier_id, c.amount, c.payee_name.strip()[:32], c.payee_id_number,
                     (c.bank_name or "").strip()[:64] or None,
                     c.bank_account, f"ZZ{batch.id:07d}{n:06d}", LineStatus.PENDING, 1))
            for n, c in enumerate(eligible, start=1)]
    step = max(1, chunk) if progress is not None else max(1, len(rows))
    try:
        with ctx.session.begin_nested():
            for start in range(0, len(rows), step):
                bulk_writes.insert_many(ctx.session.connection(), table, keys, rows[start:start + step])
                if progress is not None:
                    progress(min(start + step, len(rows)), len(rows))
    except IntegrityError:
        raise BatchRefused(_l("A pupil of this batch was put in another batch meanwhile; preview again.")) from None


def load_batch(ctx: Context, batch_id: int, *, lock: bool = False) -> DisbursementBatch:
    """The batch if it is in the scope; locked and re-read for a step."""
    query = limit(ctx.session.query(DisbursementBatch).filter(DisbursementBatch.id == batch_id),
                  DisbursementBatch, ctx.scope)
    batch = lock_one(ctx.session, query, DisbursementBatch, batch_id) if lock else query.one_or_none()
    if batch is None:
        raise NotFound(_l("No such batch, or it is not yours."))
    return batch


STEP_NAMES = {"submit": _l("submit"), "send_back": _l("send back"), "approve": _l("approve"),
              "withdraw": _l("withdraw"), "export": _l("export"), "reconcile": _l("reconcile")}


def _step(ctx: Context, batch_id: int, step: str, version: int | None) -> tuple[DisbursementBatch, BatchStatus]:
    """The batch locked, checked for `step` (its version when given); (batch, its status before)."""
    batch = load_batch(ctx, batch_id, lock=True)
    if version is not None and batch.version != version:
        raise Stale()
    try:
        target = batch_flow.next_status(step, batch.status.value, district=ctx.scope.school_id is None)
    except StepRefused as refused:
        if refused.code == "district_only":
            raise BatchRefused(_l("Only the district office can %(step)s a batch.", step=STEP_NAMES[step])) from None
        raise BatchRefused(_l("Cannot %(step)s a batch that is %(status)s.", step=STEP_NAMES[step],
                              status=enum_label(batch.status))) from None
    before = batch.status
    batch.status = BatchStatus(target)
    return batch, before


def _audit_step(ctx: Context, batch: DisbursementBatch, step: str, before: BatchStatus, detail: str = "") -> None:
    ctx.session.flush()
    audit.record(ctx, audit.MONEY, entity="disbursement_batch", entity_id=batch.id, school_id=batch.school_id,
                 detail=f"{step}: {detail}" if detail else step, old={"status": before.value},
                 new={"status": batch.status.value})


def submit(ctx: Context, batch_id: int, *, version: int | None = None) -> DisbursementBatch:
    """The school hands the batch to the district for approval."""
    batch, before = _step(ctx, batch_id, "submit", version)
    batch.submitted_on, batch.submitted_by = ctx.now, ctx.actor.user_id
    _audit_step(ctx, batch, "submit", before)
    return batch


def send_back(ctx: Context, batch_id: int, *, reason: str, version: int | None = None) -> DisbursementBatch:
    """The district returns a submitted batch to the school as a draft, saying why."""
    text = (reason or "").strip()
    if not text:
        raise FieldErrors({"reason": [_l("is required")]})
    batch, before = _step(ctx, batch_id, "send_back", version)
    batch.submitted_on = batch.submitted_by = None
    _audit_step(ctx, batch, "send_back", before, text[:200])
    return batch


def withdraw(ctx: Context, batch_id: int, *, reason: str, version: int | None = None) -> DisbursementBatch:
    """Withdraw a batch not yet approved: its lines are cancelled (the pupils may go in another batch)."""
    text = (reason or "").strip()
    if not text:
        raise FieldErrors({"reason": [_l("is required")]})
    batch, before = _step(ctx, batch_id, "withdraw", version)
    batch.withdrawn_reason = text[:200]
    ctx.session.execute(update(DisbursementLine).where(DisbursementLine.batch_id == batch.id)
                        .values(status=LineStatus.CANCELLED, version=DisbursementLine.version + 1)
                        .execution_options(synchronize_session=False))
    _audit_step(ctx, batch, "withdraw", before, text[:200])
    return batch


def approve(ctx: Context, batch_id: int, *, version: int | None = None) -> DisbursementBatch:
    """The district approves a submitted batch, never its creator's own (four eyes), and reserves its
    total on the allocation in the same transaction: more than the allocation holds is refused."""
    if ctx.actor.user_id is None:
        raise BatchRefused(_l("An approval needs a signed-in officer."))
    batch, before = _step(ctx, batch_id, "approve", version)
    if batch.created_by_fk is not None and batch.created_by_fk == ctx.actor.user_id:
        raise BatchRefused(_l("You made this batch; another officer must approve it."))
    count, total = ctx.session.execute(
        select(func.count(), func.coalesce(func.sum(DisbursementLine.amount), 0)).where(
            DisbursementLine.batch_id == batch.id, DisbursementLine.status == LineStatus.PENDING)).one()
    if count != batch.line_count or Decimal(total).quantize(ledger.CENT) != batch.total:
        raise BatchRefused(_l("The batch's lines no longer match its control totals; it cannot be approved."))
    stopped = ctx.session.execute(select(func.count()).select_from(DisbursementLine).join(
        Entitlement, Entitlement.id == DisbursementLine.entitlement_id).where(
        DisbursementLine.batch_id == batch.id,
        or_(Entitlement.status != EntitlementStatus.ACTIVE,  # stopped, or moved with a pupil to another school
            Entitlement.school_id != DisbursementLine.school_id))).scalar_one()
    if stopped:
        raise BatchRefused(_l("%(n)s pupils of this batch are no longer entitled (transferred, cancelled or "
                              "re-assessed since it was made); withdraw it and make a new one.", n=stopped))
    batch.approved_on, batch.approved_by = ctx.now, ctx.actor.user_id
    allocation = batch.allocation
    book = (batch.school_id, batch.aid_item_id, batch.term_id)
    post(ctx, EntryKind.RESERVATION, allocation.fund_account, ledger.move(
        batch.total, Line(Book.ALLOCATED.value, 0, *book), Line(Book.RESERVED.value, 0, *book, batch.id)),
        memo=batch.title[:200], school_id=batch.school_id, batch_id=batch.id, allocation_id=allocation.id)
    _audit_step(ctx, batch, "approve", before, str(batch.total))
    return batch


def mark_exported(ctx: Context, batch_id: int) -> DisbursementBatch:
    """The bank file of an approved batch was handed out: the batch waits for the bank's answer (a
    second download changes nothing)."""
    batch, before = _step(ctx, batch_id, "export", None)
    if before is BatchStatus.APPROVED:
        batch.exported_on = ctx.now
        _audit_step(ctx, batch, "export", before)
    return batch


@dataclass(frozen=True)
class Answer:
    """The bank's answer for one line: paid, or failed with the bank's reason."""

    reference: str
    paid: bool
    amount: Decimal
    reason: str | None = None


@dataclass
class Outcome:
    """What a set of answers did: lines paid and failed (count and amount), and what was refused."""

    paid: int = 0
    paid_amount: Decimal = ZERO
    failed: int = 0
    failed_amount: Decimal = ZERO
    unknown: list = field(default_factory=list)  # references not in the batch
    mismatched: list = field(default_factory=list)  # (reference, amount answered, amount of the line)
    answered_before: list = field(default_factory=list)  # references answered already


def _matched(answers: list[Answer], lines: dict) -> Outcome:
    """The answers matched with the batch's lines by reference: unknown (or given twice), amounts unlike
    the line's, lines answered before."""
    outcome, seen = Outcome(), set()
    for answer in answers:
        line = lines.get(answer.reference)
        if line is None or answer.reference in seen:
            outcome.unknown.append(answer.reference)
        elif answer.amount != line.amount:
            outcome.mismatched.append((answer.reference, answer.amount, line.amount))
        elif line.status is not LineStatus.PENDING:
            outcome.answered_before.append(answer.reference)
        seen.add(answer.reference)
    return outcome


def record_answers(ctx: Context, batch_id: int, answers: list[Answer]) -> Outcome:
    """Record the bank's answers for an exported batch, all or nothing: each line paid (reserved →
    paid) or failed (reserved → back to the allocation, the pupil free for a new batch once the
    account is corrected). An unknown reference or an amount unlike the line's refuses everything;
    a line answered before is left as it is. Every line answered: the batch is reconciled."""
    batch = load_batch(ctx, batch_id, lock=True)
    if batch.status is not BatchStatus.EXPORTED:
        raise BatchRefused(_l("Only a batch whose bank file was exported can take the bank's answer."))
    lines = {line.reference: line for line in ctx.session.query(DisbursementLine).filter(
        DisbursementLine.batch_id == batch.id).populate_existing()}
    outcome = _matched(answers, lines)
    if outcome.unknown or outcome.mismatched:
        raise BatchRefused(_l("The answer does not match the batch: %(unknown)s unknown references, "
                              "%(mismatched)s amounts unlike the batch's. Nothing was recorded.",
                              unknown=len(outcome.unknown), mismatched=len(outcome.mismatched)))
    for answer in answers:
        line = lines[answer.reference]
        if line.status is not LineStatus.PENDING:
            continue
        line.status, line.answered_on = (LineStatus.PAID if answer.paid else LineStatus.FAILED), ctx.today
        if answer.paid:
            outcome.paid, outcome.paid_amount = outcome.paid + 1, outcome.paid_amount + line.amount
        else:
            line.failure_reason = (answer.reason or "").strip()[:200] or str(_l("no reason given"))
            outcome.failed, outcome.failed_amount = outcome.failed + 1, outcome.failed_amount + line.amount
    _post_answers(ctx, batch, outcome)
    if all(line.status is not LineStatus.PENDING for line in lines.values()):
        before, batch.status, batch.reconciled_on = batch.status, BatchStatus.RECONCILED, ctx.now
        _audit_step(ctx, batch, "reconcile", before)
    ctx.session.flush()
    return outcome


def _post_answers(ctx: Context, batch: DisbursementBatch, outcome: Outcome) -> None:
    """The money of the answers: one entry for the lines paid, one for those failed."""
    account = batch.allocation.fund_account
    book = (batch.school_id, batch.aid_item_id, batch.term_id)
    reserved = Line(Book.RESERVED.value, 0, *book, batch.id)
    if outcome.paid_amount:
        post(ctx, EntryKind.PAYMENT, account, ledger.move(outcome.paid_amount, reserved,
                                                          Line(Book.PAID.value, 0, *book, batch.id)),
             memo=f"{batch.title} ({outcome.paid})"[:200], school_id=batch.school_id, batch_id=batch.id,
             allocation_id=batch.allocation_id)
    if outcome.failed_amount:
        post(ctx, EntryKind.RELEASE, account, ledger.move(outcome.failed_amount, reserved,
                                                          Line(Book.ALLOCATED.value, 0, *book)),
             memo=f"{batch.title} ({outcome.failed})"[:200], school_id=batch.school_id, batch_id=batch.id,
             allocation_id=batch.allocation_id)


def recover(ctx: Context, line_id: int, *, reason: str) -> DisbursementLine:
    """A paid line recovered (the information proved false, 追回): paid → back to the account's
    unallocated money; the line is reversed, never deleted."""
    text = (reason or "").strip()
    if not text:
        raise FieldErrors({"reason": [_l("is required")]})
    if ctx.scope.school_id is not None:
        raise BatchRefused(_l("Only the district office records a recovered payment."))
    line = limit(ctx.session.query(DisbursementLine).filter(DisbursementLine.id == line_id), DisbursementLine,
                 ctx.scope).one_or_none()
    if line is None:
        raise NotFound(_l("No such payment, or it is not yours."))
    line = lock_one(ctx.session, ctx.session.query(DisbursementLine).filter(DisbursementLine.id == line.id),
                    DisbursementLine, line.id)
    if line.status is not LineStatus.PAID:
        raise BatchRefused(_l("Only a paid line can be recovered."))
    batch = line.batch
    post(ctx, EntryKind.RECOVERY, batch.allocation.fund_account, ledger.move(
        line.amount, Line(Book.PAID.value, 0, batch.school_id, batch.aid_item_id, batch.term_id, batch.id),
        Line(Book.UNALLOCATED.value, 0)), memo=text[:200], school_id=batch.school_id, batch_id=batch.id,
        allocation_id=batch.allocation_id, reference=line.reference)
    line.status = LineStatus.REVERSED
    ctx.session.flush()
    audit.record(ctx, audit.MONEY, entity="disbursement_line", entity_id=line.id, school_id=line.school_id,
                 detail=f"recover: {line.amount}", old={"status": "paid"}, new={"status": "reversed"})
    return line
