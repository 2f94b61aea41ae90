"""The workbench registry: to-do providers and quick actions that features add without editing the page."""
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy.exc import SQLAlchemyError

from app.context import Context
from app.security.scope import Scope

log = logging.getLogger(__name__)

LEVELS = ("danger", "warning", "info")  # most urgent first
Permission = tuple[str, str]  # FAB (permission_name, view_menu_name), e.g. ("can_read", "Application")


@dataclass(frozen=True)
class Todo:
    """One card on the workbench: how many things wait, where to do them, by when."""

    title: str
    count: int
    url: str | None = None
    due: date | None = None
    level: str = "info"  # "info" | "warning" | "danger"
    hint: str | None = None


@dataclass(frozen=True)
class WorkbenchContext:
    """What a provider may use: the page's use-case context (session, scope, actor, clock), the
    signed-in user, and the current school year and term."""

    context: Context
    user: object
    school_year: object | None
    term: object | None
    _memo: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def session(self):
        """The page's database session."""
        return self.context.session

    @property
    def scope(self) -> Scope:
        """The user's scope."""
        return self.context.scope

    @property
    def now(self) -> datetime:
        """Now, aware UTC, on the app's clock."""
        return self.context.now

    @property
    def today(self) -> date:
        """Today in China, on the app's clock."""
        return self.context.today

    def memo(self, key: str, factory: Callable[[], object]):
        """`factory()` once per workbench: providers share one aggregate query."""
        if key not in self._memo:
            self._memo[key] = factory()
        return self._memo[key]


@dataclass(frozen=True)
class TodoProvider:
    """A registered to-do function with the permission it needs."""

    key: str
    fn: Callable[[WorkbenchContext], "Todo | Iterable[Todo] | None"]
    permission: Permission | None
    order: int


@dataclass(frozen=True)
class QuickAction:
    """A button on the workbench: a label, an endpoint and its URL arguments."""

    key: str
    label: str
    endpoint: str
    permission: Permission | None
    icon: str
    order: int
    url_args: tuple = ()
    label_in: Callable[[WorkbenchContext], object] | None = None  # the label today (None: not offered)

    def label_for(self, ctx: WorkbenchContext):
        """The action's label in this workbench, or None when it is not offered there."""
        return self.label if self.label_in is None else self.label_in(ctx)


_TODOS: dict[str, TodoProvider] = {}
_ACTIONS: dict[str, QuickAction] = {}


def todo(key: str, *, permission: Permission | None = None, order: int = 100):
    """Decorator: register `fn(ctx) -> Todo | Iterable[Todo] | None` under `key` (the last one wins)."""

    def register(fn):
        _TODOS[key] = TodoProvider(key, fn, permission, order)
        return fn

    return register


def quick_action(key: str, label, endpoint: str, *, permission: Permission | None = None,
                 icon: str = "fa-plus", order: int = 100, label_in=None, **url_args) -> QuickAction:
    """Register a workbench button leading to `url_for(endpoint, **url_args)`; `label_in(ctx)`, when
    given, says what the button is called in a workbench (None: not offered there)."""
    action = QuickAction(key, label, endpoint, permission, icon, order, tuple(sorted(url_args.items())), label_in)
    _ACTIONS[key] = action
    return action


def providers() -> list[TodoProvider]:
    """Registered to-do providers in display order."""
    return sorted(_TODOS.values(), key=lambda p: (p.order, p.key))


def actions() -> list[QuickAction]:
    """Registered quick actions in display order."""
    return sorted(_ACTIONS.values(), key=lambda a: (a.order, a.key))


def _as_list(result) -> list:
    """A provider's answer as a list: None → [], one Todo → [it], an iterable → its items."""
    if result is None:
        return []
    if isinstance(result, Todo):
        return [result]
    return list(result)


def _run(provider: TodoProvider, ctx: WorkbenchContext) -> list[Todo]:
    """One provider's to-dos; a failing provider is logged and yields nothing."""
    try:
        found = _as_list(provider.fn(ctx))
    except Exception as error:  # one broken feature must not take the home page down
        log.exception("workbench to-do %r failed", provider.key)
        if isinstance(error, SQLAlchemyError):
            ctx.session.rollback()  # the page only reads: nothing is lost
        return []
    good = [t for t in found if isinstance(t, Todo)]
    if len(good) != len(found):
        log.error("workbench to-do %r returned something other than Todo", provider.key)
    return good


def collect_todos(ctx: WorkbenchContext, allowed: Callable[[Permission], bool]) -> list[Todo]:
    """The to-dos the user may see with something to do, most urgent first, then by order."""
    found = []
    for provider in providers():
        if provider.permission is None or allowed(provider.permission):
            found.extend(t for t in _run(provider, ctx) if t.count > 0)
    rank = {level: i for i, level in enumerate(LEVELS)}
    return sorted(found, key=lambda t: rank.get(t.level, len(LEVELS)))


def allowed_actions(allowed: Callable[[Permission], bool]) -> list[QuickAction]:
    """The quick actions the user has the permission for."""
    return [a for a in actions() if a.permission is None or allowed(a.permission)]
