"""seed_demo: a deterministic, valid demo district with working demo accounts, written all or nothing."""
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.clock import SYSTEM, local_day
from app.demo.pupils import cohort
from app.demo.rows import luhn_digit
from app.demo.seed import seed_demo
from app.errors import DomainError
from app.extensions import db
from app.models import (
    Application,
    ApplicationStatus,
    District,
    Household,
    HouseholdMember,
    Model,
    NoParentReason,
    NoticeStatus,
    PublicNotice,
    Relation,
    School,
    SpecialGroup,
    Student,
    Term,
    UserScope,
    household_special_group,
)
from app.services.validation import (
    age_on,
    normalize_id_number,
    normalize_phone,
    normalize_student_no,
    parse_id_number,
)
from tests.conftest import clean_database

TODAY = date(2026, 11, 20)  # the demo's day (a Friday in the autumn term): the same district whatever the date
PASSWORD = "Demo-pass-2026!"
SCHOOLS, PUPILS = 3, 300
KEEP_TABLES = {"alembic_version", "ab_permission", "ab_view_menu", "ab_permission_view",
               "ab_role", "ab_permission_view_role"}
ACCOUNTS = {"admin": "Admin", "district": "DistrictOfficer", "leader": "Leader",
            "auditor": "Auditor", "school1": "SchoolOfficer", "school2": "SchoolOfficer",
            "teacher1": "ClassTeacher"}


@dataclass
class Demo:
    """What the module fixture saw: the summary and snapshots of three runs."""

    summary: str
    seed7: tuple
    seed8: tuple
    seed7_again: tuple


def _seed(app, seed: int, **overrides) -> str:
    """Run seed_demo on the test database with the small test size."""
    args = {"schools": SCHOOLS, "pupils": PUPILS, "password": PASSWORD, "seed": seed, "today": TODAY}
    return seed_demo(app.appbuilder, db.session, **{**args, **overrides})


def _snapshot() -> tuple:
    """Names, identifiers and places written by a run, in key order."""
    pupils = db.session.execute(select(
        Student.name, Student.id_number, Student.student_no, Student.grade, Student.class_name,
    ).order_by(Student.id)).all()
    homes = db.session.execute(select(
        Household.guardian_name, Household.address, Household.phone, Household.bank_account,
    ).order_by(Household.id)).all()
    schools = db.session.scalars(select(School.name).order_by(School.code)).all()
    work = db.session.execute(select(Application.status, Application.score, Application.final_tier_id)
                              .order_by(Application.id)).all()
    return tuple(pupils), tuple(homes), tuple(schools), tuple(work)


def _wipe() -> None:
    """Delete what a test wrote, as the shared `session` fixture does."""
    db.session.rollback()
    clean_database(SYSTEM.today())


def _row_counts() -> dict:
    """Rows per table, to prove that a refused run wrote nothing."""
    return {t.name: db.session.scalar(select(func.count()).select_from(t))
            for t in Model.metadata.sorted_tables}


@pytest.fixture(scope="module")
def demo(app):
    """Seed 7, wipe, seed 8, wipe, seed 7 again and keep it for the module's tests."""
    with app.app_context():
        _seed(app, 7)
        seed7 = _snapshot()
        _wipe()
        _seed(app, 8)
        seed8 = _snapshot()
        _wipe()
        summary = _seed(app, 7)
        result = Demo(summary, seed7, seed8, _snapshot())
    yield result
    with app.app_context():
        _wipe()


@pytest.fixture
def dbs(app, demo):
    """The session on the seeded demo database, inside an app context."""
    with app.app_context():
        yield db.session
        db.session.rollback()


def test_same_seed_writes_the_same_district(demo):
    assert demo.seed7 == demo.seed7_again


def test_other_seed_writes_other_names_and_ids(demo):
    pupils7, pupils8 = demo.seed7[0], demo.seed8[0]
    assert [p.name for p in pupils7] != [p.name for p in pupils8]
    assert {p.id_number for p in pupils7} != {p.id_number for p in pupils8}


def test_counts_match_the_arguments(dbs):
    assert dbs.scalar(select(func.count(District.id))) == 1
    assert dbs.scalar(select(District.code)) == "990100"
    assert dbs.scalar(select(func.count(School.id))) == SCHOOLS
    assert dbs.scalar(select(func.count(Student.id))) == PUPILS
    households = dbs.scalar(select(func.count(Household.id)))
    assert PUPILS / 2 < households < PUPILS
    assert dbs.scalar(select(func.count(HouseholdMember.id))) > households


