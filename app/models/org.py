"""Organisation: districts, schools and the scope a user works in."""
from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import relationship

from app.models.base import Stamped, Versioned


class District(Versioned, Stamped, Model):
    """A county-level education bureau (区县教育局)."""

    __tablename__ = "district"
    id = Column(Integer, primary_key=True)
    code = Column(String(6), nullable=False, unique=True)
    name = Column(String(64), nullable=False)
    schools = relationship("School", back_populates="district", lazy="dynamic")

    def __repr__(self) -> str:
        return self.name


class School(Versioned, Stamped, Model):
    """A primary school; `code` is the 10-digit national school code."""

    __tablename__ = "school"
    __lookup_fields__ = ("name", "code")
    id = Column(Integer, primary_key=True)
    district_id = Column(Integer, ForeignKey("district.id"), nullable=False, index=True)
    code = Column(String(10), nullable=False, unique=True)
    name = Column(String(100), nullable=False, index=True)
    township = Column(String(64))
    has_boarding = Column(Boolean, nullable=False, default=False)
    is_rural = Column(Boolean, nullable=False, default=True)
    address = Column(String(200))
    contact_name = Column(String(32))
    contact_phone = Column(String(20))
    active = Column(Boolean, nullable=False, default=True)
    district = relationship("District", back_populates="schools")

    def __repr__(self) -> str:
        return self.name


class UserScope(Versioned, Model):
    """Where a user works: a whole district or one school (optionally some classes)."""

    __tablename__ = "user_scope"
    __table_args__ = (UniqueConstraint("user_id", name="uq_user_scope_user"),)
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False)
    district_id = Column(Integer, ForeignKey("district.id"), nullable=False)
    school_id = Column(Integer, ForeignKey("school.id"), index=True)
    class_names = Column(String(200))
    district = relationship("District")
    school = relationship("School")
    user = relationship("User")

    def __repr__(self) -> str:
        return str(self.school or self.district)
