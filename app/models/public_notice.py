"""The public notice (公示) of identification results, its entries and the objections raised."""
import enum

from flask_appbuilder import Model
from sqlalchemy import Column, Date, ForeignKey, Integer, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import relationship

from app.models.base import Stamped, UtcDateTime, Versioned, str_enum


class NoticeStatus(enum.Enum):
    """A notice is drafted, published for its working days, then withdrawn (or ended early)."""

    DRAFT = "draft"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class ObjectionOutcome(enum.Enum):
    """How the school answered an objection."""

    DISMISSED = "dismissed"  # the identification stands
    UPHELD = "upheld"  # the identification is changed or not approved


class ReviewRuling(enum.Enum):
    """The district's decision on a review (复核) the family asked for after a dismissed objection."""

    UPHELD = "upheld"  # the school's answer and the identification stand
    CHANGED = "changed"  # the identification is changed: the application goes back to school review


class PublicNotice(Versioned, Stamped, Model):
    """One notice for a school and term; entries hold only what a notice may show."""

    __tablename__ = "public_notice"
    id = Column(Integer, primary_key=True)
    school_id = Column(Integer, ForeignKey("school.id"), nullable=False, index=True)
    term_id = Column(Integer, ForeignKey("term.id"), nullable=False, index=True)
    title = Column(String(120), nullable=False)
    status = Column(str_enum(NoticeStatus, "notice_status"), nullable=False, default=NoticeStatus.DRAFT)
    starts_on = Column(Date, nullable=False)
    ends_on = Column(Date, nullable=False)
    working_days = Column(SmallInteger, nullable=False)
    objection_days = Column(SmallInteger, nullable=False)
    contact = Column(String(100))  # where objections go (office, phone of the school)
    published_at = Column(UtcDateTime)
    withdrawn_at = Column(UtcDateTime)
    school = relationship("School")
    term = relationship("Term")
    entries = relationship("NoticeEntry", back_populates="notice", order_by="NoticeEntry.sort_key")

    def __repr__(self) -> str:
        return self.title


class NoticeEntry(Model):
    """A line of the notice: name, grade, class, tier, aid item. Nothing else is stored here."""

    __tablename__ = "notice_entry"
    __table_args__ = (UniqueConstraint("notice_id", "application_id", name="uq_notice_entry"),)
    id = Column(Integer, primary_key=True)
    notice_id = Column(Integer, ForeignKey("public_notice.id"), nullable=False, index=True)
    application_id = Column(Integer, ForeignKey("application.id"), nullable=False, index=True)
    sort_key = Column(String(40), nullable=False)
    name = Column(String(32), nullable=False)
    grade = Column(SmallInteger, nullable=False)
    class_name = Column(String(16), nullable=False)
    tier_name = Column(String(32), nullable=False)
    aid_item = Column(String(64))
    notice = relationship("PublicNotice", back_populates="entries")
    application = relationship("Application")

    def __repr__(self) -> str:
        return self.name


class Objection(Versioned, Stamped, Model):
    """An objection (异议) to an entry, with its due date and the school's answer."""

    __tablename__ = "objection"
    id = Column(Integer, primary_key=True)
    notice_id = Column(Integer, ForeignKey("public_notice.id"), nullable=False, index=True)
    entry_id = Column(Integer, ForeignKey("notice_entry.id"), nullable=False, index=True)
    application_id = Column(Integer, ForeignKey("application.id"), nullable=False, index=True)
    school_id = Column(Integer, ForeignKey("school.id"), nullable=False, index=True)
    received_on = Column(Date, nullable=False)
    raised_by = Column(String(64))  # may stay anonymous
    content = Column(Text, nullable=False)
    due_on = Column(Date, nullable=False)
    answer = Column(Text)
    outcome = Column(str_enum(ObjectionOutcome, "objection_outcome"))
    answered_on = Column(Date)
    # after a dismissal the family may ask the district for a review (复核): the request, then the decision
    review_requested_on = Column(Date)
    review_requested_by = Column(String(64))
    review_request = Column(Text)
    review_ruling = Column(str_enum(ReviewRuling, "objection_review_ruling"))
    review_answer = Column(Text)
    review_decided_on = Column(Date)
    notice = relationship("PublicNotice")
    entry = relationship("NoticeEntry")
    application = relationship("Application")
    school = relationship("School")

    @property
    def review_open(self) -> bool:
        """A review was asked for and the district has not decided it yet."""
        return self.review_requested_on is not None and self.review_decided_on is None

    def __repr__(self) -> str:
        return f"{self.entry} {self.received_on}"
