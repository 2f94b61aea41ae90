"""The in-kind page (实物发放与食堂膳食): a term's distributions of goods or places to pupils and the canteen's
monthly meal records, the form to record a distribution (by default every pupil entitled to the item),
its page with the pupils, the confirmation (who was absent) and the register to print and sign; the
district's allocations of in-kind items. Never a bank file: nutrition is the canteen's, goods are goods.

The page reads with the batches and writes as making a batch does (the `payments` permission set): a
school officer records their own school, the district any of its schools; another school's record
answers 404. Every write is a command through the page runner.
"""

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext
from sqlalchemy.orm import joinedload

from app.commands import canteen_meals, in_kind
from app.errors import DomainError
from app.models import AidItem, AidKind, Allocation, DistributionLine, FundAccount, InKindStatus, Payee, School
from app.queries.in_kind import distributions, meal_records, several_paying
from app.queries.money import allocation_states, paying_accounts
from app.queries.terms import current_term, find_term, terms
from app.reports.distribution_register import STATUS_LABELS, distribution_workbook, meal_workbook
from app.reports.downloads import attachment
from app.runner import answer as refusal_of
from app.runner import run
from app.security.request_context import current_context
from app.security.scope import limit
from app.views.framework.form_values import parse_id
from app.views.framework.once import OnceFormsMixin
from app.views.framework.runner import attempt, post
from app.views.money.payments import post_allocation

PERMISSIONS = "DisbursementBatch"  # read with the batches, write as making a batch does
PAGE = 1000  # pupils the page of a confirmed or cancelled distribution lists at once; a draft lists them all


def _items(session, *, canteen: bool | None = None) -> list[AidItem]:
    """Active in-kind items: handed to pupils (canteen False), paid to the canteen (True), or both (None)."""
    query = session.query(AidItem).filter(AidItem.active.is_(True), AidItem.kind == AidKind.IN_KIND)
    if canteen is not None:
        query = query.filter((AidItem.payee == Payee.CANTEEN) if canteen else (AidItem.payee != Payee.CANTEEN))
    return query.order_by(AidItem.code).all()


