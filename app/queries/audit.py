"""Audit trail counts in SQL: events of some actions since a moment, within the scope."""
from datetime import datetime

from sqlalchemy import func, select

from app.models import AuditEvent
from app.security.scope import Scope, limit


def recent_actions(session, scope: Scope, since: datetime, actions: tuple[str, ...]) -> dict[str, int]:
    """Action → events in the scope since `since` (aware), one GROUP BY on the action index."""
    query = (select(AuditEvent.action, func.count())
             .where(AuditEvent.action.in_(actions), AuditEvent.occurred_at >= since)
             .group_by(AuditEvent.action))
    return dict(session.execute(limit(query, AuditEvent, scope)).all())
