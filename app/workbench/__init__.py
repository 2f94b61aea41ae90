"""The workbench (工作台): register to-dos and quick actions with `todo` and `quick_action`."""
from app.workbench.registry import QuickAction, Todo, WorkbenchContext, quick_action, todo

# the built-in to-dos and actions register themselves on import
from app.workbench import actions, applications, audit, practices, pupils, schools  # noqa: E402, F401  isort: skip
from app.workbench import money, notices  # noqa: E402, F401  isort: skip

__all__ = ["QuickAction", "Todo", "WorkbenchContext", "quick_action", "todo"]
