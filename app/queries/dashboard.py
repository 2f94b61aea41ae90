"""The leader's dashboard (资助概览) as chart declarations: coverage, identification progress, spending
and trends, each figure one SQL GROUP BY in the viewer's scope (app/queries/charts.py); no pupil's row.

Coverage is aided ÷ enrolled: pupils with an active entitlement in the term (any item) over the pupils
in the term (`in_term`): for a term not yet over, the pupils enrolled now; for a past term, those
enrolled by its end who had not left before its start. Spending reads the ledger's books of the term
(app/models/money.py): allocated is what schools' books received and kept (free + reserved + paid),
paid the paid book, remaining the rest. The figures of one school show no chart by school or township.
"""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, or_
from sqlalchemy.orm import aliased

from app.labels import enum_label
from app.models import (
    AidItem,
    Application,
    ApplicationStatus,
    Book,
    Entitlement,
    EntitlementStatus,
    FundAccount,
    LedgerLine,
    Objection,
    School,
    SpecialGroup,
    Student,
    StudentStatus,
    Term,
    Tier,
    household_special_group,
)
from app.queries.charts import Category, Chart, Ratio, Series, via
from app.services import workflow


@dataclass(frozen=True)
class DashboardRequest:
    """What the figures are of: a term (and its first and last days), today (China), where a click on a
    school's bar leads, and whether the figures are of one school (no chart by school or township then)."""

    term_id: int
    today: date
    school_link: str | None = None
    term_starts: date | None = None
    term_ends: date | None = None
    one_school: bool = False


# the tables a category joins, aliased: the scope's criteria have subqueries of the same tables,
# which must not be correlated with the category's
SCHOOL, PUPIL, ACCOUNT = aliased(School), aliased(Student), aliased(FundAccount)


def _special_groups(query, model):
    """Reach the special groups of a pupil's household from Student, or from a row naming a pupil."""
    household = Student.household_id
    if model is not Student:
        query, household = query.join(PUPIL, PUPIL.id == model.student_id), PUPIL.household_id
    return (query.join(household_special_group, household_special_group.c.household_id == household)
            .join(SpecialGroup, SpecialGroup.id == household_special_group.c.special_group_id))


TO_SCHOOL = via(SCHOOL, "school_id")  # one join object: the totals of charts by school and township are one query
BY_SCHOOL = Category(SCHOOL.id, SCHOOL.name, SCHOOL.code, join=TO_SCHOOL)
BY_TOWNSHIP = Category(SCHOOL.township, join=TO_SCHOOL)
BY_TIER = Category(Tier.id, Tier.name, Tier.rank, join=via(Tier, "tier_id"))
BY_GROUP = Category(SpecialGroup.id, SpecialGroup.name, SpecialGroup.sort_order, join=_special_groups, many=True)
# a pupil's entitlement keeps whether the pupil boarded when it was granted
BY_BOARDING = Category("boarding", order="boarding",
                       names=lambda boarding: _l("Boarders") if boarding else _l("Day pupils"))
BY_SOURCE = Category(ACCOUNT.source, names=enum_label, join=via(ACCOUNT, "fund_account_id"))
BY_ITEM = Category(AidItem.id, AidItem.name, AidItem.code, join=via(AidItem, "aid_item_id"))
BY_TERM = Category(Term.id, Term.name, Term.start_date, join=via(Term, "term_id"))


def _to_term_of_year(query, model):
    """Join an application to every term of its school year (identification is per school year, so the
    spring term's pupils were identified in the autumn), other rows to their own term."""
    if model is Application:
        return query.join(Term, Term.school_year_id == model.school_year_id)
    return query.join(Term, Term.id == model.term_id)


def _to_pupil(query, model):
    """Reach the pupil of a row naming one (the pupil's own row, aliased, for Student)."""
    return query.join(PUPIL, PUPIL.id == (model.id if model is Student else model.student_id))


BY_TERM_OF_YEAR = Category(Term.id, Term.name, Term.start_date, join=_to_term_of_year, many=True)  # see above


def _school_year(day: date) -> int:
    """The year a day's school year began in (a school year runs from September)."""
    return day.year if day.month >= 8 else day.year - 1


