"""Read models of disbursement batches for the payment register (发放名册) and the reconciliation with the
bank (对账): scoped (a school sees only its own batches), accounts masked, money summed as Decimal."""
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select

from app.models import (
    AidItem,
    Application,
    ApplicationStatus,
    BatchStatus,
    DisbursementBatch,
    DisbursementLine,
    Entitlement,
    LineStatus,
    School,
    Student,
    Term,
    Tier,
)
from app.security.scope import Scope, criterion
from app.services.masking import mask_bank_account

ZERO = Decimal("0.00")
# the lines a register lists: those to be paid or paid (not failed, cancelled or recovered)
REGISTER_STATUSES = (LineStatus.PENDING, LineStatus.PAID)
# batches the bank has or will have: approved and after
RECONCILED_STATUSES = (BatchStatus.APPROVED, BatchStatus.EXPORTED, BatchStatus.RECONCILED)


@dataclass(frozen=True)
class BatchHeading:
    """What a report says of its batch."""

    id: int
    title: str
    school: str
    term: str
    item: str
    status: BatchStatus
    line_count: int
    total: Decimal


@dataclass(frozen=True)
class RegisterLine:
    """One pupil's line of the payment register."""

    seq: int
    name: str
    grade: int
    class_name: str
    tier: str
    amount: Decimal
    payee: str
    account: str  # masked: **** **** **** 1234


@dataclass(frozen=True)
class Register:
    batch: BatchHeading
    lines: list[RegisterLine]

    @property
    def count(self) -> int:
        return len(self.lines)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)


def _where(model, scope: Scope) -> list:
    found = criterion(model, scope)
    return [] if found is None else [found]


def _headings(session, scope: Scope, *conditions) -> list[BatchHeading]:
    rows = session.execute(
        select(DisbursementBatch.id, DisbursementBatch.title, School.name, Term.name, AidItem.name,
               DisbursementBatch.status, DisbursementBatch.line_count, DisbursementBatch.total)
        .join(School, School.id == DisbursementBatch.school_id).join(Term, Term.id == DisbursementBatch.term_id)
        .join(AidItem, AidItem.id == DisbursementBatch.aid_item_id)
        .where(*conditions, *_where(DisbursementBatch, scope)).order_by(DisbursementBatch.id))
    return [BatchHeading(*row) for row in rows]


def batch_heading(session, scope: Scope, batch_id: int) -> BatchHeading | None:
    """The batch in the scope, or None."""
    found = _headings(session, scope, DisbursementBatch.id == batch_id)
    return found[0] if found else None


def payment_register(session, scope: Scope, batch_id: int) -> Register | None:
    """The batch's pupils to be paid or paid, class by class (grade, class, then the batch's order), with
    tier, amount, payee and masked account; None when the batch is not in the scope."""
    heading = batch_heading(session, scope, batch_id)
    if heading is None:
        return None
    rows = session.execute(
        select(Student.name, Student.grade, Student.class_name, Tier.name, DisbursementLine.amount,
               DisbursementLine.payee_name, DisbursementLine.bank_account)
        .join(Student, Student.id == DisbursementLine.student_id).join(Tier, Tier.id == DisbursementLine.tier_id)
        .where(DisbursementLine.batch_id == batch_id, DisbursementLine.status.in_(REGISTER_STATUSES),
               *_where(DisbursementLine, scope))
        .order_by(Student.grade, Student.class_name, DisbursementLine.id))
    lines = [RegisterLine(n, name, grade, class_name or "", tier, amount, payee, mask_bank_account(account or ""))
             for n, (name, grade, class_name, tier, amount, payee, account) in enumerate(rows, start=1)]
    return Register(heading, lines)


@dataclass(frozen=True)
class Tally:
    """A count of lines and their amount."""

    count: int = 0
    amount: Decimal = ZERO

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(self.count + other.count, self.amount + other.amount)


@dataclass(frozen=True)
class Reconciliation:
    """One batch against the bank: expected (every line), paid, failed, pending (no answer yet) and
    recovered (paid, then taken back)."""

    batch: BatchHeading
    expected: Tally
    paid: Tally
    failed: Tally
    pending: Tally
    recovered: Tally


