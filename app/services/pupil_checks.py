"""Data checks on a pupil's record: the problems a school should fix, as reason codes."""
from dataclasses import dataclass
from datetime import date

from app.services.validation import InvalidValue, age_on, normalize_id_number, normalize_student_no

# usual age on 1 September for grade 1 is 6; a pupil more than two years off is worth a look
GRADE_ONE_AGE = 6
AGE_TOLERANCE = 2


@dataclass(frozen=True)
class PupilFacts:
    """What the checks read from one pupil's record."""

    id_number: str
    student_no: str
    birth_date: date
    grade: int
    enrolled: bool
    has_household: bool


def school_year_start(today: date) -> date:
    """1 September of the school year that contains `today`."""
    return date(today.year if today.month >= 9 else today.year - 1, 9, 1)


def check_pupil(facts: PupilFacts, today: date) -> list[str]:
    """Reason codes of everything wrong or unfinished in the record (empty when it is fine)."""
    problems = []
    try:
        normalize_id_number(facts.id_number, today=today, check_age=False)
    except InvalidValue as err:
        problems.append(f"id_number.{err.code}")
    try:
        normalize_student_no(facts.student_no, id_number=facts.id_number, today=today)
    except InvalidValue as err:
        problems.append(f"student_no.{err.code}")
    if facts.enrolled and facts.student_no[:1].upper() == "L":
        problems.append("student_no.temporary")
    if facts.enrolled and not facts.has_household:
        problems.append("household.missing")
    expected = GRADE_ONE_AGE + facts.grade - 1
    if abs(age_on(facts.birth_date, school_year_start(today)) - expected) > AGE_TOLERANCE:
        problems.append("grade.age")
    return problems
