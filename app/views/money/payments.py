"""The money pages: the overview (accounts, allocations and quotas, batches waiting; for a school, its
allocations, batches and the pupils who cannot be paid and why) and the disbursement batches (the
preview, the batch made once, its lines and its steps as buttons).

Every write is a command through the page runner (app/views/framework/runner.py): one transaction,
the form's one-time token, the refusal shown beside its field or as a message.
"""
import uuid
from collections import Counter
from decimal import Decimal

from flask import abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.commands import bank_files, bank_returns, batch_jobs, disbursement, funds
from app.errors import DomainError
from app.formatting import format_money
from app.jobs.queue import job_queue
from app.labels import line_status_label
from app.models import (
    AidItem,
    AidKind,
    Allocation,
    BankFileLayout,
    BatchStatus,
    DisbursementBatch,
    DisbursementLine,
    FundAccount,
    Job,
    JobStatus,
    Payee,
    School,
    Tier,
)
from app.queries.money import account_balances, allocation_states, donations, paying_accounts
from app.queries.terms import current_term, find_term, terms
from app.reports.downloads import attachment
from app.reports.payment_register import register_html, register_workbook
from app.reports.reconciliation import file_name as reconciliation_name
from app.reports.reconciliation import reconciliation_workbook
from app.runner import answer as refusal_of
from app.runner import run
from app.security.request_context import current_context
from app.security.scope import limit
from app.services import batch_flow
from app.services.masking import mask_column
from app.views.framework.form_values import parse_id
from app.views.framework.once import OnceFormsMixin
from app.views.framework.runner import attempt, post

PAGE = 50
PREVIEW_ROWS = 500  # pupils listed per table of a preview; its totals count every pupil
EXCLUSION_LABELS = {
    batch_flow.NOT_ENROLLED: _l("No longer enrolled (transferred, dropped out or graduated)"),
    batch_flow.NO_PAYEE_ACCOUNT: _l("No payee or bank account on the household"),
    batch_flow.ALREADY_PAID: _l("Paid, or in another batch, this term already"),
    batch_flow.EXCLUSIVE: _l("Receives the higher of two exclusive items already"),
    batch_flow.OVER_QUOTA: _l("Over the school's quota"),
    batch_flow.NO_ALLOCATION: _l("No funds of this item allocated to the school this term yet"),
    batch_flow.ALLOCATION_EXHAUSTED: _l("The allocation is used up"),
}
STEP_LABELS = {"submit": _l("Submit to the district"), "send_back": _l("Send back to the school"),
               "approve": _l("Approve and reserve the funds"), "withdraw": _l("Withdraw the batch")}


def _schools(ctx):
    return limit(ctx.session.query(School), School, ctx.scope).order_by(School.code).all()


def _cash_items(session):
    """The items paid in cash to families (those a bank batch pays)."""
    return session.query(AidItem).filter(AidItem.active.is_(True), AidItem.kind == AidKind.CASH,
                                         AidItem.payee == Payee.PUPIL).order_by(AidItem.id).all()


def _amount(source) -> str:
    return (source.get("amount") or "").strip()


def post_allocation(form, back):
    """The allocation form posted (this page's, or the in-kind page's): money of an account to a school
    for an item and term; answered with `back` either way."""
    return post(funds.allocate, parse_id(form.get("fund_account_id")) or 0,
                school_id=parse_id(form.get("school_id")) or 0, aid_item_id=parse_id(form.get("aid_item_id")) or 0,
                term_id=parse_id(form.get("term_id")) or 0, amount=_amount(form), memo=form.get("memo"),
                done=gettext("The funds are allocated."), back=back)