def test_school_codes_and_names_look_real(dbs):
    schools = dbs.scalars(select(School).order_by(School.code)).all()
    assert [s.code for s in schools] == ["2199010001", "2199010002", "2199010003"]
    assert all(s.name.startswith("示范县") and s.name.endswith("小学") for s in schools)
    assert len({s.name for s in schools}) == SCHOOLS
    assert sum(s.has_boarding for s in schools) == 1


def test_every_id_number_and_student_no_is_valid_and_unique(dbs):
    pupils = dbs.scalars(select(Student)).all()
    for p in pupils:
        assert p.id_number.startswith("99")
        assert normalize_id_number(p.id_number, today=TODAY) == p.id_number
        assert normalize_student_no(p.student_no, id_number=p.id_number, today=TODAY) == p.student_no
        info = parse_id_number(p.id_number)
        assert info.birth_date == p.birth_date
        assert info.sex == p.sex.value
    assert len({p.id_number for p in pupils}) == len({p.student_no for p in pupils}) == PUPILS
    assert sum(p.student_no == "G" + p.id_number for p in pupils) >= 0.95 * PUPILS
    assert all(p.student_no[0] in "GL" for p in pupils)


def test_ages_match_grades(dbs):
    year_start = TODAY.year if TODAY.month >= 9 else TODAY.year - 1
    for p in dbs.scalars(select(Student)):
        first, last = cohort(year_start, p.grade)
        assert first <= p.birth_date <= last, (p.grade, p.birth_date)
        assert 5 <= age_on(p.birth_date, TODAY) <= 13
        assert re.fullmatch(r"[1-9]班", p.class_name)


def test_boarders_only_at_boarding_schools(dbs):
    rows = dbs.execute(select(School.has_boarding, Student.boarding).join(Student.school)).all()
    assert not [r for r in rows if r.boarding and not r.has_boarding]
    assert any(r.boarding for r in rows)


def test_households_have_valid_contacts_and_payees(dbs):
    for h in dbs.scalars(select(Household)):
        assert normalize_phone(h.phone) == h.phone
        assert normalize_id_number(h.guardian_id_number, today=TODAY, check_age=False)
        assert re.fullmatch(r".+[镇乡](.+村\d{1,2}组|.+[路街]\d{1,3}号)", h.address), h.address
        if h.bank_account:
            assert re.fullmatch(r"621799\d{13}", h.bank_account)
            assert luhn_digit(h.bank_account[:-1]) == h.bank_account[-1]
            assert h.payee_name == h.guardian_name


def test_incomes_are_decimal_with_a_poor_minority(dbs):
    incomes = dbs.execute(select(
        HouseholdMember.household_id, func.sum(HouseholdMember.annual_income), func.count(),
    ).group_by(HouseholdMember.household_id)).all()
    pupils = dict(dbs.execute(
        select(Student.household_id, func.count()).group_by(Student.household_id)).all())
    per_head = [Decimal(total) / (n + pupils[hid]) for hid, total, n in incomes]
    poor = sum(v < 9000 for v in per_head)
    assert 0.05 * len(per_head) < poor < 0.4 * len(per_head)
    assert isinstance(dbs.scalar(select(HouseholdMember.annual_income).limit(1)), Decimal)


def test_parents_are_old_enough_for_their_children(dbs):
    members = dbs.execute(select(
        HouseholdMember.household_id, HouseholdMember.relation, HouseholdMember.birth_year,
    )).all()
    youngest_parent, eldest_child = {}, {}
    for hid, relation, year in members:
        if relation in (Relation.FATHER, Relation.MOTHER):
            youngest_parent[hid] = max(year, youngest_parent.get(hid, 0))
        elif relation == Relation.SIBLING:
            eldest_child[hid] = min(year, eldest_child.get(hid, 9999))
    for hid, birth in dbs.execute(select(Student.household_id, Student.birth_date)):
        eldest_child[hid] = min(birth.year, eldest_child.get(hid, 9999))
    assert youngest_parent
    assert all(eldest_child[hid] - year >= 18 for hid, year in youngest_parent.items())


def test_a_household_without_parent_or_guardian_says_why(dbs):
    """Submission refuses a household with no father, mother or guardian unless it says why."""
    carers = set(dbs.scalars(select(HouseholdMember.household_id).where(
        HouseholdMember.relation.in_([Relation.FATHER, Relation.MOTHER, Relation.GUARDIAN]))))
    rows = dbs.execute(select(Household.id, Household.no_parent_reason, Household.no_parent_note)).all()
    without = [row for row in rows if row.id not in carers]
    assert without, "the demo has orphans and children of missing parents"
    assert all(row.no_parent_reason is not None for row in without)
    assert all(row.no_parent_reason is None for row in rows if row.id in carers)
    assert all(row.no_parent_note for row in without if row.no_parent_reason == NoParentReason.OTHER)


