"""The one scope mechanism: which rows a user may see and touch, as SQL criteria per model."""
import re
from dataclasses import dataclass

from flask import g, has_request_context
from flask_login import current_user
from sqlalchemy import and_, exists, false, or_, select

from app.models import (
    Allocation,
    Application,
    AssessmentStandard,
    AuditEvent,
    BankFile,
    BankFileLayout,
    BankReturn,
    CanteenMealRecord,
    DisbursementBatch,
    DisbursementLine,
    Distribution,
    DistributionLine,
    District,
    Entitlement,
    FundAccount,
    HomeVisit,
    Household,
    HouseholdMember,
    Job,
    LedgerEntry,
    LedgerLine,
    NoticeEntry,
    Objection,
    PublicNotice,
    Quota,
    ReviewDecision,
    School,
    Student,
    User,
    UserScope,
)
from app.request_cache import per_request

EVERYTHING_ROLES = {"Admin", "Auditor"}
_CLASS = re.compile(r"^\s*(\d+)\s*年级\s*(\S+?)\s*$")


@dataclass(frozen=True)
class Scope:
    """Everything, one district, or one school (optionally some of its classes); else nothing."""

    everything: bool = False
    district_id: int | None = None
    school_id: int | None = None
    classes: tuple[tuple[int, str], ...] = ()
    user_id: int | None = None  # for what a user owns (background jobs)

    @property
    def nothing(self) -> bool:
        """A user without a scope sees no scoped row at all (deny by default)."""
        return not self.everything and self.district_id is None


def parse_classes(text: str | None) -> tuple[tuple[int, str], ...]:
    """'3年级1班, 4年级2班' → ((3, '1班'), (4, '2班')); unparsable entries are ignored."""
    found = []
    for part in re.split(r"[,，;；、\s]+", text or ""):
        match = _CLASS.match(part)
        if match:
            found.append((int(match.group(1)), match.group(2)))
    return tuple(found)


def scope_for(user, session) -> Scope:
    """The scope of a user: Admin and Auditor without a scope row see everything."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Scope()
    row = session.query(UserScope).filter_by(user_id=user.id).one_or_none()
    roles = {r.name for r in user.roles}
    if row is None:
        return Scope(everything=bool(roles & EVERYTHING_ROLES), user_id=user.id)
    return Scope(district_id=row.district_id, school_id=row.school_id,
                 classes=parse_classes(row.class_names) if "ClassTeacher" in roles else (),
                 user_id=user.id)


def current_scope() -> Scope:
    """The signed-in user's scope, computed once per request (nothing outside a request)."""
    if not has_request_context():
        return Scope()
    from app.extensions import db

    # FAB puts the JWT user of an API call in g.user; pages have the Flask-Login user
    return per_request("scope", lambda: scope_for(g.get("user") or current_user, db.session))


def _in_district(column, scope: Scope):
    """`column` (a school id) names a school of the district.

    Written as a correlated EXISTS, not `IN (…)`: with IN, SQLite reads the whole district through
    the school index and sorts it for "newest first" (300 ms at 100 k pupils); with EXISTS it walks
    the primary key backwards and stops after one page.
    """
    return exists().where(School.id == column, School.district_id == scope.district_id)


def _students(scope: Scope):
    """Criterion on Student for a district or school scope (and classes)."""
    if scope.school_id is None:
        return Student.district_id == scope.district_id
    criterion = Student.school_id == scope.school_id
    if scope.classes:
        criterion = and_(criterion, or_(*[
            and_(Student.grade == grade, Student.class_name == name) for grade, name in scope.classes
        ]))
    return criterion


def _households(scope: Scope):
    """Households of the district; for a school, those it registered or with a pupil in it."""
    if scope.school_id is None:
        return Household.district_id == scope.district_id
    with_pupil = Household.id.in_(select(Student.household_id).where(_students(scope)))
    if scope.classes:
        return with_pupil
    return or_(Household.school_id == scope.school_id, with_pupil)


def _by_school(column, scope: Scope):
    """A school_id column inside the scope."""
    if scope.school_id is None:
        return _in_district(column, scope)
    return column == scope.school_id


def _district_or_school(model, scope: Scope):
    """A row carrying its district and school: the school's own, or the district's."""
    if scope.school_id is not None:
        return model.school_id == scope.school_id
    return model.district_id == scope.district_id


