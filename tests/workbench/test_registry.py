"""The workbench registry: permissions, hidden zero counts, broken providers, order, actions."""
import logging
from datetime import date

import pytest
from sqlalchemy.exc import OperationalError

from app.clock import FixedClock, day_start
from app.context import Context
from app.security.scope import Scope
from app.workbench import Todo, WorkbenchContext, quick_action, registry, todo
from app.workbench.registry import allowed_actions, collect_todos


class FakeSession:
    """Records rollbacks."""

    def __init__(self):
        self.rollbacks = 0

    def rollback(self):
        self.rollbacks += 1


@pytest.fixture(autouse=True)
def empty_registry(monkeypatch):
    """A registry of this test's own providers and actions only."""
    monkeypatch.setattr(registry, "_TODOS", {})
    monkeypatch.setattr(registry, "_ACTIONS", {})
    monkeypatch.setattr(registry.log, "disabled", False)


@pytest.fixture
def ctx():
    """A context without a database."""
    clock = FixedClock(day_start(date(2026, 9, 25)))
    return WorkbenchContext(context=Context(session=FakeSession(), scope=Scope(district_id=1), clock=clock),
                            user=None, school_year=None, term=None)


def everything(permission):
    """Every permission granted."""
    return True


def test_provider_may_return_one_many_or_none(ctx):
    todo("one")(lambda c: Todo("One", 1))
    todo("many")(lambda c: [Todo("Two", 2), Todo("Three", 3)])
    todo("none")(lambda c: None)
    assert sorted(t.title for t in collect_todos(ctx, everything)) == ["One", "Three", "Two"]


def test_zero_counts_are_hidden(ctx):
    todo("k")(lambda c: [Todo("Nothing", 0), Todo("Something", 4)])
    assert [t.title for t in collect_todos(ctx, everything)] == ["Something"]


def test_permission_is_checked_before_the_provider_runs(ctx):
    calls = []

    @todo("secret", permission=("can_read", "AuditEvent"))
    def secret(c):
        calls.append(c)
        return Todo("Secret", 1)

    asked = []
    assert collect_todos(ctx, lambda p: asked.append(p) or False) == []
    assert asked == [("can_read", "AuditEvent")] and calls == []
    assert [t.title for t in collect_todos(ctx, lambda p: p == ("can_read", "AuditEvent"))] == ["Secret"]


def test_failing_provider_is_logged_and_the_others_are_shown(ctx, caplog):
    todo("bad", order=1)(lambda c: 1 / 0)
    todo("good", order=2)(lambda c: Todo("Good", 1))
    with caplog.at_level(logging.ERROR, logger="app.workbench.registry"):
        assert [t.title for t in collect_todos(ctx, everything)] == ["Good"]
    assert "'bad'" in caplog.text and ctx.session.rollbacks == 0


def test_database_error_rolls_back_so_the_next_provider_can_query(ctx):
    def broken(c):
        raise OperationalError("SELECT 1", {}, Exception("locked"))

    todo("db", order=1)(broken)
    todo("after", order=2)(lambda c: Todo("After", 2))
    assert [t.title for t in collect_todos(ctx, everything)] == ["After"]
    assert ctx.session.rollbacks == 1


def test_something_else_than_todo_is_dropped(ctx):
    todo("odd")(lambda c: [Todo("Fine", 1), {"title": "dict", "count": 3}])
    assert [t.title for t in collect_todos(ctx, everything)] == ["Fine"]


def test_most_urgent_first_then_by_order(ctx):
    todo("a", order=1)(lambda c: Todo("Info first by order", 1))
    todo("b", order=2)(lambda c: Todo("Warning", 1, level="warning"))
    todo("c", order=3)(lambda c: Todo("Danger", 1, level="danger"))
    todo("d", order=0)(lambda c: Todo("Info zero", 1))
    titles = [t.title for t in collect_todos(ctx, everything)]
    assert titles == ["Danger", "Warning", "Info zero", "Info first by order"]


def test_registering_a_key_again_replaces_it(ctx):
    todo("same")(lambda c: Todo("Old", 1))
    todo("same")(lambda c: Todo("New", 1))
    assert [t.title for t in collect_todos(ctx, everything)] == ["New"]


def test_memo_runs_the_factory_once(ctx):
    calls = []
    for _ in range(3):
        assert ctx.memo("k", lambda: calls.append(1) or 42) == 42
    assert calls == [1]


def test_quick_actions_filtered_by_permission_in_order():
    quick_action("b", "Second", "B.list", order=2, page=3)
    quick_action("a", "First", "A.add", permission=("can_write", "Student"), order=1)
    quick_action("c", "Hidden", "C.list", permission=("can_write", "Tier"))
    shown = allowed_actions(lambda p: p == ("can_write", "Student"))
    assert [(a.key, a.endpoint) for a in shown] == [("a", "A.add"), ("b", "B.list")]
    assert dict(shown[1].url_args) == {"page": 3} and shown[0].icon == "fa-plus"