def test_special_groups_link_existing_codes(dbs):
    codes = dbs.scalars(select(SpecialGroup.code).join(
        household_special_group, household_special_group.c.special_group_id == SpecialGroup.id,
    )).all()
    assert codes and "dibao" in codes


def test_applications_are_in_the_current_term_and_submitted_ones_frozen(dbs):
    term = dbs.scalars(select(Term).filter_by(is_current=True)).one()
    apps = dbs.scalars(select(Application).filter_by(term_id=term.id)).all()
    assert 0.04 * PUPILS < len(apps) < 0.25 * PUPILS
    assert {ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.SCHOOL_REVIEW} <= {
        a.status for a in apps}
    for a in apps:
        assert a.term_id == term.id and a.school_year_id == term.school_year_id
        assert a.reason.endswith("特申请资助。")
        assert (a.submitted_on is not None) == (a.status != ApplicationStatus.DRAFT)
        assert (a.household_snapshot is not None) == (a.status != ApplicationStatus.DRAFT)
        if a.submitted_on:
            assert term.start_date <= a.commitment_signed_on <= local_day(a.submitted_on) <= TODAY


def test_first_school_is_part_way_and_second_school_decided_everything(dbs):
    schools = dbs.scalars(select(School).order_by(School.code)).all()
    term = dbs.scalars(select(Term).filter_by(is_current=True)).one()
    first = {a.status for a in dbs.scalars(select(Application).filter_by(school_id=schools[0].id, term_id=term.id))}
    second = dbs.scalars(select(Application).filter_by(school_id=schools[1].id, term_id=term.id)).all()
    assert ApplicationStatus.SUBMITTED in first and ApplicationStatus.SCHOOL_REVIEW in first
    assert all(a.final_tier is not None for a in second if a.status is not ApplicationStatus.DRAFT)
    scored = [a for a in second if a.score is not None]
    assert scored and all(a.standard_version == 1 and a.breakdown["lines"] for a in scored)
    notice = dbs.scalars(select(PublicNotice).filter_by(school_id=schools[1].id, term_id=term.id)).one()
    assert notice.status is NoticeStatus.PUBLISHED and notice.ends_on > notice.starts_on
    listed = {e.application_id for e in notice.entries}
    assert listed == {a.id for a in second if a.status is ApplicationStatus.NOTICE}
    assert all(a.final_tier.is_needy for a in second if a.id in listed)


def test_demo_accounts_have_roles_scopes_and_log_in(app, dbs):
    sm = app.appbuilder.sm
    first, second = dbs.scalars(select(School).order_by(School.code).limit(2)).all()
    expected_school = {"school1": first.id, "school2": second.id, "teacher1": first.id}
    for username, role in ACCOUNTS.items():
        user = sm.find_user(username=username)
        assert [r.name for r in user.roles] == [role]
        assert user.email == f"{username}@demo.zizhu.local"
        scope = dbs.scalars(select(UserScope).filter_by(user_id=user.id)).one()
        assert scope.school_id == expected_school.get(username)
        assert scope.district.code == "990100"
        with app.test_request_context("/login/", method="POST"):  # a sign-in is audited with its request
            assert sm.auth_user_db(username, PASSWORD) is not None
            assert sm.auth_user_db(username, "wrong-password") is None
    teacher = sm.find_user(username="teacher1")
    assert dbs.scalars(select(UserScope.class_names).filter_by(user_id=teacher.id)).one() == "3年级1班"


def test_summary_lists_counts_and_accounts_but_not_the_password(demo):
    assert str(PUPILS) in demo.summary
    assert all(username in demo.summary for username in ACCOUNTS)
    assert PASSWORD not in demo.summary


def test_second_run_is_refused_and_writes_nothing(app, dbs):
    before = _row_counts()
    with pytest.raises(DomainError):
        _seed(app, 9)
    dbs.rollback()
    assert _row_counts() == before


def test_new_rows_get_fresh_ids_after_the_bulk_insert(dbs):
    district_id = dbs.scalar(select(District.id))
    row = Household(district_id=district_id, guardian_name="测试")
    dbs.add(row)
    dbs.flush()
    assert row.id > dbs.scalar(select(func.max(Household.id)).where(Household.id != row.id))


@pytest.mark.parametrize("overrides", [{"schools": 0}, {"pupils": -1}, {"password": " "}])
def test_bad_arguments_are_refused(app, dbs, overrides):
    with pytest.raises(DomainError):
        _seed(app, 1, **overrides)


# ---- the whole cycle: last school year complete, this term at every stage (as of TODAY) ----

def _term(dbs, current: bool = True) -> Term:
    """This term, or last school year's autumn term."""
    if current:
        return dbs.scalars(select(Term).filter_by(is_current=True)).one()
    return dbs.scalars(select(Term).filter_by(name=f"{TODAY.year - 1}年秋季学期")).one()


