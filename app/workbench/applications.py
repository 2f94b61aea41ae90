"""Built-in to-dos of identification: applications to review, drafts, returned ones, the window."""
from flask_babel import gettext

from app.models import ApplicationStatus
from app.queries.progress import status_totals
from app.queries.terms import application_window
from app.workbench.context import term_counts
from app.workbench.links import EQUAL_ENUM, EQUAL_RELATION, link
from app.workbench.registry import Todo, WorkbenchContext, todo

S = ApplicationStatus
WRITE = ("can_write", "Application")
SOON_DAYS = 14  # the window card appears two weeks before the deadline
URGENT_DAYS = 7  # and turns amber in the last week


def application_list(ctx: WorkbenchContext, status: ApplicationStatus) -> str | None:
    """The application list filtered to this term and one status."""
    return link("ApplicationModelView.list", **{
        EQUAL_ENUM.format("status"): status.value, EQUAL_RELATION.format("term"): ctx.term.id,
    })


def _totals(ctx: WorkbenchContext):
    """Status → count of this term's applications in the scope."""
    return status_totals(term_counts(ctx))


def _future_deadline(ctx: WorkbenchContext):
    """The window's closing day when it is still ahead (today included)."""
    closes = ctx.term.application_closes if ctx.term else None
    return closes if closes and closes >= ctx.today else None


def _deadline_level(ctx: WorkbenchContext) -> str:
    """danger once the window has closed, warning in its last week, info otherwise."""
    window = application_window(ctx.term, ctx.today)
    if window.state == "closed":
        return "danger"
    if window.state == "open" and window.days_left <= URGENT_DAYS:
        return "warning"
    return "info"


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
    """Drafts the school has not submitted yet (school and class users: the district cannot submit)."""
    if ctx.term is None or ctx.scope.school_id is None:
        return None
    level = _deadline_level(ctx)
    hint = None
    if level == "danger":
        hint = gettext("The application window closed on %(date)s.",
                       date=ctx.term.application_closes.isoformat())
    return Todo(gettext("Drafts not yet submitted"), _totals(ctx)[S.DRAFT],
                application_list(ctx, S.DRAFT), due=_future_deadline(ctx), level=level, hint=hint)


@todo("applications.returned", permission=WRITE, order=30)
def returned(ctx: WorkbenchContext):
    """Applications sent back to the school to be corrected and submitted again."""
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