def reconciliation(session, scope: Scope, *, term_id: int | None = None,
                   batch_ids: list[int] | None = None) -> list[Reconciliation]:
    """Each approved, exported or reconciled batch in the scope (of a term, or the batches named)."""
    conditions = [DisbursementBatch.status.in_(RECONCILED_STATUSES)]
    if term_id is not None:
        conditions.append(DisbursementBatch.term_id == term_id)
    if batch_ids is not None:
        conditions.append(DisbursementBatch.id.in_(batch_ids))
    headings = _headings(session, scope, *conditions)
    tallies: dict = {}
    if headings:
        for batch_id, status, count, amount in session.execute(
                select(DisbursementLine.batch_id, DisbursementLine.status, func.count(),
                       func.coalesce(func.sum(DisbursementLine.amount), 0))
                .where(DisbursementLine.batch_id.in_([h.id for h in headings]))
                .group_by(DisbursementLine.batch_id, DisbursementLine.status)):
            tallies[batch_id, status] = Tally(count, Decimal(amount).quantize(Decimal("0.01")))
    found = []
    for heading in headings:
        def of(status, batch_id=heading.id) -> Tally:
            return tallies.get((batch_id, status), Tally())

        paid, failed, pending, recovered = (of(LineStatus.PAID), of(LineStatus.FAILED), of(LineStatus.PENDING),
                                            of(LineStatus.REVERSED))
        found.append(Reconciliation(heading, paid + failed + pending + recovered, paid, failed, pending, recovered))
    return found


@dataclass(frozen=True)
class FailedLine:
    batch_id: int
    reference: str
    name: str
    grade: int
    class_name: str
    amount: Decimal
    account: str  # masked
    reason: str
    answered_on: object


def failed_lines(session, scope: Scope, batch_ids: list[int]) -> list[FailedLine]:
    """The failed lines of the batches, with the bank's reason (what is to be corrected and paid again)."""
    if not batch_ids:
        return []
    rows = session.execute(
        select(DisbursementLine.batch_id, DisbursementLine.reference, Student.name, Student.grade,
               Student.class_name, DisbursementLine.amount, DisbursementLine.bank_account,
               DisbursementLine.failure_reason, DisbursementLine.answered_on)
        .join(Student, Student.id == DisbursementLine.student_id)
        .where(DisbursementLine.batch_id.in_(batch_ids), DisbursementLine.status == LineStatus.FAILED,
               *_where(DisbursementLine, scope))
        .order_by(DisbursementLine.batch_id, DisbursementLine.id))
    return [FailedLine(batch_id, reference, name, grade, class_name or "", amount, mask_bank_account(account or ""),
                       reason or "", answered_on)
            for batch_id, reference, name, grade, class_name, amount, account, reason, answered_on in rows]


@dataclass(frozen=True)
class ToRecover:
    """A paid line of a pupil whose identification was cancelled with its aid to be recovered (追回)."""

    line_id: int
    batch_id: int
    reference: str
    name: str
    school: str
    term: str
    amount: Decimal
    cancel_reason: str


def to_recover_query(scope: Scope):
    """The paid lines whose identification was cancelled for false information, in scope."""
    return (select(DisbursementLine.id).join(Entitlement, Entitlement.id == DisbursementLine.entitlement_id)
            .join(Application, Application.id == Entitlement.application_id)
            .where(DisbursementLine.status == LineStatus.PAID, Application.recover_aid.is_(True),
                   Application.status == ApplicationStatus.CANCELLED, *_where(DisbursementLine, scope)))


def to_recover(session, scope: Scope, *, batch_id: int | None = None, limit_to: int = 500) -> list[ToRecover]:
    """The payments to recover (of a batch, or all in scope), oldest first."""
    query = to_recover_query(scope)
    if batch_id is not None:
        query = query.where(DisbursementLine.batch_id == batch_id)
    rows = session.execute(
        select(DisbursementLine.id, DisbursementLine.batch_id, DisbursementLine.reference, Student.name, School.name,
               Term.name, DisbursementLine.amount, Application.cancel_reason)
        .join(Student, Student.id == DisbursementLine.student_id).join(School, School.id == DisbursementLine.school_id)
        .join(Term, Term.id == DisbursementLine.term_id)
        .join(Entitlement, Entitlement.id == DisbursementLine.entitlement_id)
        .join(Application, Application.id == Entitlement.application_id)
        .where(DisbursementLine.id.in_(query)).order_by(DisbursementLine.id).limit(limit_to))
    return [ToRecover(*row[:7], row[7] or "") for row in rows]
