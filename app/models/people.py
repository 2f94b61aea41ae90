"""People: households, their members and special groups, and the pupils."""
import enum

from flask_appbuilder import Model
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import relationship

from app.models.base import Money, Stamped, Versioned, str_enum


class HukouType(enum.Enum):
    """Household registration (户口) type."""

    RURAL = "rural"
    URBAN = "urban"


class Sex(enum.Enum):
    """Sex as recorded on the resident ID."""

    MALE = "M"
    FEMALE = "F"


class WorkAbility(enum.Enum):
    """Whether a household member can work (劳动能力)."""

    FULL = "full"
    PARTIAL = "partial"
    NONE = "none"


class Health(enum.Enum):
    """Health of a household member."""

    HEALTHY = "healthy"
    CHRONIC = "chronic"
    SERIOUS_ILLNESS = "serious_illness"
    DISABLED = "disabled"


class Relation(enum.Enum):
    """Relation of a household member to the pupil."""

    FATHER = "father"
    MOTHER = "mother"
    GRANDPARENT = "grandparent"
    SIBLING = "sibling"
    GUARDIAN = "guardian"
    OTHER = "other"


class Presence(enum.Enum):
    """Whether a household member is there for the family (外出务工 still counts as present)."""

    PRESENT = "present"
    MISSING = "missing"  # whereabouts unknown, in prison
    DECEASED = "deceased"


class NoParentReason(enum.Enum):
    """Why a household has no parent or guardian recorded (checked at submission, scored by the facts)."""

    ORPHAN = "orphan"  # both parents deceased, no guardian
    PARENTS_MISSING = "parents_missing"  # whereabouts of both parents unknown, or in prison
    OTHER = "other"  # anything else: the note says what


class StudentStatus(enum.Enum):
    """Enrolment status of a pupil (学籍状态)."""

    ENROLLED = "enrolled"
    TRANSFERRED = "transferred"
    DROPPED_OUT = "dropped_out"
    GRADUATED = "graduated"


class SpecialGroup(Versioned, Stamped, Model):
    """Code list of special groups (低保, 特困, 孤儿 …) used for direct identification."""

    __tablename__ = "special_group"
    id = Column(Integer, primary_key=True)
    code = Column(String(32), nullable=False, unique=True)
    name = Column(String(64), nullable=False)
    sort_order = Column(Integer, nullable=False, default=0)
    active = Column(Boolean, nullable=False, default=True)
    description = Column(Text)

    def __repr__(self) -> str:
        return self.name


household_special_group = Table(
    "household_special_group",
    Model.metadata,
    Column("household_id", Integer, ForeignKey("household.id", ondelete="CASCADE"), primary_key=True),
    Column("special_group_id", Integer, ForeignKey("special_group.id"), primary_key=True, index=True),
)


class Household(Versioned, Stamped, Model):
    """A family; pupils and members hang off it. Scoped through its district."""

    __tablename__ = "household"
    __lookup_fields__ = ("guardian_name", "address")
    id = Column(Integer, primary_key=True)
    district_id = Column(Integer, ForeignKey("district.id"), nullable=False, index=True)
    # the school that registered the household: it sees it before any pupil is linked
    school_id = Column(Integer, ForeignKey("school.id"), index=True)
    guardian_name = Column(String(32), nullable=False, index=True)
    guardian_id_number = Column(String(18), index=True)
    phone = Column(String(20))
    address = Column(String(200))
    hukou_type = Column(str_enum(HukouType, "hukou_type"), nullable=False, default=HukouType.RURAL)
    lives_rural = Column(Boolean, nullable=False, default=True)
    single_parent = Column(Boolean, nullable=False, default=False)
    sudden_event_on = Column(Date)  # disaster, accident, serious illness (突发变故)
    sudden_event = Column(String(200))
    # why no parent or guardian is recorded (a household without one is refused at submission otherwise)
    no_parent_reason = Column(str_enum(NoParentReason, "no_parent_reason"))
    no_parent_note = Column(String(200))
    payee_name = Column(String(32))
    bank_name = Column(String(64))
    bank_account = Column(String(32))
    notes = Column(Text)
    district = relationship("District")
    school = relationship("School")
    special_groups = relationship("SpecialGroup", secondary=household_special_group, lazy="selectin")
    members = relationship(
        "HouseholdMember", back_populates="household", cascade="all, delete-orphan",
        order_by="HouseholdMember.id",
    )
    students = relationship("Student", back_populates="household")

    def __repr__(self) -> str:
        return f"{self.guardian_name}（{self.address or ''}）" if self.address else self.guardian_name


