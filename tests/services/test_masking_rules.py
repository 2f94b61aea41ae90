"""Masks from both sides: how much of each kind of value stays visible, what is left alone, when a reveal is allowed."""
import re

import pytest

from app.services.masking import (
    BANK,
    BIRTH,
    ID,
    PHONE,
    STUDENT_NO,
    check_reveal_reason,
    is_sensitive_column,
    kind_of,
    mask,
    mask_bank_account,
    mask_birth_date,
    mask_column,
    mask_id_number,
    mask_phone,
    mask_student_no,
)
from app.services.validation import InvalidValue

ID_NUMBER = "990101201703010136"


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


@pytest.mark.parametrize("account", ["6217990000000001234", "6217 9900 0000 0001 234", "62179900001234"])
def test_a_bank_account_shows_only_its_last_four_digits(account):
    masked = mask_bank_account(account)
    assert masked == "**** **** **** 1234"
    assert _digits(masked) == "1234"


@pytest.mark.parametrize("account, masked", [("12345", "**** **** **** 2345"), ("1234", "****"), ("123", "***")])
def test_a_short_bank_account_shows_four_digits_at_most_and_never_all_of_them(account, masked):
    assert mask_bank_account(account) == masked


@pytest.mark.parametrize("phone", ["13800138000", "138 0013 8000"])
def test_a_mobile_phone_shows_exactly_its_first_three_and_last_four_digits(phone):
    masked = mask_phone(phone)
    assert masked == "138****8000"
    assert _digits(masked) == "1388000" and len(masked) == 11


@pytest.mark.parametrize("phone, masked", [
    ("057188001234", "********1234"),  # a landline: the last four only
    ("1380013800X", "*******800X"),  # eleven characters but not all digits: not a mobile
    ("12345", "*2345"),
    ("1234", "****"),
    ("12", "**"),
])
def test_any_other_phone_shows_its_last_four_at_most(phone, masked):
    assert mask_phone(phone) == masked


def test_an_id_number_shows_its_first_four_and_last_two_characters():
    masked = mask_id_number(ID_NUMBER)
    assert masked == "9901" + "*" * 12 + "36"
    assert len(masked) == len(ID_NUMBER) and "20170301" not in masked


@pytest.mark.parametrize("value, masked", [("12345678", "********"), ("123456789", "1234***89"), ("", "")])
def test_a_short_id_number_hides_more_not_less(value, masked):
    assert mask_id_number(value) == masked


@pytest.mark.parametrize("prefix", ["G", "J", "L", "g"])
def test_a_student_number_keeps_its_letter_and_masks_the_id_number_in_it(prefix):
    assert mask_student_no(prefix + ID_NUMBER) == prefix + mask_id_number(ID_NUMBER)


@pytest.mark.parametrize("value, masked", [
    ("X" + ID_NUMBER, mask_id_number("X" + ID_NUMBER)),  # not a 学籍号 letter: masked as a whole
    (ID_NUMBER, mask_id_number(ID_NUMBER)),
    ("G123456789", "G1234***89"),
    ("G12345678", "G123***78"),  # too short to keep its letter apart: masked as a whole
    ("G1234567", "********"),
])
def test_other_student_numbers_are_masked_as_a_whole(value, masked):
    assert mask_student_no(value) == masked


@pytest.mark.parametrize("value, masked", [("2016-03-01", "2016"), (" 2016-03-01", "2016"), ("三月一日", "****")])
def test_a_birth_date_keeps_only_its_year(value, masked):
    assert mask_birth_date(value) == masked


@pytest.mark.parametrize("value", [None, "", True, False])
def test_nothing_to_mask_stays_as_it_is(value):
    assert mask(PHONE, value) is value


def test_mask_masks_every_kind_and_reads_non_text_values_as_text():
    assert mask(PHONE, 13800138000) == "138****8000"
    assert mask(BANK, "6217990000000001234") == "**** **** **** 1234"
    assert mask(ID, ID_NUMBER) == mask_id_number(ID_NUMBER)
    assert mask(STUDENT_NO, "G" + ID_NUMBER) == mask_student_no("G" + ID_NUMBER)
    assert mask(BIRTH, "2016-03-01") == "2016"


@pytest.mark.parametrize("column, kind", [
    ("id_number", ID), ("guardian_id_number", ID), ("mother_id_number", ID), ("student_no", STUDENT_NO),
    ("bank_account", BANK), ("payee_bank_account", BANK), ("phone", PHONE), ("contact_phone", PHONE),
    ("birth_date", BIRTH), ("father_birth_date", BIRTH),
])
def test_sensitive_columns_are_known_by_name_or_ending(column, kind):
    assert kind_of(column) == kind and is_sensitive_column(column)


@pytest.mark.parametrize("column", ["name", "telephone_count", "id", "phones", "birth_year", None, 5])
def test_other_columns_are_not_sensitive(column):
    assert kind_of(column) is None and not is_sensitive_column(column)


def test_mask_column_masks_sensitive_columns_only():
    assert mask_column("phone", "13800138000") == "138****8000"
    assert mask_column("payee_bank_account", "6217990000000001234") == "**** **** **** 1234"
    assert mask_column("guardian_name", "13800138000") == "13800138000"


@pytest.mark.parametrize("reason", ["核对开户", "abcd", "  abcd  ", "与国家系统核对"])
def test_a_reveal_reason_of_four_characters_or_more_is_accepted(reason):
    assert check_reveal_reason(reason) == reason.strip()


@pytest.mark.parametrize("reason", ["核对信", "abc", "  abc  ", "   ", "", None])
def test_a_reveal_reason_under_four_characters_is_refused(reason):
    with pytest.raises(InvalidValue) as err:
        check_reveal_reason(reason)
    assert (err.value.code, err.value.field) == ("reveal.reason", "reason")
