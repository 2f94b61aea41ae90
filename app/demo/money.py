"""Demo money: a year of living subsidy paid, and this term's payment under way, through the commands.

Last school year, in every school: the central account of each fiscal year receives the funds, the
district allocates each school what its entitled pupils need (rounded up to the thousand), the
school makes its batch, the district approves it and hands the agent bank's file over, and the
bank's answer is imported. In the first school two payments fail (a frozen card, a name unlike the
account's); the accounts are corrected and the two are paid again in a second batch. The autumn's
entitlements are carried over to the spring, which is paid the same way.

This term the funds are received and allocated to every school, with places (名额) set; the first
school's pupils approved so far are in a batch it has submitted, waiting for the district's approval.

Each step is taken by the officer whose step it is (the demo's school1 and district accounts where
they exist, else the system for a school's steps), with the clock at 10 o'clock of its day.
"""
import csv
import io
from dataclasses import replace
from datetime import date, timedelta
from decimal import ROUND_CEILING, Decimal

from sqlalchemy import func, select

from app.clock import local_day
from app.commands import bank_files, bank_returns, carry_over, disbursement, funds
from app.commands.batch_preview import preview
from app.context import Actor, Context
from app.demo.identification import Days, calendar_days
from app.demo.rows import bank_account
from app.models import (
    Application,
    BankFileLayout,
    Entitlement,
    EntitlementStatus,
    FundAccount,
    FundSource,
    Season,
    Student,
    Term,
)
from app.security.scope import scope_for

ANSWER_LAYOUT = "agent_bank_csv"
FAILURES = ("账户已冻结", "户名与账号不符")  # the bank's words for the first school's two failed payments
CARD_PREFIX = "621799"  # of the card a guardian brings after a failed payment
ROUND = Decimal("1000")
SHARES = ((FundSource.PROVINCIAL, Decimal("0.3")), (FundSource.COUNTY, Decimal("0.1")))  # of the central receipt


class Officers:
    """The contexts of the demo's officers on a day: the district's, and each school's (the system's
    where the demo made no account for the school)."""

    def __init__(self, days: Days, users: dict):
        self.days, self.users, self.session = days, users, days.ctx.session

    def _as(self, ctx: Context, user) -> Context:
        if user is None:
            return ctx
        return replace(ctx, actor=Actor.of(user), scope=scope_for(user, self.session))

    def district(self, day: date) -> Context:
        return self._as(self.days.on(day), self.users.get("district"))

    def school(self, day: date, school_id: int) -> Context:
        return self._as(self.days.on(day), self.users.get(school_id))


def _rounded(amount: Decimal) -> Decimal:
    return (amount / ROUND).to_integral_value(rounding=ROUND_CEILING) * ROUND


def _needs(session, term_id: int, item_id: int, school_ids: list[int]) -> dict[int, Decimal]:
    """What each school's active entitlements of the item in the term add up to."""
    rows = session.execute(select(Entitlement.school_id, func.sum(Entitlement.amount)).where(
        Entitlement.term_id == term_id, Entitlement.aid_item_id == item_id, Entitlement.school_id.in_(school_ids),
        Entitlement.status == EntitlementStatus.ACTIVE).group_by(Entitlement.school_id))
    return {school_id: Decimal(total).quantize(Decimal("0.01")) for school_id, total in rows}


def _accounts(session, district_id: int, year: int) -> dict:
    return {a.source: a for a in session.query(FundAccount).filter_by(district_id=district_id, fiscal_year=year)}


def _fund(officers: Officers, term: Term, item_id: int, school_ids: list[int], needs: dict, day: date,
          district_id: int, today: date, places: dict | None = None) -> None:
    """The term's funds received on `day` (central, with the provincial and county shares beside it)
    and allocated to each school the next working day (not after `today`); places set where given."""
    accounts = _accounts(officers.session, district_id, term.start_date.year)
    central = accounts[FundSource.CENTRAL]
    allocations = {school_id: _rounded(needs[school_id]) for school_id in school_ids if needs.get(school_id)}
    total = sum(allocations.values(), Decimal("0"))
    if not total:
        return
    received = _rounded(total * Decimal("1.05"))
    ctx = officers.district(day)
    funds.receive(ctx, central.id, amount=received, reference=f"{term.start_date.year}-{term.id:03d}",
                  memo=f"{term.name} {central.name}")
    for source, share in SHARES:
        funds.receive(ctx, accounts[source].id, amount=_rounded(received * share),
                      reference=f"{term.start_date.year}-{term.id:03d}-{source.value}", memo=term.name)
    allocated = officers.district(min(officers.days.after(day), today))
    for school_id, amount in allocations.items():
        funds.allocate(allocated, central.id, school_id=school_id, aid_item_id=item_id, term_id=term.id,
                       amount=amount, memo=term.name)
        if places is not None and school_id in places:
            funds.set_quota(allocated, school_id=school_id, aid_item_id=item_id, term_id=term.id,
                            places=places[school_id])


def _make(officers: Officers, day: date, term_id: int, item_id: int, school_id: int, key: str):
    """The school's batch of the term made and submitted on `day` (None when no pupil can be paid)."""
    ctx = officers.school(day, school_id)
    if not preview(ctx, term_id=term_id, aid_item_id=item_id, school_id=school_id).eligible:
        return None
    batch = disbursement.create_batch(ctx, term_id=term_id, aid_item_id=item_id, school_id=school_id,
                                      idempotency_key=key)
    return disbursement.submit(ctx, batch.id)