class HouseholdMember(Versioned, Stamped, Model):
    """A member of a household other than the pupil (parents, grandparents, siblings)."""

    __tablename__ = "household_member"
    id = Column(Integer, primary_key=True)
    household_id = Column(
        Integer, ForeignKey("household.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name = Column(String(32), nullable=False)
    relation = Column(str_enum(Relation, "relation"), nullable=False)
    birth_year = Column(SmallInteger)
    work_ability = Column(str_enum(WorkAbility, "work_ability"), nullable=False, default=WorkAbility.FULL)
    health = Column(str_enum(Health, "health"), nullable=False, default=Health.HEALTHY)
    annual_income = Column(Money, nullable=False, default=0)
    occupation = Column(String(64))
    in_school = Column(Boolean, nullable=False, default=False)
    presence = Column(str_enum(Presence, "presence"), nullable=False, default=Presence.PRESENT)
    household = relationship("Household", back_populates="members")

    def __repr__(self) -> str:
        return self.name


class Student(Versioned, Stamped, Model):
    """A pupil: identified by ID number and 学籍号, both unique across the deployment."""

    __tablename__ = "student"
    __lookup_fields__ = ("name",)  # never a prefix search on 学籍号 (it embeds the ID number)
    __table_args__ = (
        # the list's default order is newest first: filter by school or district, walk id backwards
        Index("ix_student_school_id", "school_id", "id"),
        Index("ix_student_district_id", "district_id", "id"),
        Index("ix_student_school_grade_class", "school_id", "grade", "class_name"),
        Index("ix_student_school_name", "school_id", "name"),
        # name search is "starts with": a pattern index serves LIKE 'x%' on PostgreSQL too
        Index("ix_student_name", "name", postgresql_ops={"name": "text_pattern_ops"}),
    )
    id = Column(Integer, primary_key=True)
    student_no = Column(String(19), nullable=False, unique=True)
    id_number = Column(String(18), nullable=False, unique=True)
    name = Column(String(32), nullable=False)
    sex = Column(str_enum(Sex, "sex"), nullable=False)
    birth_date = Column(Date, nullable=False)
    ethnicity = Column(String(16))
    school_id = Column(Integer, ForeignKey("school.id"), nullable=False)
    # the school's district, kept on the pupil so that district lists need no join (set by the server)
    district_id = Column(Integer, ForeignKey("district.id"), nullable=False)
    grade = Column(SmallInteger, nullable=False)
    class_name = Column(String(16), nullable=False)
    boarding = Column(Boolean, nullable=False, default=False)
    status = Column(
        str_enum(StudentStatus, "student_status"), nullable=False,
        default=StudentStatus.ENROLLED, index=True,
    )
    enrolled_on = Column(Date)
    # the day the pupil left (transferred, dropped out, graduated): set by the status hook of
    # app/commands/entitlements.py on whichever path the status changed, cleared on re-enrolment
    left_on = Column(Date)
    household_id = Column(Integer, ForeignKey("household.id"), index=True)
    disabled = Column(Boolean, nullable=False, default=False)
    school = relationship("School")
    household = relationship("Household", back_populates="students")

    def __repr__(self) -> str:
        return self.name
