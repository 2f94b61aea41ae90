"""Aid: the items a pupil can receive and their standard amounts."""
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
    Text,
)
from sqlalchemy.orm import relationship

from app.models.base import Money, Stamped, Versioned, str_enum


class AidCategory(enum.Enum):
    """What kind of aid an item is."""

    LIVING_SUBSIDY = "living_subsidy"
    NUTRITION = "nutrition"
    SUPPLIES = "supplies"
    ACTIVITY = "activity"
    LOCAL = "local"
    DONATION = "donation"
    FEE_WAIVER = "fee_waiver"


class AidKind(enum.Enum):
    """Cash to the pupil's card, or goods/meals/places in kind."""

    CASH = "cash"
    IN_KIND = "in_kind"


class Payee(enum.Enum):
    """Who receives the money: the pupil's card or the school canteen."""

    PUPIL = "pupil"
    CANTEEN = "canteen"
    NONE = "none"


class SchoolLevel(enum.Enum):
    """School level an amount applies to (primary now; junior secondary later)."""

    PRIMARY = "primary"
    JUNIOR = "junior"


class AmountUnit(enum.Enum):
    """How an amount is counted."""

    PER_TERM = "per_term"
    PER_SCHOOL_DAY = "per_school_day"


class AidItem(Versioned, Stamped, Model):
    """An aid item (living subsidy, nutrition, supplies …) configured by the district."""

    __tablename__ = "aid_item"
    id = Column(Integer, primary_key=True)
    code = Column(String(32), nullable=False, unique=True)
    name = Column(String(64), nullable=False)
    category = Column(str_enum(AidCategory, "aid_category"), nullable=False)
    kind = Column(str_enum(AidKind, "aid_kind"), nullable=False, default=AidKind.CASH)
    payee = Column(str_enum(Payee, "payee"), nullable=False, default=Payee.PUPIL)
    needs_identification = Column(Boolean, nullable=False, default=True)
    exclusivity_group = Column(String(32))
    active = Column(Boolean, nullable=False, default=True)
    policy_basis = Column(String(200))
    description = Column(Text)
    standards = relationship("AidStandard", back_populates="aid_item", order_by="AidStandard.effective_from")

    def __repr__(self) -> str:
        return self.name


class AidStandard(Versioned, Stamped, Model):
    """Amount of an item for a tier / boarding status, valid over a date range."""

    __tablename__ = "aid_standard"
    __table_args__ = (
        CheckConstraint("amount >= 0", name="ck_aid_standard_amount"),
        Index("ix_aid_standard_item_from", "aid_item_id", "effective_from"),
    )
    id = Column(Integer, primary_key=True)
    aid_item_id = Column(Integer, ForeignKey("aid_item.id"), nullable=False)
    tier_id = Column(Integer, ForeignKey("tier.id"))
    boarding = Column(Boolean)
    level = Column(str_enum(SchoolLevel, "school_level"), nullable=False, default=SchoolLevel.PRIMARY)
    amount = Column(Money, nullable=False)
    unit = Column(str_enum(AmountUnit, "amount_unit"), nullable=False, default=AmountUnit.PER_TERM)
    effective_from = Column(Date, nullable=False)
    effective_to = Column(Date)
    notes = Column(String(200))
    aid_item = relationship("AidItem", back_populates="standards")
    tier = relationship("Tier")

    def __repr__(self) -> str:
        return f"{self.aid_item} {self.amount}"
