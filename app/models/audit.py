"""Audit: the append-only trail of who did what, when, from where, to which record."""
from flask_appbuilder import Model
from sqlalchemy import JSON, BigInteger, Column, ForeignKey, Index, Integer, String

from app.models.base import UtcDateTime, utcnow

# BIGINT on PostgreSQL; SQLite only auto-increments an INTEGER PRIMARY KEY
EventId = BigInteger().with_variant(Integer(), "sqlite")


class AuditEvent(Model):
    """One event; never updated or deleted (ORM guard, read-only views, database triggers)."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_entity", "entity", "entity_id"),
        # the viewer of a school user lists its school's events newest first
        Index("ix_audit_event_school", "school_id", "id"),
    )
    id = Column(EventId, primary_key=True)
    occurred_at = Column(UtcDateTime, nullable=False, default=utcnow, index=True)
    # no ON DELETE: a user who has acted is disabled, never deleted (the trigger forbids SET NULL)
    user_id = Column(Integer, ForeignKey("ab_user.id"), index=True)
    username = Column(String(128), index=True)
    ip = Column(String(45))
    action = Column(String(24), nullable=False, index=True)
    entity = Column(String(64))
    entity_id = Column(String(64))
    school_id = Column(Integer)
    summary = Column(String(255))
    old_values = Column(JSON)
    new_values = Column(JSON)
    row_count = Column(Integer)
    request_id = Column(String(36))

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """(field, old, new) for every field in either value set, in stored order."""
        old, new = self.old_values or {}, self.new_values or {}
        fields = list(old) + [f for f in new if f not in old]
        return [(f, old.get(f), new.get(f)) for f in fields]

    def __repr__(self) -> str:
        return f"{self.action} {self.entity or ''} {self.entity_id or ''}".strip()
