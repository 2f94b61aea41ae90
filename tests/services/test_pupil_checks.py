"""Pupil record checks: each problem found, a clean record passes."""
from datetime import date

from app.services.pupil_checks import PupilFacts, check_pupil
from app.services.validation import make_id_number

TODAY = date(2026, 11, 29)
BIRTH = date(2017, 3, 1)  # 9 on 1 September 2026: grade 3 or 4
GOOD_ID = make_id_number("990101", BIRTH, 11)


def facts(**kw) -> PupilFacts:
    values = dict(id_number=GOOD_ID, student_no="G" + GOOD_ID, birth_date=BIRTH, grade=4,
                  enrolled=True, has_household=True)
    values.update(kw)
    return PupilFacts(**values)


def test_a_clean_record_has_no_problem():
    assert check_pupil(facts(), TODAY) == []


def test_wrong_check_character_is_reported_for_both_numbers():
    bad = GOOD_ID[:17] + ("0" if GOOD_ID[17] != "0" else "1")
    assert check_pupil(facts(id_number=bad, student_no="G" + bad), TODAY) == [
        "id_number.id.check_char", "student_no.id.check_char"]


def test_temporary_student_number_and_missing_household_for_enrolled_pupils_only():
    temporary = "L990101" + BIRTH.strftime("%Y%m%d") + "0001"
    assert check_pupil(facts(student_no=temporary, has_household=False), TODAY) == [
        "student_no.temporary", "household.missing"]
    assert check_pupil(facts(student_no=temporary, has_household=False, enrolled=False), TODAY) == []


def test_age_far_from_the_grade_is_reported():
    assert check_pupil(facts(grade=1), TODAY) == ["grade.age"]
    assert check_pupil(facts(grade=2), TODAY) == []
