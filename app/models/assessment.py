"""Identification: tiers and applications (standards, reviews and notices have modules of their own)."""
import enum

from flask_appbuilder import Model
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship, validates

from app.models.base import Stamped, UtcDateTime, Versioned, str_enum
from app.services.facts import facts_record


class ApplicationStatus(enum.Enum):
    """Where an application stands in the identification workflow."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    CLASS_REVIEW = "class_review"
    SCHOOL_REVIEW = "school_review"
    NOTICE = "notice"
    APPROVED = "approved"
    REJECTED = "rejected"
    RETURNED = "returned"
    CANCELLED = "cancelled"
    ARCHIVED = "archived"


class Tier(Versioned, Stamped, Model):
    """Code list of difficulty tiers; `rank` orders them (higher is more difficult)."""

    __tablename__ = "tier"
    id = Column(Integer, primary_key=True)
    code = Column(String(16), nullable=False, unique=True)
    name = Column(String(32), nullable=False)
    rank = Column(Integer, nullable=False, default=0)
    is_needy = Column(Boolean, nullable=False, default=True)
    active = Column(Boolean, nullable=False, default=True)

    def __repr__(self) -> str:
        return self.name


class Application(Versioned, Stamped, Model):
    """A pupil's application for identification in one school year (and term of application)."""

    __tablename__ = "application"
    __table_args__ = (
        UniqueConstraint("student_id", "school_year_id", "term_id", name="uq_application_student_term"),
        Index("ix_application_school_term_status", "school_id", "term_id", "status"),
        # the assessment page's previous/next within a school's term, walked by id
        Index("ix_application_school_term_id", "school_id", "term_id", "id"),
        # the district's queue: a status tab walked by id, and each status counted up to its cap
        Index("ix_application_term_status_id", "term_id", "status", "id"),
    )
    id = Column(Integer, primary_key=True)
    # no index of its own: uq_application_student_term starts with it (and term_id is the first column of
    # ix_application_term_status_id): every index is one more write for each application a bulk step moves
    student_id = Column(Integer, ForeignKey("student.id"), nullable=False)
    school_id = Column(Integer, ForeignKey("school.id"), nullable=False)
    school_year_id = Column(Integer, ForeignKey("school_year.id"), nullable=False, index=True)
    term_id = Column(Integer, ForeignKey("term.id"), nullable=False)
    status = Column(
        str_enum(ApplicationStatus, "application_status"), nullable=False,
        default=ApplicationStatus.DRAFT,
    )
    reason = Column(Text)
    is_midyear = Column(Boolean, nullable=False, default=False)
    commitment_signed_on = Column(Date)
    consent_signed_on = Column(Date)
    submitted_on = Column(UtcDateTime)
    household_snapshot = Column(JSON)
    # the facts the snapshot gives the scorer, as compact text tagged with the rules' version
    # (app/services/facts.py: facts_record), written with the snapshot: batch scoring reads these
    # few bytes, never the snapshot, and scores each distinct text once
    snapshot_facts = Column(Text, info={"internal": True})  # never shown, given or filtered on
    score = Column(Numeric(6, 2))
    breakdown = Column(JSON)
    standard_id = Column(Integer, ForeignKey("assessment_standard.id"), index=True)
    standard_version = Column(Integer)
    decided_by = Column(String(8))  # score or direct (identification by special group)
    assessed_on = Column(UtcDateTime)
    suggested_tier_id = Column(Integer, ForeignKey("tier.id"))
    final_tier_id = Column(Integer, ForeignKey("tier.id"), index=True)
    tier_reason = Column(Text)
    decided_on = Column(UtcDateTime)
    approved_on = Column(UtcDateTime)
    return_reason = Column(Text)
    cancel_reason = Column(Text)
    recover_aid = Column(Boolean, nullable=False, default=False)  # information proved false
    student = relationship("Student")
    school = relationship("School")
    school_year = relationship("SchoolYear")
    term = relationship("Term")
    suggested_tier = relationship("Tier", foreign_keys=[suggested_tier_id])
    final_tier = relationship("Tier", foreign_keys=[final_tier_id])
    standard = relationship("AssessmentStandard")
    home_visits = relationship("HomeVisit", back_populates="application", order_by="HomeVisit.visited_on")
    decisions = relationship("ReviewDecision", back_populates="application", order_by="ReviewDecision.id")

    def __repr__(self) -> str:
        return f"{self.student} · {self.term}"

    @validates("household_snapshot")
    def _facts_with_snapshot(self, _key, snapshot):
        """Every snapshot written through the ORM carries its facts record (a bulk write gives both)."""
        self.snapshot_facts = facts_record(snapshot) if snapshot else None
        return snapshot
