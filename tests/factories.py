"""make_<model>(session, **overrides) factories with valid synthetic identifiers."""
from datetime import date
from itertools import count

from app.clock import SYSTEM
from app.models import District, Household, School, Sex, Student
from app.services.validation import make_id_number

_seq = count(1)


def make_district(session, **kw) -> District:
    """A district with a unique code."""
    n = next(_seq)
    row = District(**{"code": f"99{n:04d}", "name": f"测试县{n}", **kw})
    session.add(row)
    session.flush()
    return row


def make_school(session, district=None, **kw) -> School:
    """A school with a unique 10-digit code."""
    n = next(_seq)
    district = district or make_district(session)
    row = School(**{"district_id": district.id, "code": f"21{n:08d}", "name": f"测试小学{n}", **kw})
    session.add(row)
    session.flush()
    return row


def make_household(session, district=None, **kw) -> Household:
    """A household in a district."""
    district = district or make_district(session)
    row = Household(**{"district_id": district.id, "guardian_name": "王建国", "address": "城关镇一村", **kw})
    session.add(row)
    session.flush()
    return row


def pupil_id_number(n: int | None = None, birth: date | None = None) -> str:
    """A valid synthetic ID number (address code 99…) for a 9-year-old boy."""
    n = next(_seq) if n is None else n
    today = SYSTEM.today()
    birth = birth or date(today.year - 9, 3, 1)
    return make_id_number("990101", birth, (2 * n + 1) % 1000)


def make_student(session, school=None, household=None, **kw) -> Student:
    """A valid enrolled pupil."""
    school = school or make_school(session)
    id_number = kw.pop("id_number", None) or pupil_id_number()
    row = Student(**{
        "name": "李小明", "id_number": id_number, "student_no": "G" + id_number, "sex": Sex.MALE,
        "birth_date": date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14])),
        "school_id": school.id, "district_id": school.district_id, "grade": 3, "class_name": "1班",
        "household_id": household.id if household else None, **kw,
    })
    session.add(row)
    session.flush()
    return row


def make_member(session, household, **kw):
    """A household member (an able, healthy father earning 12 000 a year unless told otherwise)."""
    from decimal import Decimal

    from app.models import HouseholdMember, Relation

    row = HouseholdMember(**{"household_id": household.id, "name": "王建国", "relation": Relation.FATHER,
                             "annual_income": Decimal("12000.00"), **kw})
    session.add(row)
    session.flush()
    return row


def current_term(session):
    """The current term (seeded by the test database's clean-up)."""
    from app.models import Term

    return session.query(Term).filter_by(is_current=True).first()


def make_previous_term(session):
    """An autumn term of the school year before the current one."""
    from app.models import SchoolYear, Season, Term

    start = date(current_term(session).school_year.start_date.year - 1, 9, 1)
    year = SchoolYear(name=f"{start.year}-{start.year + 1}", start_date=start, end_date=date(start.year + 1, 8, 31))
    session.add(year)
    session.flush()
    term = Term(school_year_id=year.id, season=Season.AUTUMN, name=f"{start.year}年秋季学期", start_date=start,
                end_date=date(start.year + 1, 1, 31))
    session.add(term)
    session.flush()
    return term


def make_standard(session, district, **kw):
    """The default standard in force for the district's current school year (version 1)."""
    from app.commands.standards import seed_standard

    term = current_term(session)
    row = seed_standard(session, district.id, term.school_year_id)
    for key, value in kw.items():
        setattr(row, key, value)
    session.flush()
    return row


def make_application(session, student, term=None, **kw):
    """A draft application of the pupil for the term, commitment and consent signed today."""
    from app.models import Application

    term = term or current_term(session)
    row = Application(**{
        "student_id": student.id, "school_id": student.school_id, "school_year_id": term.school_year_id,
        "term_id": term.id, "commitment_signed_on": SYSTEM.today(), "consent_signed_on": SYSTEM.today(),
        "reason": "家庭收入低", **kw,
    })
    session.add(row)
    session.flush()
    return row


def make_fund_account(session, district, **kw):
    """A fund account of the district for this fiscal year (central living-subsidy funds)."""
    from app.models import FundAccount, FundSource

    n = next(_seq)
    row = FundAccount(**{"code": f"ZH{n:04d}", "name": f"中央生活补助专户{n}", "source": FundSource.CENTRAL,
                         "fiscal_year": SYSTEM.today().year, "district_id": district.id, **kw})
    session.add(row)
    session.flush()
    return row


def make_entitlement(session, student, *, application=None, tier="special", amount="312.50", item="living_subsidy",
                     term=None, **kw):
    """An active entitlement of the pupil to the item in the term (of an approved application made for
    it when none is given), as an approval would make it."""
    from decimal import Decimal

    from app.models import AidItem, ApplicationStatus, Entitlement, Tier

    term = term or current_term(session)
    tier_row = session.query(Tier).filter_by(code=tier).one()
    if application is None:
        application = make_application(session, student, term=term, status=ApplicationStatus.APPROVED,
                                       final_tier_id=tier_row.id)
    row = Entitlement(**{
        "student_id": student.id, "school_id": student.school_id, "term_id": term.id,
        "aid_item_id": session.query(AidItem).filter_by(code=item).one().id, "application_id": application.id,
        "tier_id": tier_row.id, "boarding": student.boarding, "amount": Decimal(amount), **kw})
    session.add(row)
    session.flush()
    return row
