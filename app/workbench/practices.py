"""The district's to-do about fairness: schools with possible equal sharing or taking turns."""
from flask_babel import lazy_gettext as _l

from app.formatting import format_many
from app.queries.cache import kept
from app.queries.practices import check
from app.workbench.links import link
from app.workbench.registry import Todo, WorkbenchContext, todo


@todo("practices.warnings", permission=("can_read", "PracticeCheck"), order=55)
def practice_warnings(ctx: WorkbenchContext):
    """District-wide users: schools of the current school year with an equal-sharing or turns warning."""
    if ctx.school_year is None or ctx.scope.school_id is not None:
        return None
    year_id = ctx.school_year.id
    names = kept(f"practices:{year_id}", ctx.session, ctx.scope,
                 lambda: [s.name for s in check(ctx.session, ctx.scope, year_id).schools])
    return Todo(title=_l("Schools with possible equal sharing or taking turns"), count=len(names),
                level="warning", url=link("PracticeCheckView.index"),
                hint=_l("Look closer at: %(names)s", names=format_many(names[:3])))