class MoneyView(OnceFormsMixin, BaseView):
    """资金管理: balances from the ledger, allocations and quotas; the district's forms to move money."""

    route_base = "/money"
    class_permission_name = "MoneyOverview"
    method_permission_name = {"index": "read", "receive": "write", "allocate": "write", "quota": "write"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        """The district's accounts, allocations, quotas and batches waiting; a school's own."""
        ctx = current_context()
        term = find_term(ctx.session, parse_id(request.args.get("term_id")) or 0) or current_term(ctx.session)
        district = ctx.scope.school_id is None
        accounts = limit(ctx.session.query(FundAccount), FundAccount, ctx.scope).order_by(FundAccount.code).all()
        states = allocation_states(ctx.session, ctx.scope, term_id=term.id) if term else {}
        allocations = limit(ctx.session.query(Allocation), Allocation, ctx.scope).filter(
            Allocation.id.in_(list(states))).all() if states else []
        waiting = limit(ctx.session.query(DisbursementBatch), DisbursementBatch, ctx.scope).filter(
            DisbursementBatch.status.in_([BatchStatus.SUBMITTED] if district else
                                         [BatchStatus.DRAFT, BatchStatus.SUBMITTED, BatchStatus.APPROVED,
                                          BatchStatus.EXPORTED])).order_by(DisbursementBatch.id.desc()).limit(PAGE).all()
        unpaid = self._unpaid(ctx, term) if not district and term else []
        return self.render_template(
            "zizhu/money/overview.html", term=term, terms=terms(ctx.session), district=district,
            accounts=accounts, balances=account_balances(ctx.session, ctx.scope) if accounts else {},
            allocations=sorted(allocations, key=lambda a: (a.school.code, a.aid_item.code)), states=states,
            waiting=waiting, schools=_schools(ctx), items=_cash_items(ctx.session), unpaid=unpaid,
            reasons=EXCLUSION_LABELS, can_write=self.appbuilder.sm.has_access("can_write", "MoneyOverview"),
            donations=donations(ctx.session, ctx.scope) if accounts else [], shown=PREVIEW_ROWS)

    @staticmethod
    def _unpaid(ctx, term) -> list:
        """A school's pupils entitled this term who a new batch would leave out, with the reason."""
        found = []
        for item in _cash_items(ctx.session):
            try:
                preview = disbursement.preview(ctx, term_id=term.id, aid_item_id=item.id, school_id=ctx.scope.school_id)
            except DomainError:  # several accounts allocated: the batch page asks which
                continue
            found += [(item, c) for c in preview.excluded if c.reason != batch_flow.ALREADY_PAID]
        return found

    def _back(self):
        return redirect(url_for("MoneyView.index", term_id=request.form.get("term_id") or None))

    @expose("/receive", methods=["POST"])
    @has_access
    def receive(self):
        """Funds received into an account."""
        form = request.form
        return post(funds.receive, parse_id(form.get("fund_account_id")) or 0, amount=_amount(form),
                    reference=form.get("reference"), memo=form.get("memo"),
                    done=gettext("The receipt is recorded."), back=self._back())

    @expose("/allocate", methods=["POST"])
    @has_access
    def allocate(self):
        """Money of an account allocated to a school for an item and term."""
        return post_allocation(request.form, self._back())

    @expose("/quota", methods=["POST"])
    @has_access
    def quota(self):
        """A school's places for an item and term."""
        form = request.form
        places = form.get("places", "").strip()
        return post(funds.set_quota, school_id=parse_id(form.get("school_id")) or 0,
                    aid_item_id=parse_id(form.get("aid_item_id")) or 0, term_id=parse_id(form.get("term_id")) or 0,
                    places=int(places) if places.isdigit() else -1, done=gettext("The quota is set."),
                    back=self._back())


class BatchView(OnceFormsMixin, BaseView):
    """发放批次: the list, the preview and the batch made from it, the batch's page and its steps."""

    route_base = "/batches"
    class_permission_name = "DisbursementBatch"
    method_permission_name = {"index": "read", "show": "read", "new": "write", "step": "write",
                              "approve": "approve", "bank_file": "approve", "answer": "approve",
                              "register": "read", "register_print": "read", "reconciliation": "read"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        """Batches in scope, newest first; ?status= filters."""
        ctx = current_context()
        query = limit(ctx.session.query(DisbursementBatch), DisbursementBatch, ctx.scope)
        status = request.args.get("status")
        if status in {s.value for s in BatchStatus}:
            query = query.filter(DisbursementBatch.status == BatchStatus(status))
        page = max(parse_id(request.args.get("page")) or 1, 1)
        rows = query.order_by(DisbursementBatch.id.desc()).offset((page - 1) * PAGE).limit(PAGE + 1).all()
        return self.render_template("zizhu/money/batches.html", batches=rows[:PAGE], page=page,
                                    more=len(rows) > PAGE, status=status, statuses=list(BatchStatus),
                                    district=ctx.scope.school_id is None)

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def new(self):
        """Choose school, item and term, see who would be paid and who not (GET); make the batch (POST),
        at once, or by a background job above BATCH_JOB_THRESHOLD entitled pupils (its progress page)."""
        ctx = current_context()
        source = request.form if request.method == "POST" else request.args
        term = find_term(ctx.session, parse_id(source.get("term_id")) or 0) or current_term(ctx.session)
        items = _cash_items(ctx.session)
        args = {"school_id": ctx.scope.school_id or parse_id(source.get("school_id")),
                "aid_item_id": parse_id(source.get("aid_item_id")) or (items[0].id if items else None),
                "term_id": term.id if term else None, "fund_account_id": parse_id(source.get("fund_account_id"))}
        threshold = current_app.config["BATCH_JOB_THRESHOLD"]
        if request.method == "POST" and all(args[k] for k in ("school_id", "aid_item_id", "term_id")):
            ok, made = attempt(batch_jobs.make_or_start, idempotency_key=source.get("idempotency_key", ""),
                               title=source.get("title"), threshold=threshold,
                               per_user=current_app.config["JOBS_PER_USER"], **args)
            if ok and isinstance(made, Job):
                if made.status is JobStatus.QUEUED:
                    job_queue().enqueue(made.id)
                return redirect(url_for("JobView.show", pk=made.id))
            if ok:
                return redirect(url_for("BatchView.show", pk=made.id))
        preview = None
        if all(args[k] for k in ("school_id", "aid_item_id", "term_id")):
            ok, preview = attempt(disbursement.preview, **args)
            preview = preview if ok else None
        by_tier = Counter()
        for candidate in (preview.eligible if preview else []):
            by_tier[candidate.tier_name] += candidate.amount
        entitled = preview.count + len(preview.excluded) if preview else 0
        return self.render_template(
            "zizhu/money/batch_new.html", args=args, preview=preview, schools=_schools(ctx), items=items,
            accounts=paying_accounts(ctx.session, ctx.scope, args["school_id"], args["aid_item_id"], args["term_id"])
            if all(args[k] for k in ("school_id", "aid_item_id", "term_id")) else [],
            terms=terms(ctx.session), fixed_school=ctx.scope.school_id, reasons=EXCLUSION_LABELS,
            by_tier=sorted(by_tier.items()), key=uuid.uuid4().hex, mask=mask_column, shown=PREVIEW_ROWS,
            background=entitled > threshold)

    @expose("/<int:pk>")
    @has_access
    def show(self, pk):
        """The batch: control totals, totals by tier, its lines (accounts masked), its steps."""
        ctx = current_context()
        batch = limit(ctx.session.query(DisbursementBatch).filter(DisbursementBatch.id == pk), DisbursementBatch,
                      ctx.scope).one_or_none() or abort(404)
        page = max(parse_id(request.args.get("page")) or 1, 1)
        lines = ctx.session.query(DisbursementLine).filter(DisbursementLine.batch_id == batch.id).order_by(
            DisbursementLine.id).offset((page - 1) * PAGE).limit(PAGE + 1).all()
        tiers = ctx.session.execute(
            select(Tier.name, DisbursementLine.status, func.count(), func.sum(DisbursementLine.amount))
            .join(Tier, Tier.id == DisbursementLine.tier_id).where(DisbursementLine.batch_id == batch.id)
            .group_by(Tier.name, Tier.rank, DisbursementLine.status).order_by(Tier.rank.desc())).all()
        sm = self.appbuilder.sm
        layouts = limit(ctx.session.query(BankFileLayout), BankFileLayout, ctx.scope).filter(
            BankFileLayout.active.is_(True)).order_by(  # the district's own default first, then the shared one
            BankFileLayout.is_default.desc(), BankFileLayout.district_id.is_(None), BankFileLayout.code).all()
        steps = [s for s in batch_flow.allowed_steps(batch.status.value, district=ctx.scope.school_id is None)
                 if s in STEP_LABELS and (sm.has_access("can_approve", "DisbursementBatch") if s == "approve"
                                          else sm.has_access("can_write", "DisbursementBatch"))]
        return self.render_template(
            "zizhu/money/batch_show.html", batch=batch, lines=lines[:PAGE], page=page, more=len(lines) > PAGE,
            tiers=tiers, steps=steps, step_labels=STEP_LABELS, mask=mask_column, zero=Decimal("0.00"),
            layouts=layouts, can_approve=sm.has_access("can_approve", "DisbursementBatch"),
            line_label=lambda status: line_status_label(status, batch.status))

    def _back(self, pk: int):
        return redirect(url_for("BatchView.show", pk=pk))

    @expose("/<int:pk>/approve", methods=["POST"])
    @has_access
    def approve(self, pk):
        """The district approves (never the batch's creator) and the funds are reserved."""
        return post(disbursement.approve, pk, version=parse_id(request.form.get("version")),
                    done=gettext("The batch is approved and its funds are reserved."), back=self._back(pk))

    @expose("/<int:pk>/<step>", methods=["POST"])
    @has_access
    def step(self, pk, step):
        """Submit, send back or withdraw the batch."""
        form = request.form
        version = parse_id(form.get("version"))
        commands = {
            "submit": (lambda: post(disbursement.submit, pk, version=version,
                                    done=gettext("The batch is submitted to the district."), back=self._back(pk))),
            "send_back": (lambda: post(disbursement.send_back, pk, reason=form.get("reason", ""), version=version,
                                       done=gettext("The batch is sent back to the school."), back=self._back(pk))),
            "withdraw": (lambda: post(disbursement.withdraw, pk, reason=form.get("reason", ""), version=version,
                                      done=gettext("The batch is withdrawn."), back=self._back(pk))),
        }
        if step not in commands:
            abort(404)
        return commands[step]()

    def _file(self, name: str, data: bytes, fallback: str):
        """A download keeping its Chinese file name (RFC 5987), `fallback` the ASCII name for old clients."""
        return attachment(data, name, fallback=fallback)

    def _made(self, pk: int, command, *args):
        """`command` run for this request (it records what was handed out); its refusal flashed."""
        try:
            return run(current_context(), command, *args)
        except DomainError as err:
            refusal = refusal_of(err)
            if refusal.kind == "not_found":
                abort(404)
            flash(refusal.message, "danger")
            return None

    @expose("/<int:pk>/bank_file", methods=["POST"])
    @has_access
    def bank_file(self, pk):
        """The bank file of an approved batch, in the layout chosen; the same bytes at every download."""
        made = self._made(pk, bank_files.export_bank_file, pk, parse_id(request.form.get("layout_id")))
        return self._back(pk) if made is None else self._file(*made, fallback=f"zizhu-bank-file-{pk}")

    @expose("/<int:pk>/answer", methods=["POST"])
    @has_access
    def answer(self, pk):
        """The bank's answer file: each line paid or failed, all or nothing, a file never twice."""
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            flash(gettext("Choose the bank's answer file first."), "danger")
            return self._back(pk)
        ok, outcome = attempt(bank_returns.import_return_file, pk, upload.filename,
                              upload.read(bank_returns.MAX_ANSWER_BYTES + 1))
        if ok:
            flash(gettext("The bank's answer is recorded: %(paid)s paid (%(paid_amount)s), %(failed)s failed "
                          "(%(failed_amount)s).", paid=outcome.paid, paid_amount=format_money(outcome.paid_amount),
                          failed=outcome.failed, failed_amount=format_money(outcome.failed_amount)), "success")
        return self._back(pk)

    @expose("/<int:pk>/register.xlsx")
    @has_access
    def register(self, pk):
        """The payment register (发放名册) as xlsx, set up for A4, with the signature column."""
        data = self._made(pk, register_workbook, pk)
        if data is None:
            return self._back(pk)
        batch = limit(current_context().session.query(DisbursementBatch).filter(DisbursementBatch.id == pk),
                      DisbursementBatch, current_context().scope).one()
        return self._file(f"{gettext('Payment register')}-{batch.school.name}-{batch.term.name}-{batch.id}.xlsx", data,
                          fallback=f"zizhu-payment-register-{batch.id}")

    @expose("/<int:pk>/register")
    @has_access
    def register_print(self, pk):
        """The payment register as a page to print on A4."""
        html = self._made(pk, register_html, pk)
        return self._back(pk) if html is None else html

    @expose("/reconciliation.xlsx")
    @has_access
    def reconciliation(self):
        """Expected, paid, failed and pending per batch of a term, with the failed payments."""
        term_id = parse_id(request.args.get("term_id"))
        data = self._made(0, lambda ctx: reconciliation_workbook(ctx, term_id=term_id))
        if data is None:
            return redirect(url_for("BatchView.index"))
        return self._file(reconciliation_name(current_context(), term_id), data, fallback="zizhu-reconciliation")