RULES = {
    District: lambda s: District.id == s.district_id,
    School: lambda s: School.id == s.school_id if s.school_id else School.district_id == s.district_id,
    Student: _students,
    Household: _households,
    HouseholdMember: lambda s: HouseholdMember.household_id.in_(select(Household.id).where(_households(s))),
    Application: lambda s: (Application.student_id.in_(select(Student.id).where(_students(s)))
                            if s.classes else _by_school(Application.school_id, s)),
    HomeVisit: lambda s: HomeVisit.application_id.in_(select(Application.id).where(RULES[Application](s))),
    ReviewDecision: lambda s: ReviewDecision.application_id.in_(
        select(Application.id).where(RULES[Application](s))),
    PublicNotice: lambda s: _by_school(PublicNotice.school_id, s),
    NoticeEntry: lambda s: (NoticeEntry.application_id.in_(select(Application.id).where(RULES[Application](s)))
                            if s.classes else
                            NoticeEntry.notice_id.in_(select(PublicNotice.id).where(RULES[PublicNotice](s)))),
    # a class teacher sees the objections to their classes' applications only
    Objection: lambda s: (Objection.application_id.in_(select(Application.id).where(RULES[Application](s)))
                          if s.classes else _by_school(Objection.school_id, s)),
    # a school reads the standard of its district
    AssessmentStandard: lambda s: AssessmentStandard.district_id == s.district_id,
    FundAccount: lambda s: (FundAccount.school_id == s.school_id if s.school_id
                            else FundAccount.district_id == s.district_id),
    # money: a school sees its own entitlements, allocations, quotas, batches and the ledger lines of
    # its books; the district every one of its schools' and its accounts' (app/models/money.py)
    Entitlement: lambda s: (Entitlement.student_id.in_(select(Student.id).where(_students(s)))
                            if s.classes else _by_school(Entitlement.school_id, s)),
    Allocation: lambda s: _district_or_school(Allocation, s),
    Quota: lambda s: _district_or_school(Quota, s),
    DisbursementBatch: lambda s: _district_or_school(DisbursementBatch, s),
    DisbursementLine: lambda s: (DisbursementLine.student_id.in_(select(Student.id).where(_students(s)))
                                 if s.classes else _by_school(DisbursementLine.school_id, s)),
    LedgerEntry: lambda s: _district_or_school(LedgerEntry, s),
    # aid in kind: a school's own distributions and meal records, the district's of all its schools
    Distribution: lambda s: _district_or_school(Distribution, s),
    DistributionLine: lambda s: (DistributionLine.student_id.in_(select(Student.id).where(_students(s)))
                                 if s.classes else _by_school(DistributionLine.school_id, s)),
    CanteenMealRecord: lambda s: _district_or_school(CanteenMealRecord, s),
    BankFile: lambda s: BankFile.batch_id.in_(select(DisbursementBatch.id).where(RULES[DisbursementBatch](s))),
    BankReturn: lambda s: BankReturn.batch_id.in_(select(DisbursementBatch.id).where(RULES[DisbursementBatch](s))),
    # the layouts offered to every district, and the district's own
    BankFileLayout: lambda s: or_(BankFileLayout.district_id.is_(None), BankFileLayout.district_id == s.district_id),
    LedgerLine: lambda s: (LedgerLine.school_id == s.school_id if s.school_id else LedgerLine.fund_account_id.in_(
        select(FundAccount.id).where(FundAccount.district_id == s.district_id))),
    UserScope: lambda s: _by_school(UserScope.school_id, s) if s.school_id else UserScope.district_id == s.district_id,
    User: lambda s: User.id.in_(select(UserScope.user_id).where(RULES[UserScope](s))),
    # a job is its owner's; Admin and Auditor (everything) see every job
    Job: lambda s: Job.user_id == s.user_id,
    # events of the scope's schools, and everything its own users did (logins have no school)
    AuditEvent: lambda s: or_(_by_school(AuditEvent.school_id, s),
                              AuditEvent.user_id.in_(select(UserScope.user_id).where(RULES[UserScope](s)))),
}


def is_scoped(model) -> bool:
    """Whether rows of `model` belong to a district or school (code lists do not)."""
    return model in RULES


def criterion(model, scope: Scope):
    """SQL criterion limiting `model` to `scope`; None when nothing needs limiting."""
    rule = RULES.get(model)
    if rule is None or scope.everything:
        return None
    if scope.nothing:
        return false()
    return rule(scope)


def limit(query, model, scope: Scope | None = None):
    """`query` of `model` limited to the scope (the current user's by default)."""
    where = criterion(model, scope or current_scope())
    return query if where is None else query.filter(where)
