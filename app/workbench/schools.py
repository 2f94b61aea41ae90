"""The district's to-do about schools: those well behind the others with this term's applications, while
the window is open."""
from flask_babel import lazy_gettext as _l

from app.formatting import format_many
from app.queries.progress import school_progress
from app.queries.terms import application_window
from app.workbench.context import term_counts
from app.workbench.links import link
from app.workbench.registry import Todo, WorkbenchContext, todo


def ctx_progress(ctx: WorkbenchContext):
    """The scope's school progress for the current term, computed once per page."""
    return ctx.memo("school_progress", lambda: school_progress(ctx.session, ctx.scope, ctx.term.id, term_counts(ctx)))


@todo("schools.behind", permission=("can_read", "SchoolProgress"), order=50)
def schools_behind(ctx: WorkbenchContext):
    """District-wide users: schools well behind the district median, to follow up with."""
    if ctx.term is None or ctx.scope.school_id is not None:
        return None
    if application_window(ctx.term, ctx.today).state == "closed":
        return None  # past the deadline no school can catch up: nobody to urge (the progress stays on the page)
    behind = ctx_progress(ctx).behind
    return Todo(title=_l("Schools well behind with applications"), count=len(behind), level="warning",
                url=link("SchoolProgressView.index"),
                hint=_l("Call them: %(names)s", names=format_many(row.name for row in behind[:3])))
