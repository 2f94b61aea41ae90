"""Built-in to-dos of identification: applications to review, drafts, returned ones, the window.

Once the term's window has closed a school can submit only a mid-year application (a family that met a
sudden event, app/commands/identification.py `submit`): the cards then ask for those alone and say so
of the others, never urging what cannot be done."""
from flask_babel import gettext

from app.models import ApplicationStatus
from app.queries.progress import midyear_totals, status_totals
from app.queries.terms import application_window
from app.workbench.context import term_counts
from app.workbench.links import EQUAL_BOOLEAN, EQUAL_ENUM, EQUAL_RELATION, link
from app.workbench.registry import Todo, WorkbenchContext, todo

S = ApplicationStatus
WRITE = ("can_write", "Application")
SOON_DAYS = 14  # the window card appears two weeks before the deadline
URGENT_DAYS = 7  # and turns amber in the last week


def application_list(ctx: WorkbenchContext, status: ApplicationStatus, *, midyear: bool = False) -> str | None:
    """The application list filtered to this term and one status (and to mid-year applications)."""
    args = {EQUAL_ENUM.format("status"): status.value, EQUAL_RELATION.format("term"): ctx.term.id}
    if midyear:
        args[EQUAL_BOOLEAN.format("is_midyear")] = "y"
    return link("ApplicationModelView.list", **args)


def _totals(ctx: WorkbenchContext):
    """Status → count of this term's applications in the scope."""
    return status_totals(term_counts(ctx))


def _future_deadline(ctx: WorkbenchContext):
    """The window's closing day when it is still ahead (today included)."""
    closes = ctx.term.application_closes if ctx.term else None
    return closes if closes and closes >= ctx.today else None


def window_closed(ctx: WorkbenchContext) -> bool:
    """The term's application window has closed (only mid-year applications can be submitted)."""
    return application_window(ctx.term, ctx.today).state == "closed"


def _deadline_level(ctx: WorkbenchContext) -> str:
    """warning in the window's last week, info otherwise."""
    window = application_window(ctx.term, ctx.today)
    return "warning" if window.state == "open" and window.days_left <= URGENT_DAYS else "info"


def _closed_hint(ctx: WorkbenchContext) -> str:
    """What the school can still do once the window has closed."""
    return gettext("Applications for %(term)s closed on %(date)s: only a mid-year application (a family that "
                   "met a sudden event) can still be submitted.", term=ctx.term.name,
                   date=ctx.term.application_closes.isoformat())


def _drafts_after_deadline(ctx: WorkbenchContext) -> list[Todo]:
    """After the window: the mid-year drafts to submit, and the others, which cannot be."""
    midyear = ctx.memo("midyear_totals", lambda: midyear_totals(ctx.session, ctx.scope, ctx.term.id))[S.DRAFT]
    return [
        Todo(gettext("Mid-year applications to submit"), midyear, application_list(ctx, S.DRAFT, midyear=True),
             level="warning", hint=_closed_hint(ctx)),
        Todo(gettext("Drafts not submitted before the deadline"), _totals(ctx)[S.DRAFT] - midyear,
             application_list(ctx, S.DRAFT), hint=_closed_hint(ctx)),
    ]


@todo("applications.review", permission=WRITE, order=10)
def awaiting_review(ctx: WorkbenchContext):
    """Submitted applications waiting for class review and for school review and scoring."""
    if ctx.term is None:
        return None
    totals, due = _totals(ctx), _future_deadline(ctx)
    titles = (
        (S.SUBMITTED, gettext("Submitted, awaiting review")),
        (S.CLASS_REVIEW, gettext("Reviewed by the class, awaiting scoring")),
        (S.SCHOOL_REVIEW, gettext("In school assessment: home visits and committee")),
    )
    return [Todo(title, totals[status], application_list(ctx, status), due=due)
            for status, title in titles]


@todo("applications.drafts", permission=WRITE, order=20)
def drafts(ctx: WorkbenchContext):
    """Drafts the school has not submitted yet (school and class users: the district cannot submit);
    after the window, the mid-year ones to submit and the others left behind."""
    if ctx.term is None or ctx.scope.school_id is None:
        return None
    if window_closed(ctx):
        return _drafts_after_deadline(ctx)
    return Todo(gettext("Drafts not yet submitted"), _totals(ctx)[S.DRAFT], application_list(ctx, S.DRAFT),
                due=_future_deadline(ctx), level=_deadline_level(ctx))


@todo("applications.returned", permission=WRITE, order=30)
def returned(ctx: WorkbenchContext):
    """Applications sent back to the school to be corrected and submitted again (after the window too:
    they were submitted in time)."""
    if ctx.term is None or ctx.scope.school_id is None:
        return None
    return Todo(gettext("Returned for correction"), _totals(ctx)[S.RETURNED],
                application_list(ctx, S.RETURNED), due=_future_deadline(ctx), level="warning")


@todo("applications.window", permission=("can_read", "Application"), order=40)
def window_closing(ctx: WorkbenchContext):
    """The days left before the application window closes, in its last two weeks."""
    window = application_window(ctx.term, ctx.today)
    if window.state != "open" or window.days_left > SOON_DAYS:
        return None
    return Todo(
        gettext("Days left to apply"), window.days_left,
        link("ApplicationModelView.list", **{EQUAL_RELATION.format("term"): ctx.term.id}),
        due=window.closes, level="warning" if window.days_left <= URGENT_DAYS else "info",
        hint=gettext("Applications for %(term)s close on %(date)s.",
                     term=ctx.term.name, date=window.closes.isoformat()),
    )
