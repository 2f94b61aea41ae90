"""The context of one use case: the session, the scope, who acts and the clock, in one frozen value.

Every command takes it as its first argument, and the audit trail takes who and when from it. Pages
and the REST API build it in one place (`app/security/request_context.py`), the CLI in `app/cli.py`,
jobs in `app/jobs/runner.py`; nothing below them reads Flask's globals for who or when.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import TYPE_CHECKING

from app.clock import SYSTEM, Clock

if TYPE_CHECKING:
    from app.security.scope import Scope

PROVIDER = "zizhu_context_provider"  # session.info: builds the context of the request the session serves

CONTEXT = "zizhu_context"  # session.info: the context whose use case the session's transaction serves


@dataclass(frozen=True)
class Actor:
    """Who acts: a signed-in user, a job's owner, or the system (no user)."""

    user_id: int | None = None
    username: str | None = None
    roles: tuple[str, ...] = ()
    ip: str | None = None

    @classmethod
    def of(cls, user, ip: str | None = None) -> Actor:
        """A Flask-AppBuilder user as actor (with their role names), from `ip`."""
        return cls(user_id=user.id, username=user.username,
                   roles=tuple(sorted(r.name for r in getattr(user, "roles", None) or ())), ip=ip)


SYSTEM_ACTOR = Actor()


@dataclass(frozen=True)
class Context:
    """One use case's session, scope, actor and clock; `request_id` ties a request's audit events."""

    session: object
    scope: Scope
    actor: Actor = SYSTEM_ACTOR
    clock: Clock = field(default=SYSTEM, compare=False)
    request_id: str | None = None

    @property
    def now(self) -> datetime:
        """Now, aware UTC."""
        return self.clock.now()

    @property
    def today(self) -> date:
        """Today in China."""
        return self.clock.today()

    def acting_as(self, actor: Actor) -> Context:
        """The same context with another actor (a sign-in names its user before the session knows it)."""
        return replace(self, actor=actor)


def system_context(session, clock: Clock = SYSTEM, scope: Scope | None = None) -> Context:
    """The system's context: every row in scope, no user (periodic tasks, seed, CLI without a user)."""
    from app.security.scope import Scope

    return Context(session=session, scope=scope or Scope(everything=True), actor=SYSTEM_ACTOR, clock=clock)


def context_of(session) -> Context:
    """The context the session's work serves: the one a runner bound, else the request's (built by the
    provider a request registers), else the system's."""
    ctx = session.info.get(CONTEXT)
    if ctx is not None:
        return ctx
    provider = session.info.get(PROVIDER)
    if provider is not None:
        return provider()
    from app.clock import app_clock

    return system_context(session, app_clock())
