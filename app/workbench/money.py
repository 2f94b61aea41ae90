"""The workbench's money to-dos: batches to submit, approve, export and reconcile; failed payments to
pay again; payments to recover; entitled pupils who cannot be paid for want of a payee account."""
from flask_babel import gettext
from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased

from app.models import (
    LIVE_LINE,
    BatchStatus,
    DisbursementBatch,
    DisbursementLine,
    Entitlement,
    EntitlementStatus,
    Household,
    LineStatus,
    Student,
    StudentStatus,
)
from app.queries.payments import to_recover_query
from app.security.scope import criterion
from app.workbench.links import link
from app.workbench.registry import Todo, WorkbenchContext, todo

WRITE = ("can_write", "DisbursementBatch")
APPROVE = ("can_approve", "DisbursementBatch")


def _batches(ctx: WorkbenchContext, *statuses: BatchStatus) -> int:
    query = select(func.count()).select_from(DisbursementBatch).where(DisbursementBatch.status.in_(statuses))
    where = criterion(DisbursementBatch, ctx.scope)
    return ctx.session.execute(query if where is None else query.where(where)).scalar_one()


@todo("money.batches", permission=WRITE, order=30)
def batches_to_move_on(ctx: WorkbenchContext):
    """Drafts to submit (a school), submitted batches to approve, approved ones to export, exported
    ones awaiting the bank's answer (the district)."""
    if ctx.scope.school_id is not None:
        return Todo(gettext("Disbursement batches to submit"), _batches(ctx, BatchStatus.DRAFT),
                    link("BatchView.index", status=BatchStatus.DRAFT.value),
                    hint=gettext("Check the pupils and amounts, then submit the batch to the district."))
    return [
        Todo(gettext("Bank files to export"), _batches(ctx, BatchStatus.APPROVED),
             link("BatchView.index", status=BatchStatus.APPROVED.value), level="warning"),
        Todo(gettext("Batches awaiting the bank's answer"), _batches(ctx, BatchStatus.EXPORTED),
             link("BatchView.index", status=BatchStatus.EXPORTED.value),
             hint=gettext("Import the bank's answer file to reconcile the batch.")),
    ]


@todo("money.approve", permission=APPROVE, order=29)
def batches_to_approve(ctx: WorkbenchContext):
    """Submitted batches waiting for the district's approval (never by their creator)."""
    return Todo(gettext("Disbursement batches to approve"), _batches(ctx, BatchStatus.SUBMITTED),
                link("BatchView.index", status=BatchStatus.SUBMITTED.value), level="warning",
                hint=gettext("Another officer than the batch's maker approves it; its funds are reserved then."))


@todo("money.failed", permission=WRITE, order=31)
def failed_payments(ctx: WorkbenchContext):
    """Payments the bank failed this term: pay them again in a new batch once the account is corrected."""
    if ctx.term is None:
        return None
    again = aliased(DisbursementLine)  # the pupil paid or in a batch again since: nothing left to do
    query = select(func.count()).select_from(DisbursementLine).where(
        DisbursementLine.term_id == ctx.term.id, DisbursementLine.status == LineStatus.FAILED,
        ~exists().where(again.student_id == DisbursementLine.student_id, again.term_id == DisbursementLine.term_id,
                        again.aid_item_id == DisbursementLine.aid_item_id, again.status.in_(LIVE_LINE)))
    where = criterion(DisbursementLine, ctx.scope)
    count = ctx.session.execute(query if where is None else query.where(where)).scalar_one()
    return Todo(gettext("Failed payments to pay again"), count, link("BatchView.new", term_id=ctx.term.id),
                level="danger", hint=gettext("Correct the household's bank account, then make a new batch."))


@todo("money.no_account", permission=WRITE, order=32)
def pupils_without_account(ctx: WorkbenchContext):
    """Enrolled pupils entitled this term whose household has no payee or bank account."""
    if ctx.term is None:
        return None
    query = (select(func.count()).select_from(Entitlement)
             .join(Student, Student.id == Entitlement.student_id)
             .outerjoin(Household, Household.id == Student.household_id)
             .where(Entitlement.term_id == ctx.term.id, Entitlement.status == EntitlementStatus.ACTIVE,
                    Student.status == StudentStatus.ENROLLED,
                    (Household.bank_account.is_(None)) | (Household.bank_account == "")
                    | (Household.payee_name.is_(None)) | (Household.payee_name == "")))
    where = criterion(Entitlement, ctx.scope)
    count = ctx.session.execute(query if where is None else query.where(where)).scalar_one()
    return Todo(gettext("Entitled pupils without a payee account"), count, link("HouseholdModelView.list"),
                level="warning",
                hint=gettext("Record the payee and the bank card or benefit card account on the household."))


@todo("money.recover", permission=APPROVE, order=33)
def payments_to_recover(ctx: WorkbenchContext):
    """Paid aid of identifications cancelled because the information proved false: to recover (追回)."""
    if ctx.scope.school_id is not None:
        return None
    count = ctx.session.execute(select(func.count()).select_from(to_recover_query(ctx.scope).subquery())).scalar_one()
    return Todo(gettext("Payments to recover"), count, link("RecoveryView.index"), level="danger",
                hint=gettext("Identifications cancelled for false information: record each payment recovered."))
