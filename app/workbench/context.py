"""The workbench context: a page's use-case context with the current school year and term."""
from app.context import Context
from app.queries.progress import Counts, application_counts
from app.queries.terms import current_school_year, current_term
from app.workbench.registry import WorkbenchContext


def make_context(ctx: Context, user=None) -> WorkbenchContext:
    """Everything a to-do provider needs, computed once per page; `user` is the signed-in FAB user."""
    term = current_term(ctx.session)
    return WorkbenchContext(context=ctx, user=user, school_year=current_school_year(ctx.session, term), term=term)


def term_counts(ctx: WorkbenchContext) -> Counts:
    """The current term's application counts in the scope, queried once per page (empty without a term)."""
    if ctx.term is None:
        return {}
    return ctx.memo("application_counts", lambda: application_counts(ctx.session, ctx.scope, ctx.term.id))