def _first_school(dbs) -> School:
    return dbs.scalars(select(School).order_by(School.code)).first()


def test_terms_follow_the_demo_day(dbs):
    assert _term(dbs).name == "2026年秋季学期" and _term(dbs).school_year.is_current
    assert not _term(dbs, current=False).is_current
    assert dbs.scalar(select(func.count(Term.id)).filter_by(is_current=True)) == 1


def test_the_first_school_has_applications_at_every_stage_this_term(dbs):
    apps = dbs.scalars(select(Application).filter_by(school_id=_first_school(dbs).id, term_id=_term(dbs).id)).all()
    statuses = {a.status for a in apps}
    assert statuses >= {ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.CLASS_REVIEW,
                        ApplicationStatus.SCHOOL_REVIEW, ApplicationStatus.NOTICE, ApplicationStatus.APPROVED,
                        ApplicationStatus.RETURNED, ApplicationStatus.REJECTED}
    in_review = [a for a in apps if a.status is ApplicationStatus.SCHOOL_REVIEW]
    assert any(a.score is not None and a.final_tier is None and not a.home_visits for a in in_review)  # scored
    assert any(a.final_tier is None and a.home_visits for a in in_review)  # visited
    assert any(a.final_tier is not None for a in in_review)  # decided, waiting for a notice
    assert all(a.return_reason for a in apps if a.status is ApplicationStatus.RETURNED)


def test_a_notice_that_has_ended_is_approved_today_by_the_approval_command(dbs):
    from app.clock import FixedClock, day_start
    from app.commands import notice_approval
    from app.security.scope import Scope
    from tests.context import context

    school = _first_school(dbs)
    notices = dbs.scalars(select(PublicNotice).filter_by(school_id=school.id, term_id=_term(dbs).id)
                          .order_by(PublicNotice.starts_on)).all()
    ended, running = notices
    assert ended.ends_on < TODAY <= running.ends_on and running.status is NoticeStatus.PUBLISHED
    from app.models import Objection

    def answered(notice) -> list:
        return [o.answered_on is not None for o in dbs.scalars(select(Objection).filter_by(notice_id=notice.id))]

    assert answered(ended) == [True] and answered(running) == [False]
    waiting = [e.application for e in ended.entries if e.application.status is ApplicationStatus.NOTICE]
    assert waiting and any(e.application.status is ApplicationStatus.APPROVED for e in ended.entries)
    clock = FixedClock(day_start(TODAY))
    clock.set_day(TODAY)
    ctx = context(dbs, Scope(district_id=school.district_id, school_id=school.id), clock=clock)
    assert notice_approval.approve_notice(ctx, ended.id) == len(waiting)
    assert {a.status for a in waiting} == {ApplicationStatus.APPROVED}


def test_last_school_year_is_complete_in_every_school(dbs):
    from app.models import Objection, ObjectionOutcome, SchoolYear
    from app.queries.practices import previous_year

    last = _term(dbs, current=False)
    apps = dbs.scalars(select(Application).filter_by(term_id=last.id)).all()
    assert {a.status for a in apps} == {ApplicationStatus.APPROVED, ApplicationStatus.REJECTED}
    assert {a.school_id for a in apps if a.status is ApplicationStatus.APPROVED} == set(
        dbs.scalars(select(School.id)))
    assert all(a.final_tier is not None or a.tier_reason for a in apps)
    notices = dbs.scalars(select(PublicNotice).filter_by(term_id=last.id)).all()
    assert len(notices) == SCHOOLS and all(n.ends_on < TODAY and n.status is NoticeStatus.WITHDRAWN for n in notices)
    objections = dbs.scalars(select(Objection).join(PublicNotice).filter(PublicNotice.term_id == last.id)).all()
    assert objections and all(o.answered_on and o.answered_on <= o.due_on for o in objections)
    assert {o.outcome for o in objections} == {ObjectionOutcome.DISMISSED, ObjectionOutcome.UPHELD}
    assert all(o.application.status is ApplicationStatus.REJECTED
               for o in objections if o.outcome is ObjectionOutcome.UPHELD)
    this_year = dbs.get(SchoolYear, _term(dbs).school_year_id)
    assert previous_year(dbs, this_year).id == last.school_year_id  # the fairness check has two years


def test_the_standards_carry_the_holidays_of_their_years(dbs):
    from app.models import AssessmentStandard

    rows = {r.school_year_id: r.data["parameters"] for r in dbs.scalars(select(AssessmentStandard))}
    assert "2025-10-08" in rows[_term(dbs, current=False).school_year_id]["holidays"]
    assert "2026-10-07" in rows[_term(dbs).school_year_id]["holidays"]
