"""The district's identification standard (认定标准) per school year, in immutable versions."""
import enum

from flask_appbuilder import Model
from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import relationship

from app.models.base import Stamped, UtcDateTime, str_enum


class StandardStatus(enum.Enum):
    """A draft can be edited and simulated; one version per district and year is in force."""

    DRAFT = "draft"
    ACTIVE = "active"
    RETIRED = "retired"


class AssessmentStandard(Stamped, Model):
    """One version of a district's standard: the JSON of `app/services/standards.py`.

    Once an application is scored with a version (`first_used_at` set) its data never changes;
    editing makes a new draft version.
    """

    __tablename__ = "assessment_standard"
    __table_args__ = (
        UniqueConstraint("district_id", "school_year_id", "version", name="uq_standard_version"),
    )
    id = Column(Integer, primary_key=True)
    district_id = Column(Integer, ForeignKey("district.id"), nullable=False, index=True)
    school_year_id = Column(Integer, ForeignKey("school_year.id"), nullable=False, index=True)
    version = Column(Integer, nullable=False)
    name = Column(String(64), nullable=False)
    status = Column(str_enum(StandardStatus, "standard_status"), nullable=False, default=StandardStatus.DRAFT)
    data = Column(JSON, nullable=False)
    notes = Column(Text)
    activated_at = Column(UtcDateTime)
    first_used_at = Column(UtcDateTime)
    district = relationship("District")
    school_year = relationship("SchoolYear")
    # the row's version counter (lost updates); `version` above is the standard's own version number
    row_version = Column(Integer, nullable=False, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": row_version}

    def __repr__(self) -> str:
        return f"{self.name} v{self.version}"
