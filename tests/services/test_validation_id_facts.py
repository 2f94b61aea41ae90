"""A pupil's date of birth and sex read from, and checked against, the ID number."""
from datetime import date

import pytest

from app.services.validation import (
    InvalidValue,
    check_birth_date_matches_id,
    check_sex_matches_id,
    id_facts,
    make_id_number,
)

GIRL = make_id_number("110105", date(2017, 5, 17), 22)  # 17th digit 2: even, female
BOY = make_id_number("110105", date(2017, 5, 17), 21)


def test_id_facts_reads_birth_date_and_sex():
    assert id_facts(GIRL).birth_date == date(2017, 5, 17) and id_facts(GIRL).sex == "F"
    assert id_facts(" " + BOY.lower() + " ").sex == "M"


@pytest.mark.parametrize("raw", [None, "", "123", GIRL[:17] + ("0" if GIRL[17] != "0" else "1"), 18, "１" * 18])
def test_a_missing_or_bad_id_number_says_nothing(raw):
    assert id_facts(raw) is None
    assert check_birth_date_matches_id(date(2000, 1, 1), raw) == date(2000, 1, 1)
    assert check_sex_matches_id("M", raw) == "M"


def test_agreeing_values_pass():
    assert check_birth_date_matches_id(date(2017, 5, 17), GIRL) == date(2017, 5, 17)
    assert check_sex_matches_id("F", GIRL) == "F" and check_sex_matches_id("M", BOY) == "M"


def test_a_date_of_birth_other_than_the_id_numbers_is_refused_naming_it():
    with pytest.raises(InvalidValue) as refused:
        check_birth_date_matches_id(date(2017, 5, 18), GIRL)
    assert refused.value.code == "id.birth_mismatch" and refused.value.field == "birth_date"
    assert refused.value.params == {"expected": "2017-05-17"}


def test_a_sex_other_than_the_id_numbers_is_refused():
    with pytest.raises(InvalidValue) as refused:
        check_sex_matches_id("M", GIRL)
    assert refused.value.code == "id.sex_mismatch" and refused.value.field == "sex"