@lru_cache(maxsize=16)
def by_grade(years_ago: int) -> Category:
    """Pupils by the grade they were in `years_ago` school years back (a pupil's row keeps today's grade);
    one object per offset, so that the charts of a request share their figures."""
    grade = PUPIL.grade - years_ago if years_ago else PUPIL.grade
    return Category(grade, order=grade, names=lambda n: gettext("Grade %(n)s", n=n), join=_to_pupil)


ENROLLED, AIDED = _l("Enrolled pupils"), _l("Aided pupils")


def in_term(req: DashboardRequest | None) -> tuple:
    """The SQL criteria of the pupils in the term: enrolled by its last day and, for a term that is over,
    not left before its first day (`left_on`, the day the status hook saw them leave); for a term not
    over (or none given), enrolled now, as today."""
    now = Student.status == StudentStatus.ENROLLED
    if req is None or req.term_starts is None or req.term_ends is None:
        return (now,)
    by_end = or_(Student.enrolled_on.is_(None), Student.enrolled_on <= req.term_ends)
    if req.term_ends >= req.today:
        return (now, by_end)
    return (by_end, or_(now, Student.left_on >= req.term_starts))


def enrolled(req: DashboardRequest | None = None, name=ENROLLED, **kw) -> Series:
    """Pupils in the request's term (`in_term`), or enrolled now."""
    return Series(name, Student, where=in_term(req), **kw)


def aided(term_id: int | None, name=AIDED, **kw) -> Series:
    """Pupils with an active entitlement in the term (every term when None), each counted once."""
    where = (Entitlement.status == EntitlementStatus.ACTIVE,)
    if term_id is not None:
        where += (Entitlement.term_id == term_id,)
    return Series(name, Entitlement, distinct=Entitlement.student_id, where=where, **kw)


def coverage_charts(req: DashboardRequest) -> list[Chart]:
    """Coverage (aided ÷ enrolled) by school and township, aided pupils by tier, boarders and day pupils.
    The charts share their series, so that each is queried once per category; only the charts behind the
    page's headline figures (dashboard.html `kpis`) count totals."""
    pupils, aided_ = enrolled(req), aided(req.term_id)
    coverage = Ratio(_l("Coverage (%)"), aided_, pupils)
    charts = [
        _per_school(req, "coverage_school", _l("Coverage by school"), _l("Coverage by grade"), (coverage,)),
        Chart("coverage_township", _l("Coverage by township"), BY_TOWNSHIP, (coverage,), totals=False),
        Chart("aided_tier", _l("Aided pupils by tier"), BY_TIER, (aided_,), kind="pie", totals=False),
        Chart("coverage_boarding", _l("Coverage of boarders and day pupils"), BY_BOARDING, (coverage,),
              totals=False),
        _per_school(req, "totals", _l("Enrolled and aided pupils"), _l("Enrolled and aided pupils by grade"),
                    (pupils, aided_)),
    ]
    return _of_many_schools(req, charts)


def _per_school(req: DashboardRequest, key: str, title, title_one, series: tuple, kind: str = "bar") -> Chart:
    """A chart by school, linked to each school's dashboard; by grade when the figures are of one school
    (the key stays: the page's headline figures read it)."""
    if req.one_school:
        years_ago = _school_year(req.today) - _school_year(req.term_starts) if req.term_starts else 0
        return Chart(key, title_one, by_grade(years_ago), series, kind=kind)
    return Chart(key, title, BY_SCHOOL, series, kind=kind, link=req.school_link)


def _of_many_schools(req: DashboardRequest, charts: list[Chart]) -> list[Chart]:
    """The charts without those by school or township when the figures are of one school (one bar)."""
    if not req.one_school:
        return charts
    return [chart for chart in charts if chart.by not in (BY_SCHOOL, BY_TOWNSHIP)]


def _applications(term_id: int, name, statuses: tuple[str, ...], *extra) -> Series:
    where = (Application.term_id == term_id, Application.status.in_([ApplicationStatus(s) for s in statuses]))
    return Series(name, Application, where=where + extra)


