"""Calendar: school years and their terms."""
import enum

from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import relationship

from app.models.base import Stamped, Versioned, str_enum


class Season(enum.Enum):
    """Autumn term opens the school year, spring term closes it."""

    AUTUMN = "autumn"
    SPRING = "spring"


class SchoolYear(Versioned, Stamped, Model):
    """A school year such as 2026-2027; identification is done once per year."""

    __tablename__ = "school_year"
    id = Column(Integer, primary_key=True)
    name = Column(String(16), nullable=False, unique=True)
    start_date = Column(Date, nullable=False)
    end_date = Column(Date, nullable=False)
    is_current = Column(Boolean, nullable=False, default=False)
    terms = relationship("Term", back_populates="school_year", order_by="Term.start_date")

    def __repr__(self) -> str:
        return self.name


class Term(Versioned, Stamped, Model):
    """A term; aid is paid per term and applications are adjusted every term."""

    __tablename__ = "term"
    __table_args__ = (UniqueConstraint("school_year_id", "season", name="uq_term_year_season"),)
    id = Column(Integer, primary_key=True)
    school_year_id = Column(Integer, ForeignKey("school_year.id"), nullable=False, index=True)
    season = Column(str_enum(Season, "season"), nullable=False)
    name = Column(String(32), nullable=False, unique=True)
    start_date = Column(Date, nullable=False)
    end_date = Column(Date, nullable=False)
    application_opens = Column(Date)
    application_closes = Column(Date)
    school_days = Column(Integer, nullable=False, default=100)
    is_current = Column(Boolean, nullable=False, default=False)
    school_year = relationship("SchoolYear", back_populates="terms")

    def __repr__(self) -> str:
        return self.name
