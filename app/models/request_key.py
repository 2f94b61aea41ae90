"""Request keys: a create a client may retry (an Idempotency-Key, a form's one-time token) is done once."""
from flask_appbuilder import Model
from sqlalchemy import JSON, Column, ForeignKey, Integer, String, UniqueConstraint

from app.models.base import UtcDateTime, utcnow


class RequestKey(Model):
    """One key per user, stored in the transaction of the request it names, with the answer given."""

    __tablename__ = "request_key"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_request_key_user_key"),)
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False)
    key = Column(String(128), nullable=False)
    path = Column(String(255), nullable=False)
    status = Column(Integer)
    answer = Column(JSON)
    created_on = Column(UtcDateTime, default=utcnow, nullable=False, index=True)

    def __repr__(self) -> str:
        return f"{self.path} {self.key}"