def group_charts(req: DashboardRequest) -> list[Chart]:
    """Enrolled and aided pupils of each special group (a count under 5 as "<5"): a section of its own, as
    reaching the groups joins every pupil to their household's, so that the page draws it beside coverage."""
    return [Chart("special_groups", _l("Special groups: enrolled and aided pupils"), BY_GROUP,
                  (enrolled(req, sensitive=True), aided(req.term_id, sensitive=True)))]


def progress_charts(req: DashboardRequest) -> list[Chart]:
    """The term's applications per school by stage of the workflow, and objections overdue for an answer."""
    term = req.term_id
    archived = ApplicationStatus.ARCHIVED
    stages = (
        _applications(term, _l("Not submitted"), workflow.NOT_SUBMITTED),
        _applications(term, _l("In review"), workflow.OPEN),
        Series(_l("Identified"), Application, where=(Application.term_id == term, or_(
            Application.status == ApplicationStatus.APPROVED,
            and_(Application.status == archived, Application.approved_on.is_not(None))))),
        Series(_l("Not identified"), Application, where=(Application.term_id == term, or_(
            Application.status == ApplicationStatus.REJECTED,
            and_(Application.status == archived, Application.approved_on.is_(None))))),
    )
    overdue = Series(_l("Objections overdue"), Objection,
                     where=(Objection.answered_on.is_(None), Objection.due_on < req.today))
    return _of_many_schools(req, [
        _per_school(req, "applications_school", _l("Applications by stage and school"),
                    _l("Applications by stage and grade"), stages, kind="stack"),
        Chart("objections_overdue", _l("Objections overdue for an answer"), BY_SCHOOL, (overdue,),
              link=req.school_link),
    ])


SCHOOL_BOOKS = (Book.ALLOCATED, Book.RESERVED, Book.PAID)


def _book_sum(name, books: tuple[Book, ...], term_id: int | None) -> Series:
    """The sum of the term's lines on the books of schools' allocations (every term when None)."""
    where = (LedgerLine.book.in_(SCHOOL_BOOKS),)
    if term_id is not None:
        where += (LedgerLine.term_id == term_id,)
    amount = case((LedgerLine.book.in_(books), LedgerLine.amount), else_=0) if books != SCHOOL_BOOKS \
        else LedgerLine.amount
    return Series(name, LedgerLine, value=amount, where=where)


def money(term_id: int | None) -> tuple[Series, Series, Series]:
    """Allocated, paid and remaining."""
    return (_book_sum(_l("Allocated"), SCHOOL_BOOKS, term_id),
            _book_sum(_l("Paid"), (Book.PAID,), term_id),
            _book_sum(_l("Remaining"), (Book.ALLOCATED, Book.RESERVED), term_id))


def spending_charts(req: DashboardRequest) -> list[Chart]:
    """The term's money allocated, paid and remaining by fund source, aid item and school."""
    term = req.term_id
    return _of_many_schools(req, [
        Chart("money_source", _l("Funds by source"), BY_SOURCE, money(term)),
        Chart("money_item", _l("Funds by aid item"), BY_ITEM, money(term)),
        Chart("money_school", _l("Funds by school"), BY_SCHOOL, money(term), link=req.school_link),
    ])


def trend_charts(req: DashboardRequest) -> list[Chart]:
    """Every term: money allocated and paid, pupils aided, applications identified."""
    identified = Series(_l("Identified this school year"), Application, where=(and_(
        Application.status.in_([ApplicationStatus.APPROVED, ApplicationStatus.ARCHIVED]),
        Application.approved_on.is_not(None)),))
    allocated, paid, _remaining = money(None)
    return [
        Chart("trend_money", _l("Funds by term"), BY_TERM, (allocated, paid), kind="line", totals=False),
        Chart("trend_pupils", _l("Pupils by term"), BY_TERM_OF_YEAR, (aided(None), identified), kind="line",
              totals=False),
    ]


SECTIONS: dict[str, Callable[[DashboardRequest], list[Chart]]] = {
    "coverage": coverage_charts,
    "groups": group_charts,
    "progress": progress_charts,
    "spending": spending_charts,
    "trends": trend_charts,
}
