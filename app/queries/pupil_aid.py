"""A pupil's aid history: every term's entitlements and payments of the pupil, whichever school made them.

The history follows the pupil (认定结果和资助记录随学籍转移): whoever may see the pupil now sees all of it,
including what an earlier school paid, so the pupil is checked against the scope and the rows are
not (a school that may not see the pupil sees nothing). No account number or ID number is in it.
"""
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app.labels import line_status_label
from app.models import (
    AidItem,
    Allocation,
    BatchStatus,
    DisbursementBatch,
    DisbursementLine,
    Entitlement,
    EntitlementStatus,
    FundAccount,
    LineStatus,
    School,
    Student,
    Term,
)
from app.security.scope import Scope, limit


@dataclass(frozen=True)
class AidRow:
    """One term's item for the pupil: the amount entitled (or stopped, with the stored reason) and what
    the payments of it came to."""

    term: str
    term_start: date
    item: str
    school: str
    amount: Decimal
    active: bool
    stop_reason: str | None
    payments: tuple  # PaymentRow, in order


@dataclass(frozen=True)
class PaymentRow:
    """A payment line of the pupil: its batch, school, amount, state and the bank's reason."""

    batch_id: int
    batch_title: str
    school: str
    amount: Decimal
    status: LineStatus
    answered_on: date | None
    failure_reason: str | None
    donor: str | None = None  # the donor of the account it was paid from (社会资助)
    batch_status: BatchStatus | None = None

    @property
    def status_label(self) -> str:
        """The line's state in words; a waiting line says what its batch waits for."""
        return line_status_label(self.status, self.batch_status)


def pupil_aid(session, scope: Scope, student_id: int) -> list[AidRow] | None:
    """The pupil's entitlements by term (newest first) with their payments; None when the pupil is not
    in the scope."""
    if limit(session.query(Student.id).filter(Student.id == student_id), Student, scope).first() is None:
        return None
    payments: dict[int, list[PaymentRow]] = {}
    for line, title, school, donor, batch_status in session.execute(
            select(DisbursementLine, DisbursementBatch.title, School.name, FundAccount.donor, DisbursementBatch.status)
            .join(DisbursementBatch, DisbursementBatch.id == DisbursementLine.batch_id)
            .join(School, School.id == DisbursementLine.school_id)
            .join(Allocation, Allocation.id == DisbursementBatch.allocation_id)
            .join(FundAccount, FundAccount.id == Allocation.fund_account_id)
            .where(DisbursementLine.student_id == student_id).order_by(DisbursementLine.id)):
        payments.setdefault(line.entitlement_id, []).append(PaymentRow(
            line.batch_id, title, school, line.amount, line.status, line.answered_on, line.failure_reason,
            (donor or "").strip() or None, batch_status))
    rows = session.execute(
        select(Entitlement, Term.name, Term.start_date, AidItem.name, School.name)
        .join(Term, Term.id == Entitlement.term_id).join(AidItem, AidItem.id == Entitlement.aid_item_id)
        .join(School, School.id == Entitlement.school_id)
        .where(Entitlement.student_id == student_id).order_by(Term.start_date.desc(), AidItem.id))
    return [AidRow(term, start, item, school, row.amount, row.status is EntitlementStatus.ACTIVE, row.stop_reason,
                   tuple(payments.get(row.id, ()))) for row, term, start, item, school in rows]
