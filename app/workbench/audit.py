"""Built-in to-dos of the auditor: full values revealed and access refused in the last 7 days."""
from datetime import timedelta

from flask_babel import gettext

from app.clock import local_time
from app.queries.audit import recent_actions
from app.security.audit import DENIED, LOGIN_FAILED, REVEAL
from app.workbench.links import AFTER_TIME, EQUAL_STRING, link
from app.workbench.registry import Todo, WorkbenchContext, todo

DAYS = 7
AUDITING_ROLES = {"Auditor", "Admin"}


def _trail(action: str, since) -> str | None:
    """The audit trail filtered to one action after a moment, written in local time as users type it."""
    return link("AuditEventModelView.list", **{
        EQUAL_STRING.format("action"): action,
        AFTER_TIME.format("occurred_at"): local_time(since).strftime("%Y-%m-%d %H:%M"),
    })


@todo("audit.recent", permission=("can_read", "AuditEvent"), order=60)
def recent_events(ctx: WorkbenchContext):
    """For auditors: reveals, refusals and failed sign-ins of the last 7 days, to look through."""
    if not set(ctx.context.actor.roles) & AUDITING_ROLES:
        return None
    since = (ctx.now - timedelta(days=DAYS)).replace(second=0, microsecond=0)
    counts = recent_actions(ctx.session, ctx.scope, since, (REVEAL, DENIED, LOGIN_FAILED))
    return [
        Todo(gettext("Full values viewed in the last 7 days"), counts.get(REVEAL, 0),
             _trail(REVEAL, since), hint=gettext("Check that each reason is a real need.")),
        Todo(gettext("Access refused in the last 7 days"), counts.get(DENIED, 0),
             _trail(DENIED, since), level="warning"),
        Todo(gettext("Failed sign-ins in the last 7 days"), counts.get(LOGIN_FAILED, 0),
             _trail(LOGIN_FAILED, since)),
    ]
