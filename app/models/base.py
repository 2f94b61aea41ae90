"""Shared column helpers: who/when stamps, money, enums stored as strings."""
import enum
from datetime import datetime

from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, Enum, ForeignKey, Integer, Numeric
from sqlalchemy.orm import declared_attr

Money = Numeric(14, 2, asdecimal=True)


def is_money(column) -> bool:
    """True for a Numeric(14, 2) column, the one type money is stored in."""
    return isinstance(column.type, Numeric) and (column.type.precision, column.type.scale) == (14, 2)


def utcnow() -> datetime:
    """Naive UTC timestamp used for every stamp column."""
    return datetime.utcnow()


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

    created_on = Column(DateTime, default=utcnow, nullable=False)
    changed_on = Column(DateTime, default=utcnow, onupdate=utcnow, nullable=False)

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


__all__ = ["Model", "Money", "Stamped", "Versioned", "is_money", "str_enum", "utcnow"]
