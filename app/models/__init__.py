"""Re-exports every model so that Alembic and the app see one metadata."""
from flask_appbuilder.security.sqla.models import User  # noqa: F401  (FAB's user table)

from app.models.aid import (
    AidCategory,
    AidItem,
    AidKind,
    AidStandard,
    AmountUnit,
    Payee,
    SchoolLevel,
)
from app.models.assessment import Application, ApplicationStatus, Tier
from app.models.audit import AuditEvent
from app.models.base import Model
from app.models.calendar import SchoolYear, Season, Term
from app.models.funds import FundAccount, FundSource
from app.models.in_kind import LIVE_RECORD, CanteenMealRecord, Distribution, DistributionLine, InKindStatus
from app.models.job import ACTIVE_STATUSES, Job, JobStatus
from app.models.money import (
    LIVE_LINE,
    Allocation,
    BankFile,
    BankFileLayout,
    BankReturn,
    BatchStatus,
    Book,
    DisbursementBatch,
    DisbursementLine,
    Entitlement,
    EntitlementStatus,
    EntryKind,
    FileFormat,
    LedgerEntry,
    LedgerLine,
    LineStatus,
    Quota,
)
from app.models.org import District, School, UserScope
from app.models.people import (
    Health,
    Household,
    HouseholdMember,
    HukouType,
    NoParentReason,
    Presence,
    Relation,
    Sex,
    SpecialGroup,
    Student,
    StudentStatus,
    WorkAbility,
    household_special_group,
)
from app.models.public_notice import (
    NoticeEntry,
    NoticeStatus,
    Objection,
    ObjectionOutcome,
    PublicNotice,
    ReviewRuling,
)
from app.models.request_key import RequestKey  # noqa: F401  (idempotency keys)
from app.models.review import HomeVisit, ReviewDecision, ReviewOutcome, ReviewStage
from app.models.session import UserSession  # noqa: F401  (session epochs)
from app.models.standard import AssessmentStandard, StandardStatus

__all__ = [
    "LIVE_RECORD", "CanteenMealRecord", "Distribution", "DistributionLine", "InKindStatus",
    "LIVE_LINE", "Allocation", "BankFile", "BankFileLayout", "BankReturn", "FileFormat",
    "BatchStatus", "Book", "DisbursementBatch", "DisbursementLine", "Entitlement",
    "EntitlementStatus", "EntryKind", "LedgerEntry", "LedgerLine", "LineStatus", "Quota",
    "ACTIVE_STATUSES", "AidCategory", "AidItem", "AidKind", "AidStandard", "AmountUnit",
    "Application", "ApplicationStatus", "AssessmentStandard", "HomeVisit", "NoParentReason", "NoticeEntry",
    "NoticeStatus",
    "Objection", "ObjectionOutcome", "Presence", "PublicNotice", "ReviewDecision", "ReviewOutcome",
    "ReviewRuling", "ReviewStage", "StandardStatus", "AuditEvent", "District", "FundAccount", "FundSource",
    "Health", "Household", "household_special_group", "HouseholdMember", "HukouType", "Job",
    "JobStatus", "Model", "Payee", "Relation", "School", "SchoolLevel", "SchoolYear", "Season",
    "Sex", "SpecialGroup", "Student", "StudentStatus", "Term", "Tier", "User", "UserScope",
    "WorkAbility",
]