def _answer(data: bytes, failures: dict) -> bytes:
    """The agent bank's answer to its CSV file: each row 成功, or 失败 with the bank's reason."""
    rows = list(csv.reader(io.StringIO(data.decode("gbk"), newline="")))
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*rows[0], "状态", "失败原因"])
    for account, name, amount, reference in rows[1:-1]:
        reason = failures.get(reference)
        writer.writerow([account, name, amount, reference, "失败" if reason else "成功", reason or ""])
    return out.getvalue().encode("gbk")


def _pay(officers: Officers, batch, day: date, failures: dict | None = None) -> None:
    """The district approves the batch on `day`, hands the bank its file the next working day and
    imports the bank's answer three working days later."""
    session = officers.session
    disbursement.approve(officers.district(day), batch.id)
    layout = session.query(BankFileLayout).filter_by(code=ANSWER_LAYOUT, district_id=None).one()
    exported = officers.days.after(day)
    _name, data = bank_files.export_bank_file(officers.district(exported), batch.id, layout.id)
    answered = officers.days.after(exported, 3)
    bank_returns.import_return_file(officers.district(answered), batch.id, f"{batch.id}-回盘.csv",
                                    _answer(data, failures or {}))


def _failures(batch) -> dict:
    """The first two lines of the batch fail, with the bank's reasons."""
    lines = sorted(batch.lines, key=lambda line: line.id)[:len(FAILURES)]
    return {line.reference: reason for line, reason in zip(lines, FAILURES, strict=False)}


def _correct_accounts(session, batch) -> None:
    """The guardians of the failed payments bring a new card (the school's record corrected)."""
    term_day = batch.term.start_date.toordinal() % 10**4  # not the batch's id: a sequence, unlike run to run
    for line in batch.lines:
        if line.failure_reason:
            household = session.get(Student, line.student_id).household
            household.bank_account = bank_account(CARD_PREFIX, 10**11 + term_day * 10**7 + household.id)
    session.flush()


def _pay_term(officers: Officers, term: Term, item_id: int, school_ids: list[int], start: date) -> int:
    """Every school's batch of the term made, approved and paid; the first school's two failed payments
    paid again in a second batch once the accounts are corrected. Returns the batches made."""
    made, session = 0, officers.session
    made_on = start
    for n, school_id in enumerate(school_ids):
        batch = _make(officers, made_on, term.id, item_id, school_id, f"demo-{term.id}-{school_id}-1")
        if batch is None:
            continue
        made += 1
        failures = _failures(batch) if n == 0 else {}
        _pay(officers, batch, officers.days.after(made_on), failures)
        if failures:
            _correct_accounts(session, batch)
            again_on = officers.days.after(made_on, 8)
            again = _make(officers, again_on, term.id, item_id, school_id, f"demo-{term.id}-{school_id}-2")
            if again is not None:
                made += 1
                _pay(officers, again, officers.days.after(again_on))
    return made


def _spring(session, school_year_id: int) -> Term:
    return session.query(Term).filter_by(school_year_id=school_year_id, season=Season.SPRING).one()


def _on_or_before(day: date, today: date) -> date:
    return min(day, today)


def money_cycle(ctx: Context, district_id: int, item_id: int, school_ids: list[int], users: dict,
                last_term_id: int, term_id: int, today: date) -> dict:
    """Last school year's living subsidy paid in every school (autumn, then spring carried over) and
    this term's funded, with the first school's batch submitted. Returns counts for the summary."""
    session = ctx.session
    autumn, term = session.get(Term, last_term_id), session.get(Term, term_id)
    days = calendar_days(ctx, district_id, autumn.school_year_id)
    officers = Officers(days, users)
    approved = session.execute(select(func.max(Application.approved_on)).where(
        Application.term_id == autumn.id)).scalar()
    counts = {"batches": 0}
    if approved is None:
        return counts
    start = days.after(max(autumn.start_date, local_day(approved)))
    _fund(officers, autumn, item_id, school_ids, _needs(session, autumn.id, item_id, school_ids),
          days.after(autumn.start_date, 10), district_id, today)
    counts["batches"] += _pay_term(officers, autumn, item_id, school_ids, start)
    spring = _spring(session, autumn.school_year_id)
    carried_on = days.after(spring.start_date - timedelta(days=1))
    carry_over.carry_over(officers.district(carried_on), from_term_id=autumn.id, to_term_id=spring.id)
    _fund(officers, spring, item_id, school_ids, _needs(session, spring.id, item_id, school_ids),
          days.after(carried_on, 2), district_id, today)
    counts["batches"] += _pay_term(officers, spring, item_id, school_ids, days.after(carried_on, 10))
    counts["batches"] += _this_term(ctx, officers, term, item_id, school_ids, autumn, district_id, today)
    return counts


def _this_term(ctx: Context, officers: Officers, term: Term, item_id: int, school_ids: list[int], autumn: Term,
               district_id: int, today: date) -> int:
    """This term's funds, allocated by last autumn's need, with places by last autumn's count; the first
    school's pupils approved so far in a submitted batch."""
    session = ctx.session
    days = calendar_days(ctx, district_id, term.school_year_id)
    officers = Officers(days, officers.users)
    needs = _needs(session, autumn.id, item_id, school_ids)
    places = dict(session.execute(select(Entitlement.school_id, func.count()).where(
        Entitlement.term_id == autumn.id, Entitlement.aid_item_id == item_id,
        Entitlement.school_id.in_(school_ids)).group_by(Entitlement.school_id)).all())
    funded_on = _on_or_before(days.after(term.start_date, 5), today)
    _fund(officers, term, item_id, school_ids, needs, funded_on, district_id, today,
          {school_id: count + 2 for school_id, count in places.items()})
    if not school_ids:
        return 0
    batch = _make(officers, today, term.id, item_id, school_ids[0], f"demo-{term.id}-{school_ids[0]}-1")
    return 0 if batch is None else 1

