"""Funds: accounts by source; the double-entry ledger arrives with the money issue."""
import enum

from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, ForeignKey, Integer, SmallInteger, String, Text
from sqlalchemy.orm import relationship

from app.models.base import Stamped, Versioned, str_enum


class FundSource(enum.Enum):
    """Where the money comes from (资金来源)."""

    CENTRAL = "central"
    PROVINCIAL = "provincial"
    MUNICIPAL = "municipal"
    COUNTY = "county"
    DONATION = "donation"


class FundAccount(Versioned, Stamped, Model):
    """A separate account (专户) for one source and fiscal year; balances come from the ledger."""

    __tablename__ = "fund_account"
    id = Column(Integer, primary_key=True)
    code = Column(String(32), nullable=False, unique=True)
    name = Column(String(100), nullable=False)
    source = Column(str_enum(FundSource, "fund_source"), nullable=False)
    fiscal_year = Column(SmallInteger, nullable=False, index=True)
    district_id = Column(Integer, ForeignKey("district.id"), nullable=False, index=True)
    school_id = Column(Integer, ForeignKey("school.id"), index=True)
    aid_item_id = Column(Integer, ForeignKey("aid_item.id"))
    donor = Column(String(100))
    active = Column(Boolean, nullable=False, default=True)
    description = Column(Text)
    district = relationship("District")
    school = relationship("School")
    aid_item = relationship("AidItem")

    def __repr__(self) -> str:
        return self.name
