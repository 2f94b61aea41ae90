"""Use-case contexts for tests that call commands directly."""
from app.clock import SYSTEM, Clock
from app.context import Actor, Context
from app.security.scope import Scope


def context(session, scope: Scope | None = None, *, user=None, clock: Clock | None = None,
            request_id: str | None = None) -> Context:
    """A context on `session`: `scope` (everything by default), `user` (a FAB user) as actor, `clock`
    (the real one by default)."""
    actor = Actor() if user is None else Actor.of(user)
    return Context(session=session, scope=scope if scope is not None else Scope(everything=True), actor=actor,
                   clock=clock or SYSTEM, request_id=request_id)


def named(username: str | None = None) -> Context:
    """The app session's context acting as a user known only by name (a visitor, a typed name)."""
    from app.extensions import db

    return context(db.session).acting_as(Actor(username=username))
