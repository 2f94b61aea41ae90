"""Shared column helpers: who/when stamps, money, enums stored as strings."""
import enum
from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, Enum, ForeignKey, Integer, Numeric
from sqlalchemy.orm import declared_attr
from sqlalchemy.types import TypeDecorator

from app.clock import aware, utcnow

Money = Numeric(14, 2, asdecimal=True)


def is_money(column) -> bool:
    """True for a Numeric(14, 2) column, the one type money is stored in."""
    return isinstance(column.type, Numeric) and (column.type.precision, column.type.scale) == (14, 2)


class UtcDateTime(TypeDecorator):
    """A moment, aware UTC in Python: `timestamptz` on PostgreSQL, UTC text on SQLite.

    A naive value bound to it is taken to be UTC; every value read from it is aware UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """UTC: aware for PostgreSQL, naive for SQLite (which keeps no zone)."""
        if not isinstance(value, datetime):
            return value
        value = aware(value)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        """Aware UTC."""
        return aware(value) if isinstance(value, datetime) else value


def str_enum(enum_cls: type[enum.Enum], name: str) -> Enum:
    """Store an enum by value in a VARCHAR with a CHECK-free, portable type."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=False,
        length=24,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class Stamped:
    """Who/when stamps on every business table; the users are set by a flush hook."""

    created_on = Column(UtcDateTime, default=utcnow, nullable=False)
    changed_on = Column(UtcDateTime, default=utcnow, onupdate=utcnow, nullable=False)

    @declared_attr
    def created_by_fk(cls):
        """The user who created the row (NULL for system and seed writes)."""
        return Column(Integer, ForeignKey("ab_user.id"), nullable=True)

    @declared_attr
    def changed_by_fk(cls):
        """The user who last changed the row (NULL for system and seed writes)."""
        return Column(Integer, ForeignKey("ab_user.id"), nullable=True)


class Versioned:
    """A row version checked and raised by every UPDATE (SQLAlchemy's version counter): a save based
    on a stale read matches no row and fails (StaleDataError) instead of undoing another's change."""

    version = Column(Integer, nullable=False, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls):
        """Use `version` as the mapper's version counter."""
        return {"version_id_col": cls.version}


__all__ = ["Model", "Money", "Stamped", "UtcDateTime", "Versioned", "is_money", "str_enum", "utcnow"]
