"""The school's review of an application: home visits and the decisions of class and committee."""
import enum

from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, SmallInteger, String, Text
from sqlalchemy.orm import relationship

from app.models.base import Stamped, str_enum


class ReviewStage(enum.Enum):
    """Who decided: the class (班级评议) or the school's assessment committee (认定工作组)."""

    CLASS = "class"
    SCHOOL = "school"


class ReviewOutcome(enum.Enum):
    """The decision taken."""

    PASSED = "passed"
    NOT_PASSED = "not_passed"


class HomeVisit(Stamped, Model):
    """A home visit (家访) or interview recorded against an application."""

    __tablename__ = "home_visit"
    id = Column(Integer, primary_key=True)
    application_id = Column(Integer, ForeignKey("application.id"), nullable=False, index=True)
    visited_on = Column(Date, nullable=False)
    visitors = Column(String(100), nullable=False)
    findings = Column(Text, nullable=False)
    facts_confirmed = Column(Boolean, nullable=False, default=True)  # the household facts as declared
    application = relationship("Application", back_populates="home_visits")

    def __repr__(self) -> str:
        return f"{self.visited_on} {self.visitors}"


class ReviewDecision(Stamped, Model):
    """A class or committee decision: members, votes, minutes and the tier decided (never edited)."""

    __tablename__ = "review_decision"
    id = Column(Integer, primary_key=True)
    application_id = Column(Integer, ForeignKey("application.id"), nullable=False, index=True)
    stage = Column(str_enum(ReviewStage, "review_stage"), nullable=False)
    outcome = Column(str_enum(ReviewOutcome, "review_outcome"), nullable=False)
    decided_on = Column(Date, nullable=False)
    members = Column(String(200), nullable=False)
    votes_for = Column(SmallInteger, nullable=False, default=0)
    votes_against = Column(SmallInteger, nullable=False, default=0)
    votes_abstain = Column(SmallInteger, nullable=False, default=0)
    tier_id = Column(Integer, ForeignKey("tier.id"))
    suggested_tier_id = Column(Integer, ForeignKey("tier.id"))
    tier_reason = Column(Text)
    minutes = Column(Text)
    application = relationship("Application", back_populates="decisions")
    tier = relationship("Tier", foreign_keys=[tier_id])
    suggested_tier = relationship("Tier", foreign_keys=[suggested_tier_id])

    def __repr__(self) -> str:
        return f"{self.decided_on} {self.stage.value}"
