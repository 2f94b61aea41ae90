"""The one place a request's context is built: the session, the user's scope, the signed-in user as
actor (session cookie or JWT), their address, the app's clock and the request's id.

Pages and REST endpoints call `current_context()`; `init_app` registers it with each request's
session, so the audit capture of FAB's own CRUD writes names the same actor.
"""
import uuid

from flask import Flask, current_app, g, has_request_context, request
from flask_login import current_user

from app.clock import clock_of
from app.context import PROVIDER, Actor, Context, system_context
from app.extensions import db
from app.security.scope import current_scope


def signed_in_user():
    """The signed-in user of this request: session cookie (Flask-Login) or JWT (FAB's g.user); else None."""
    if not has_request_context():
        return None
    try:
        if current_user.is_authenticated:
            return current_user
    except AttributeError:
        pass
    user = g.get("user")  # FAB sets it when it verifies a JWT
    return user if getattr(user, "is_authenticated", False) else None


def request_id() -> str:
    """A uuid for this request: the same on all its audit events."""
    if "zizhu_request_id" not in g:
        g.zizhu_request_id = str(uuid.uuid4())
    return g.zizhu_request_id


def request_actor(user=None) -> Actor:
    """`user` (default: the signed-in user, if any) acting from this request's address."""
    user = user if user is not None else signed_in_user()
    ip = request.remote_addr if has_request_context() else None
    return Actor(ip=ip) if user is None else Actor.of(user, ip)


def current_context() -> Context:
    """This request's context (the system's outside a request)."""
    if not has_request_context():
        return system_context(db.session, clock_of(current_app))
    return Context(session=db.session, scope=current_scope(), actor=request_actor(),
                   clock=clock_of(current_app), request_id=request_id())


def signing_in(user, username: str | None = None) -> Context:
    """This request's context with `user` as actor (a sign-in or sign-out, before or after the
    session knows the user); for an unknown user, the name as typed."""
    ip = request.remote_addr if has_request_context() else None
    actor = request_actor(user) if user is not None else Actor(username=username, ip=ip)
    return current_context().acting_as(actor)


def _register() -> None:
    """before_request: the session's writes in this request are audited with its context."""
    db.session.info[PROVIDER] = current_context


def init_app(app: Flask) -> None:
    """Register the builder with every request's session."""
    app.before_request(_register)