def _whole(value) -> int | None:
    """A whole number typed in a form: None when blank, -1 (refused by the command) when not one."""
    text = (value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 9 else -1 if text else None


class InKindView(OnceFormsMixin, BaseView):
    """实物发放: distributions and meal records of a term, their forms, pages, confirmations and registers."""

    route_base = "/money/in_kind"
    class_permission_name = PERMISSIONS
    method_permission_name = {
        "index": "read", "show": "read", "register": "read", "meal_register": "read",
        "new": "write", "confirm": "write", "cancel": "write", "meals": "write", "meal_step": "write",
        "allocate": "write",
    }
    default_view = "index"

    @staticmethod
    def _term(ctx, source):
        return find_term(ctx.session, parse_id(source.get("term_id")) or 0) or current_term(ctx.session)

    def _can_write(self) -> bool:
        return self.appbuilder.sm.has_access("can_write", PERMISSIONS)

    @expose("/")
    @has_access
    def index(self):
        """The term's distributions and meal records in scope; the forms to record them."""
        ctx = current_context()
        term = self._term(ctx, request.args)
        page = max(parse_id(request.args.get("page")) or 1, 1)
        rows, counts, more = distributions(ctx.session, ctx.scope, term.id, page=page) if term else ([], {}, False)
        district = ctx.scope.school_id is None
        items = _items(ctx.session)
        allocations = self._allocations(ctx, term, items) if term else []
        canteen_items = _items(ctx.session, canteen=True)
        canteen_ids = {i.id for i in canteen_items}
        schools = limit(ctx.session.query(School), School, ctx.scope).order_by(School.code).all()
        return self.render_template(
            "zizhu/money/in_kind.html", term=term, terms=terms(ctx.session), rows=rows, counts=counts, page=page,
            more=more,
            meals=meal_records(ctx.session, ctx.scope, term.id) if term else [], district=district, schools=schools,
            items=items, canteen_items=canteen_items, allocations=allocations,
            meal_accounts=several_paying([a for a, _ in allocations if a.aid_item_id in canteen_ids]),
            accounts=limit(ctx.session.query(FundAccount), FundAccount, ctx.scope).filter(
                FundAccount.active.is_(True)).order_by(FundAccount.code).all() if district else [],
            labels=STATUS_LABELS, can_write=self._can_write(), this_month=f"{ctx.today:%Y-%m}")

    @staticmethod
    def _allocations(ctx, term, items) -> list:
        """(allocation, its state) of the in-kind items for the term, in scope."""
        states = allocation_states(ctx.session, ctx.scope, term_id=term.id)
        found = limit(ctx.session.query(Allocation), Allocation, ctx.scope).filter(
            Allocation.id.in_(list(states)), Allocation.aid_item_id.in_([i.id for i in items])).all() if states else []
        return [(a, states[a.id]) for a in sorted(found, key=lambda a: (a.school.code, a.aid_item.code))]

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def new(self):
        """Choose school, item and term and see the pupils (GET); record the distribution as a draft (POST)."""
        ctx = current_context()
        source = request.form if request.method == "POST" else request.args
        term = self._term(ctx, source)
        items = _items(ctx.session, canteen=False)
        args = {"school_id": ctx.scope.school_id or parse_id(source.get("school_id")),
                "aid_item_id": parse_id(source.get("aid_item_id")) or (items[0].id if items else None),
                "term_id": term.id if term else None}
        if request.method == "POST" and all(args.values()):
            quantity = _whole(source.get("quantity"))
            ok, made = attempt(in_kind.create_distribution, handed_on=source.get("handed_on"),
                               description=source.get("description"), unit_value=source.get("unit_value"),
                               quantity=1 if quantity is None else quantity,
                               student_ids=[i for i in map(parse_id, source.getlist("student_ids")) if i is not None],
                               fund_account_id=parse_id(source.get("fund_account_id")),
                               done=gettext("The distribution is recorded as a draft: print the register for the "
                                            "pupils to sign, then confirm it."), **args)
            if ok:
                return redirect(url_for("InKindView.show", pk=made.id))
        pupils = None
        if all(args.values()):
            ok, pupils = attempt(in_kind.candidates, **args)
            pupils = pupils if ok else None
        chosen = {i for i in map(parse_id, source.getlist("student_ids")) if i} if request.method == "POST" else None
        return self.render_template(
            "zizhu/money/in_kind_new.html", args=args, items=items, terms=terms(ctx.session), pupils=pupils,
            chosen=chosen, fixed_school=ctx.scope.school_id, form=source, today=ctx.today.isoformat(),
            accounts=paying_accounts(ctx.session, ctx.scope, **args) if all(args.values()) else [],
            account_id=parse_id(source.get("fund_account_id")),
            schools=limit(ctx.session.query(School), School, ctx.scope).order_by(School.code).all())

    @expose("/<int:pk>")
    @has_access
    def show(self, pk):
        """The distribution: what, when, its value, the pupils; confirm or cancel a draft; the register."""
        ctx = current_context()
        try:
            row = in_kind.load_distribution(ctx, pk)
        except DomainError:
            abort(404)
        draft = row.status is InKindStatus.DRAFT  # its confirm form ticks the absent among all its pupils
        page = 1 if draft else max(parse_id(request.args.get("page")) or 1, 1)
        size = in_kind.MAX_PUPILS if draft else PAGE
        lines = ctx.session.query(DistributionLine).options(
            joinedload(DistributionLine.student), joinedload(DistributionLine.tier)).filter(
            DistributionLine.distribution_id == row.id).order_by(DistributionLine.id).offset(
            (page - 1) * size).limit(size + 1).all()
        return self.render_template("zizhu/money/in_kind_show.html", row=row, lines=lines[:size], page=page,
                                    per_page=size, more=len(lines) > size, labels=STATUS_LABELS,
                                    can_write=self._can_write())

    def _back(self, pk: int):
        return redirect(url_for("InKindView.show", pk=pk))

    @expose("/<int:pk>/confirm", methods=["POST"])
    @has_access
    def confirm(self, pk):
        """Confirm the draft as handed out (the pupils ticked absent did not receive it): its value is booked."""
        form = request.form
        left: list[int] = []

        def confirm(ctx, *args, **kwargs):
            row = in_kind.confirm_distribution(ctx, *args, **kwargs)
            left.append(row.left_school)
            return row

        back = post(confirm, pk, version=parse_id(form.get("version")),
                    absent=[i for i in map(parse_id, form.getlist("absent")) if i is not None],
                    done=gettext("The distribution is confirmed."), back=self._back(pk))
        if left and left[-1]:
            flash(gettext("Pupils who left the school since the draft were left out, marked as not received: "
                          "%(n)s.", n=left[-1]), "warning")
        return back

    @expose("/<int:pk>/cancel", methods=["POST"])
    @has_access
    def cancel(self, pk):
        """Cancel the draft, saying why."""
        form = request.form
        return post(in_kind.cancel_distribution, pk, reason=form.get("reason", ""),
                    version=parse_id(form.get("version")), done=gettext("The distribution is cancelled."),
                    back=self._back(pk))

    def _download(self, name: str, make, *args, back, fallback: str):
        """`make(ctx, *args)` run for this request (an audited export); its refusal flashed, 404 out of scope."""
        try:
            data = run(current_context(), make, *args)
        except DomainError as err:
            refusal = refusal_of(err)
            if refusal.kind == "not_found":
                abort(404)
            flash(refusal.message, "danger")
            return back
        return attachment(data, name, fallback=fallback)  # the Chinese name kept, an ASCII one for old clients

    @expose("/<int:pk>/register.xlsx")
    @has_access
    def register(self, pk):
        """The distribution register (实物发放登记表) as xlsx, set up for A4, with the signature column."""
        return self._download(f"{gettext('Distribution register')}-{pk}.xlsx", distribution_workbook, pk,
                              back=self._back(pk), fallback=f"zizhu-distribution-register-{pk}.xlsx")

    def _index(self, term_id=None):
        return redirect(url_for("InKindView.index", term_id=term_id or request.form.get("term_id") or None))

    @expose("/meals", methods=["POST"])
    @has_access
    def meals(self):
        """Record a month of the canteen's meals (a draft)."""
        form = request.form
        ctx = current_context()
        return post(canteen_meals.create_meal_record, school_id=ctx.scope.school_id or parse_id(form.get("school_id")),
                    aid_item_id=parse_id(form.get("aid_item_id")), term_id=parse_id(form.get("term_id")),
                    month=form.get("month"), fund_account_id=parse_id(form.get("fund_account_id")),
                    school_days=_whole(form.get("school_days")), pupils=_whole(form.get("pupils")),
                    canteen=form.get("canteen"), notes=form.get("notes"),
                    done=gettext("The month of meals is recorded as a draft."), back=self._index())

    @expose("/meals/<int:pk>/<step>", methods=["POST"])
    @has_access
    def meal_step(self, pk, step):
        """Confirm a month of meals (the canteen is paid) or cancel a draft."""
        form = request.form
        version = parse_id(form.get("version"))
        if step == "confirm":
            return post(canteen_meals.confirm_meal_record, pk, version=version,
                        done=gettext("The month is confirmed and the canteen is paid from the allocation."),
                        back=self._index())
        if step == "cancel":
            return post(canteen_meals.cancel_meal_record, pk, reason=form.get("reason", ""), version=version,
                        done=gettext("The meal record is cancelled."), back=self._index())
        abort(404)

    @expose("/meals/register.xlsx")
    @has_access
    def meal_register(self):
        """The canteen's meal register of a school's term as xlsx, set up for A4."""
        ctx = current_context()
        school_id = ctx.scope.school_id or parse_id(request.args.get("school_id")) or 0
        term = self._term(ctx, request.args)
        return self._download(f"{gettext('Meal register')}-{school_id}.xlsx", meal_workbook, school_id,
                              term.id if term else 0, back=self._index(term.id if term else None),
                              fallback=f"zizhu-meal-register-{school_id}.xlsx")

    @expose("/allocate", methods=["POST"])
    @has_access
    def allocate(self):
        """The district allocates money of an account to a school for an in-kind item (goods, the canteen)."""
        return post_allocation(request.form, self._index())
