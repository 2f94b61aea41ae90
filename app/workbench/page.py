"""What the workbench page shows a user: greeting, calendar, to-dos, quick actions, school progress."""
from dataclasses import dataclass

from flask_babel import gettext

from app.clock import local_time
from app.context import Context
from app.formatting import format_class, person_name
from app.models import District, School
from app.queries.terms import Window, application_window
from app.security.roles import ROLE_LABELS
from app.security.scope import Scope
from app.services.progress import ProgressTable
from app.workbench.context import make_context
from app.workbench.links import link
from app.workbench.registry import Todo, WorkbenchContext, allowed_actions, collect_todos
from app.workbench.schools import ctx_progress

SHOWN_SCHOOLS = 10  # the workbench lists the schools most behind; the report lists them all


@dataclass(frozen=True)
class Action:
    """A quick action ready to render."""

    label: str
    url: str
    icon: str


@dataclass(frozen=True)
class Workbench:
    """Everything the template needs, computed before rendering."""

    greeting: str
    roles: str
    where: str
    ctx: WorkbenchContext
    window: Window
    todos: list[Todo]
    actions: list[Action]
    progress: ProgressTable | None
    shown_schools: int = SHOWN_SCHOOLS

    @property
    def hidden_schools(self) -> int:
        """Schools of the progress left out of the workbench's table (its totals row covers them too)."""
        return max(len(self.progress.rows) - self.shown_schools, 0) if self.progress else 0


def greeting(hour: int, user) -> str:
    """Good morning / afternoon / evening and the user's name (family name first in Chinese)."""
    name = person_name(user)
    if 5 <= hour < 12:
        return gettext("Good morning, %(name)s", name=name)
    if 12 <= hour < 18:
        return gettext("Good afternoon, %(name)s", name=name)
    return gettext("Good evening, %(name)s", name=name)


def role_names(user) -> str:
    """The user's roles in the user's language, joined with 、."""
    return gettext("、").join(str(ROLE_LABELS.get(r.name, r.name)) for r in user.roles)


def scope_name(session, scope: Scope) -> str:
    """Where the user works: a school (and classes), a district, or every district."""
    if scope.everything:
        return gettext("All districts")
    if scope.school_id is not None:
        school = session.get(School, scope.school_id)
        classes = gettext("、").join(format_class(grade, name)
                                   for grade, name in scope.classes)
        return " ".join(filter(None, (str(school), classes)))
    return str(session.get(District, scope.district_id))


def _actions(ctx: WorkbenchContext, allowed) -> list[Action]:
    """The quick actions the user may use here, with their URLs (unknown endpoints left out)."""
    found = []
    for action in allowed_actions(allowed):
        label = action.label_for(ctx)
        url = link(action.endpoint, **dict(action.url_args)) if label is not None else None
        if url:
            found.append(Action(str(label), url, action.icon))
    return found


def _progress(ctx: WorkbenchContext, allowed) -> ProgressTable | None:
    """The schools' progress for district-wide users who may read the report; None otherwise."""
    if ctx.term is None or ctx.scope.school_id is not None or not allowed(("can_read", "SchoolProgress")):
        return None
    return ctx_progress(ctx)


def build_workbench(context: Context, user, allowed) -> Workbench:
    """The workbench of `user` in the page's use-case context; `allowed((permission, view))` answers
    FAB permission checks."""
    ctx = make_context(context, user)
    if ctx.scope.nothing:
        todos, actions, progress, where = [], [], None, ""
    else:
        todos, actions = collect_todos(ctx, allowed), _actions(ctx, allowed)
        progress, where = _progress(ctx, allowed), scope_name(ctx.session, ctx.scope)
    return Workbench(
        greeting=greeting(local_time(ctx.now).hour, user), roles=role_names(user), where=where, ctx=ctx,
        window=application_window(ctx.term, ctx.today), todos=todos, actions=actions, progress=progress,
    )
