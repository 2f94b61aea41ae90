"""The masks cannot be undone: what a role without the reveal permission sees leaves many candidates."""
from datetime import date, timedelta

import pytest

from app.services.masking import (
    BANK,
    BIRTH,
    ID,
    PHONE,
    kind_of,
    mask_birth_date,
    mask_column,
    mask_id_number,
    mask_student_no,
)
from app.services.validation import id_check_char, make_id_number

ADDRESS = "990101"  # the district's address code: known to everyone who works there


def _candidates(masked: str, address: str, year: int, female: bool | None) -> list[str]:
    """Every valid ID number consistent with a mask, the address code, the birth year and the sex."""

    def fits(text: str, start: int) -> bool:
        return all(m in ("*", c) for m, c in zip(masked[start:start + len(text)], text, strict=True))

    sequences = [f"{n:03d}" for n in range(1000)
                 if fits(f"{n:03d}", 14) and (female is None or (n % 2 == 0) == female)]
    found, day = [], date(year, 1, 1)
    while day.year == year:
        head = f"{address}{day:%Y%m%d}"
        if fits(head, 0):
            for sequence in sequences:
                number = head + sequence + id_check_char(head + sequence)
                if fits(number, 0):
                    found.append(number)
        day += timedelta(days=1)
    return found


@pytest.mark.parametrize("sequence", [1, 42, 537, 998])
def test_masked_id_number_with_birth_year_sex_and_address_known_leaves_over_a_thousand_candidates(sequence):
    number = make_id_number(ADDRESS, date(2016, 5, 17), sequence)
    masked = mask_id_number(number)
    shown_year = mask_birth_date(date(2016, 5, 17).isoformat())
    assert shown_year == "2016"
    candidates = _candidates(masked, ADDRESS, int(shown_year), female=sequence % 2 == 0)
    assert number in candidates
    assert len(candidates) >= 1000


def test_old_mask_with_the_full_birth_date_left_a_handful_of_candidates():
    """The other side: first four + last four and the birth date shown pin the number down."""
    number = make_id_number(ADDRESS, date(2016, 5, 17), 537)
    old_mask = number[:4] + "*" * 10 + number[-4:]
    body_without_day = [c for c in _candidates(old_mask, ADDRESS, 2016, female=False)
                        if c[6:14] == "20160517"]
    assert body_without_day == [number]


def test_student_number_is_masked_like_the_id_number_it_embeds():
    number = make_id_number(ADDRESS, date(2016, 5, 17), 537)
    assert mask_student_no("G" + number) == "G" + mask_id_number(number)
    candidates = _candidates(mask_student_no("G" + number)[1:], ADDRESS, 2016, female=False)
    assert len(candidates) >= 1000


def test_guardian_id_number_is_masked_like_a_pupils():
    number = make_id_number(ADDRESS, date(1985, 2, 3), 123)
    assert mask_column("guardian_id_number", number) == mask_id_number(number)
    assert len(_candidates(mask_id_number(number), ADDRESS, 1985, female=False)) >= 1000


def test_id_mask_shows_four_characters_ahead_and_two_behind():
    number = make_id_number(ADDRESS, date(2016, 5, 17), 537)
    assert mask_id_number(number) == number[:4] + "*" * 12 + number[-2:]
    assert mask_id_number("12345678") == "********"


def test_birth_date_is_shown_as_its_year_only():
    assert mask_column("birth_date", date(2016, 5, 17)) == "2016"
    assert mask_column("birth_date", "2016-05-17") == "2016"
    assert mask_column("birth_date", "not a date") == "**********"
    assert mask_column("birth_date", None) is None
    assert mask_column("birth_year", 2016) == 2016  # a year is no finer than the mask


def test_contact_phone_and_other_named_phones_are_masked_like_phone():
    assert mask_column("contact_phone", "13800138000") == "138****8000"
    assert mask_column("phone", "13800138000") == "138****8000"
    assert mask_column("payee_bank_account", "6217990000000001234") == "**** **** **** 1234"
    assert mask_column("phone_book", "13800138000") == "13800138000"
    assert mask_column("name", "13800138000") == "13800138000"


def test_kinds_of_columns():
    assert (kind_of("id_number"), kind_of("guardian_id_number"), kind_of("contact_phone")) == (ID, ID, PHONE)
    assert (kind_of("bank_account"), kind_of("birth_date"), kind_of("grade")) == (BANK, BIRTH, None)
    assert kind_of(3) is None
    assert (kind_of("household.phone"), kind_of("student.birth_date"), kind_of("school.name")) == (PHONE, BIRTH, None)
