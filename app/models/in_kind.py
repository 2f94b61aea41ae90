"""Aid in kind: distributions of goods or places to pupils (实物发放) and the canteen's monthly meal records.

An in-kind item (supplies, study trips, free textbooks) is never a bank payment: each handing-out is a
`Distribution` of one school, item and term, with a `DistributionLine` per pupil (quantity, value, whether
they received it) and a printed register they sign. Nutrition (营养改善计划) is food through the school
canteen, never cash to families: a `CanteenMealRecord` per school and month counts school days served ×
pupils fed × the daily rate. Confirming either books the money spent from the school's allocation
(allocated → paid, app/commands/in_kind.py), once: `entry_id` names the ledger entry.

Rows are never deleted (a draft is cancelled, not removed): the database refuses DELETE (migration
e13c03inkind), as it does for payment lines.
"""
import enum

from flask_appbuilder import Model
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import relationship

from app.models.base import Money, Stamped, UtcDateTime, Versioned, str_enum


class InKindStatus(enum.Enum):
    """A distribution or meal record: a draft being prepared, confirmed (its value booked), or cancelled."""

    DRAFT = "draft"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


LIVE_RECORD = ("draft", "confirmed")  # a school has one live meal record of an item per month


class Distribution(Versioned, Stamped, Model):
    """One handing-out of an in-kind item to pupils of one school in a term (实物发放)."""

    __tablename__ = "distribution"
    __table_args__ = (
        Index("ix_distribution_school_term", "school_id", "term_id", "aid_item_id"),
        CheckConstraint("unit_value >= 0", name="ck_distribution_unit_value"),
        CheckConstraint("total >= 0", name="ck_distribution_total"),
    )
    id = Column(Integer, primary_key=True)
    district_id = Column(Integer, ForeignKey("district.id"), nullable=False, index=True)
    school_id = Column(Integer, ForeignKey("school.id"), nullable=False)
    term_id = Column(Integer, ForeignKey("term.id"), nullable=False)
    aid_item_id = Column(Integer, ForeignKey("aid_item.id"), nullable=False)
    # the allocation its value is booked from (None: goods of no value to book, e.g. donated)
    allocation_id = Column(Integer, ForeignKey("allocation.id"), index=True)
    handed_on = Column(Date, nullable=False)
    description = Column(String(200), nullable=False)  # the goods or the activity
    unit_value = Column(Money, nullable=False, default=0)  # per unit; 0: nothing booked
    line_count = Column(Integer, nullable=False, default=0)  # pupils who received it (when confirmed)
    total = Column(Money, nullable=False, default=0)  # the value booked (when confirmed)
    status = Column(str_enum(InKindStatus, "in_kind_status"), nullable=False, default=InKindStatus.DRAFT)
    confirmed_on = Column(UtcDateTime)
    confirmed_by = Column(Integer, ForeignKey("ab_user.id"))
    cancelled_reason = Column(String(200))
    entry_id = Column(Integer, ForeignKey("ledger_entry.id"), unique=True)  # the booking, once
    school = relationship("School")
    term = relationship("Term")
    aid_item = relationship("AidItem")
    allocation = relationship("Allocation")
    lines = relationship("DistributionLine", back_populates="distribution", order_by="DistributionLine.id")

    def __repr__(self) -> str:
        return f"{self.aid_item} · {self.handed_on} · {self.description}"


class DistributionLine(Versioned, Model):
    """One pupil in a distribution: what they are given, its value, and whether they received it."""

    __tablename__ = "distribution_line"
    __table_args__ = (
        UniqueConstraint("distribution_id", "student_id", name="uq_distribution_line_pupil"),
        Index("ix_distribution_line_pupil", "student_id", "aid_item_id", "term_id"),
        CheckConstraint("quantity > 0", name="ck_distribution_line_quantity"),
        CheckConstraint("value >= 0", name="ck_distribution_line_value"),
    )
    id = Column(Integer, primary_key=True)
    distribution_id = Column(Integer, ForeignKey("distribution.id"), nullable=False)
    student_id = Column(Integer, ForeignKey("student.id"), nullable=False)
    school_id = Column(Integer, ForeignKey("school.id"), nullable=False, index=True)
    aid_item_id = Column(Integer, ForeignKey("aid_item.id"), nullable=False)
    term_id = Column(Integer, ForeignKey("term.id"), nullable=False)
    entitlement_id = Column(Integer, ForeignKey("entitlement.id"), index=True)  # None: an item for every pupil
    tier_id = Column(Integer, ForeignKey("tier.id"))
    quantity = Column(Integer, nullable=False, default=1)
    value = Column(Money, nullable=False, default=0)
    received = Column(Boolean, nullable=False, default=True)  # False: absent on the day, nothing booked
    distribution = relationship("Distribution", back_populates="lines")
    student = relationship("Student")
    tier = relationship("Tier")

    def __repr__(self) -> str:
        return f"{self.student} × {self.quantity}"


class CanteenMealRecord(Versioned, Stamped, Model):
    """A month of meals the school canteen served under the nutrition plan: school days × pupils × the
    daily rate. Paid to the canteen, never to a pupil or family."""

    __tablename__ = "canteen_meal_record"
    __table_args__ = (
        # one live record per school, item and month, in the database itself
        Index("uq_canteen_meal_record_live", "school_id", "aid_item_id", "month", unique=True,
              sqlite_where=text("status IN ('draft', 'confirmed')"),
              postgresql_where=text("status IN ('draft', 'confirmed')")),
        Index("ix_canteen_meal_record_term", "school_id", "term_id"),
        CheckConstraint("school_days > 0", name="ck_canteen_meal_record_days"),
        CheckConstraint("pupils > 0", name="ck_canteen_meal_record_pupils"),
        CheckConstraint("amount >= 0", name="ck_canteen_meal_record_amount"),
    )
    id = Column(Integer, primary_key=True)
    district_id = Column(Integer, ForeignKey("district.id"), nullable=False, index=True)
    school_id = Column(Integer, ForeignKey("school.id"), nullable=False)
    term_id = Column(Integer, ForeignKey("term.id"), nullable=False)
    aid_item_id = Column(Integer, ForeignKey("aid_item.id"), nullable=False)
    allocation_id = Column(Integer, ForeignKey("allocation.id"), nullable=False, index=True)
    month = Column(Date, nullable=False)  # its first day
    school_days = Column(Integer, nullable=False)
    pupils = Column(Integer, nullable=False)
    rate = Column(Money, nullable=False)  # per pupil and school day, from the aid standard in force
    amount = Column(Money, nullable=False)
    canteen = Column(String(100), nullable=False)  # the payee: the school canteen
    notes = Column(String(200))
    status = Column(str_enum(InKindStatus, "in_kind_status"), nullable=False, default=InKindStatus.DRAFT)
    confirmed_on = Column(UtcDateTime)
    confirmed_by = Column(Integer, ForeignKey("ab_user.id"))
    cancelled_reason = Column(String(200))
    entry_id = Column(Integer, ForeignKey("ledger_entry.id"), unique=True)  # the payment, once
    school = relationship("School")
    term = relationship("Term")
    aid_item = relationship("AidItem")
    allocation = relationship("Allocation")

    def __repr__(self) -> str:
        return f"{self.school} · {self.month:%Y-%m}"


__all__ = ["LIVE_RECORD", "CanteenMealRecord", "Distribution", "DistributionLine", "InKindStatus"]
