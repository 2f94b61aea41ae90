"""Unit tests for app.services.validation: pure functions, no app and no database."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.services.validation import (
    IdInfo,
    InvalidValue,
    age_on,
    id_check_char,
    make_id_number,
    normalize_id_number,
    normalize_phone,
    normalize_student_no,
    parse_id_number,
    parse_money,
)

# Reference day for every age-dependent test: the start of a school year.
TODAY = date(2024, 9, 1)

# GB 11643 textbook example (born 1949-12-31, female): valid, but no pupil.
TEXTBOOK_ID = "11010519491231002X"
# Another classic example: born 1880-01-01, check character 4.
OLD_ID = "440524188001010014"
# Pupil IDs whose check characters were worked out by hand.
PUPIL_ID = "110105201603151232"  # born 2016-03-15, sequence 123 (odd: male), age 8
PUPIL_ID_2 = (
    "440305201311020422"  # born 2013-11-02, sequence 042 (even: female), age 10
)


def reference_check_char(first17: str) -> str:
    """Independent ISO 7064 MOD 11-2 formulation: weights 2^(17-i) mod 11, check = (12 - sum) mod 11."""
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def fullwidth(text: str) -> str:
    """Return text with every printable ASCII character replaced by its full-width form (U+FF01..U+FF5E)."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def refused(func, *args, **kwargs) -> InvalidValue:
    """Call func, assert it raises InvalidValue, and return the exception."""
    with pytest.raises(InvalidValue) as info:
        func(*args, **kwargs)
    return info.value


def birthday_n_years_before(day: date, years: int) -> date:
    """Return the date `years` years before `day` (Feb 29 falls back to Feb 28)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


# --- InvalidValue ---------------------------------------------------------


def test_invalid_value_carries_code_field_and_params():
    err = InvalidValue("id.check_char", "id_number", expected="X")
    assert isinstance(err, ValueError)
    assert (err.code, err.field, err.params) == (
        "id.check_char",
        "id_number",
        {"expected": "X"},
    )
    assert str(err) == "id_number: id.check_char (expected='X')"


# --- check character ------------------------------------------------------


@pytest.mark.parametrize("valid", [TEXTBOOK_ID, OLD_ID, PUPIL_ID, PUPIL_ID_2])
def test_id_check_char_of_known_numbers(valid):
    assert id_check_char(valid[:17]) == valid[17]
    assert reference_check_char(valid[:17]) == valid[17]


@pytest.mark.parametrize(
    "bad", ["1101051949123100", "110105194912310021", "1101051949123100X", ""]
)
def test_id_check_char_needs_17_digits(bad):
    assert refused(id_check_char, bad).code == "id.chars"


# --- normalize_id_number --------------------------------------------------


@pytest.mark.parametrize("valid", [TEXTBOOK_ID, OLD_ID])
def test_known_valid_ids_without_age_check(valid):
    assert normalize_id_number(valid, check_age=False, today=TODAY) == valid


def test_textbook_id_fails_the_pupil_age_check():
    err = refused(normalize_id_number, TEXTBOOK_ID, today=TODAY)
    assert (err.code, err.field, err.params) == ("id.age", "id_number", {"age": 74})


@pytest.mark.parametrize("valid", [PUPIL_ID, PUPIL_ID_2])
def test_pupil_ids_pass_all_rules(valid):
    assert normalize_id_number(valid, today=TODAY) == valid


def test_lower_case_x_and_surrounding_spaces_are_normalised():
    assert (
        normalize_id_number("  11010519491231002x \t", check_age=False) == TEXTBOOK_ID
    )


@pytest.mark.parametrize("blank", ["", "   ", None])
def test_empty_id_refused(blank):
    assert refused(normalize_id_number, blank).code == "id.empty"


@pytest.mark.parametrize("raw", [TEXTBOOK_ID[:17], TEXTBOOK_ID + "0", "1101051949"])
def test_wrong_length_refused(raw):
    err = refused(normalize_id_number, raw, check_age=False)
    assert err.code == "id.length"
    assert err.params == {"length": len(raw)}


@pytest.mark.parametrize(
    "raw",
    [
        "1101051949123100XX",  # X not last
        "11010519491231002Y",  # last neither digit nor X
        "11010519491231-02X",  # punctuation
        "110105 9491231002X",  # inner space
        "\u0661\u0661\u0660\u0661\u0660\u0665" + "19491231002X",  # Arabic-Indic digits
    ],
)
def test_non_digit_characters_refused(raw):
    assert refused(normalize_id_number, raw, check_age=False).code == "id.chars"


def test_wrong_check_char_reports_the_expected_one():
    err = refused(normalize_id_number, "110105194912310021", check_age=False)
    assert err.code == "id.check_char"
    assert err.params == {"expected": "X"}


def test_wrong_check_char_with_digit_expected():
    err = refused(normalize_id_number, PUPIL_ID[:17] + "X", today=TODAY)
    assert (err.code, err.params) == ("id.check_char", {"expected": "2"})


@pytest.mark.parametrize(
    "birth", ["20190230", "20191301", "20190000", "20190100", "00000101"]
)
def test_impossible_birth_dates_refused(birth):
    first17 = "110105" + birth + "123"
    raw = first17 + reference_check_char(
        first17
    )  # right check char: only the date is wrong
    assert refused(normalize_id_number, raw, check_age=False).code == "id.birth_date"


def test_leap_day_is_a_real_date():
    raw = make_id_number("110105", date(2016, 2, 29), 5)
    assert normalize_id_number(raw, today=TODAY) == raw


def test_future_birth_date_refused():
    raw = make_id_number("110105", date(2024, 9, 2), 1)
    assert (
        refused(normalize_id_number, raw, today=TODAY, check_age=False).code
        == "id.birth_date"
    )
    born_today = make_id_number("110105", TODAY, 1)
    assert normalize_id_number(born_today, today=TODAY, check_age=False) == born_today


def test_today_defaults_to_the_current_date():
    raw = make_id_number(
        "110105", date.today().replace(year=date.today().year + 1, day=1), 1
    )
    assert refused(normalize_id_number, raw, check_age=False).code == "id.birth_date"


def test_today_accepts_a_datetime():
    assert normalize_id_number(PUPIL_ID, today=datetime(2024, 9, 1, 8, 30)) == PUPIL_ID


@pytest.mark.parametrize(
    "raw",
    [
        fullwidth(TEXTBOOK_ID),  # all full-width
        TEXTBOOK_ID[:17] + fullwidth("X"),  # full-width X
        fullwidth("1") + TEXTBOOK_ID[1:],  # one full-width digit, right length
        "110105\u300019491231002X",  # ideographic space inside
    ],
)
def test_full_width_refused_before_anything_else(raw):
    assert refused(normalize_id_number, raw, check_age=False).code == "id.fullwidth"


def test_custom_field_name_is_reported():
    assert (
        refused(normalize_id_number, "123", field="guardian_id").field == "guardian_id"
    )


@pytest.mark.parametrize(
    ("years_before", "day_offset", "age"),
    [(5, 0, 5), (16, 1, 15), (15, 0, 15)],
)
def test_age_limits_accepted(years_before, day_offset, age):
    birth = birthday_n_years_before(TODAY, years_before)
    birth = date.fromordinal(birth.toordinal() + day_offset)
    assert age_on(birth, TODAY) == age
    raw = make_id_number("110105", birth, 10)
    assert normalize_id_number(raw, today=TODAY) == raw


@pytest.mark.parametrize(
    ("birth", "age"),
    [
        (date(2019, 9, 2), 4),  # turns 5 tomorrow
        (date(2020, 1, 1), 4),
        (date(2008, 9, 1), 16),  # turns 16 today
        (date(2000, 1, 1), 24),
    ],
)
def test_age_outside_5_to_15_refused(birth, age):
    raw = make_id_number("110105", birth, 10)
    err = refused(normalize_id_number, raw, today=TODAY)
    assert (err.code, err.params) == ("id.age", {"age": age})
    assert normalize_id_number(raw, today=TODAY, check_age=False) == raw


def test_age_boundaries_exactly():
    five_today = make_id_number("110105", date(2019, 9, 1), 10)
    fifteen_last_day = make_id_number("110105", date(2008, 9, 2), 10)
    assert normalize_id_number(five_today, today=TODAY) == five_today
    assert normalize_id_number(fifteen_last_day, today=TODAY) == fifteen_last_day


# --- parse_id_number / make_id_number ------------------------------------


def test_parse_textbook_id():
    assert parse_id_number("11010519491231002x") == IdInfo(
        address_code="110105", birth_date=date(1949, 12, 31), sex="F", sequence=2
    )


def test_parse_male_id():
    info = parse_id_number(PUPIL_ID)
    assert (info.sex, info.sequence, info.birth_date) == ("M", 123, date(2016, 3, 15))


def test_parse_refuses_invalid_ids():
    assert refused(parse_id_number, "110105194912310021").code == "id.check_char"


def test_id_info_is_frozen():
    info = parse_id_number(OLD_ID)
    with pytest.raises(AttributeError):
        info.sex = "F"  # type: ignore[misc]


def test_make_id_number_reproduces_known_numbers():
    assert make_id_number("110105", date(1949, 12, 31), 2) == TEXTBOOK_ID
    assert make_id_number("440524", date(1880, 1, 1), 1) == OLD_ID
    assert make_id_number("110105", date(2016, 3, 15), 123) == PUPIL_ID
    assert make_id_number("440305", date(2013, 11, 2), 42) == PUPIL_ID_2


@pytest.mark.parametrize(
    ("address", "birth", "sequence"),
    [
        ("11010", date(2016, 1, 1), 1),
        ("11010a", date(2016, 1, 1), 1),
        ("110105", date(2016, 1, 1), 1000),
        ("110105", date(2016, 1, 1), -1),
        ("110105", date(2016, 1, 1), True),
        ("110105", "20160101", 1),
        ("110105", date(999, 1, 1), 1),
    ],
)
def test_make_id_number_refuses_bad_parts(address, birth, sequence):
    with pytest.raises(ValueError, match=r"address_code|sequence|birth"):
        make_id_number(address, birth, sequence)


address_codes = st.from_regex(r"\A[0-9]{6}\Z")
birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))
sequences = st.integers(min_value=0, max_value=999)
FAR_FUTURE = date(2100, 1, 1)


@given(address_codes, birth_dates, sequences)
def test_made_ids_are_valid_and_round_trip(address, birth, sequence):
    raw = make_id_number(address, birth, sequence)
    assert len(raw) == 18
    assert raw[17] == reference_check_char(raw[:17])
    assert normalize_id_number(raw, today=FAR_FUTURE, check_age=False) == raw
    assert normalize_id_number(raw.lower(), today=FAR_FUTURE, check_age=False) == raw
    if birth <= date.today():
        info = parse_id_number(raw)
        assert info == IdInfo(address, birth, "M" if sequence % 2 else "F", sequence)
        assert make_id_number(info.address_code, info.birth_date, info.sequence) == raw


@given(address_codes, birth_dates, sequences, st.integers(0, 16), st.integers(1, 9))
def test_changing_any_one_digit_is_detected(address, birth, sequence, position, shift):
    raw = make_id_number(address, birth, sequence)
    new_digit = str((int(raw[position]) + shift) % 10)
    mutated = raw[:position] + new_digit + raw[position + 1 :]
    assert mutated != raw
    assert id_check_char(mutated[:17]) != raw[17]
    with pytest.raises(InvalidValue):
        normalize_id_number(mutated, today=FAR_FUTURE, check_age=False)


# --- normalize_student_no -------------------------------------------------


def test_student_no_g_form():
    assert normalize_student_no("G" + PUPIL_ID, today=TODAY) == "G" + PUPIL_ID
    assert (
        normalize_student_no(" g" + PUPIL_ID_2 + " ", today=TODAY) == "G" + PUPIL_ID_2
    )


def test_student_no_g_form_matches_given_id():
    assert (
        normalize_student_no("G" + PUPIL_ID, id_number=PUPIL_ID, today=TODAY)
        == "G" + PUPIL_ID
    )


def test_student_no_g_form_with_lower_x_matches():
    raw = make_id_number("110105", date(2015, 5, 5), 18)
    assert raw.endswith("X")  # chosen so the check character is X
    lower = raw.lower()
    assert normalize_student_no("g" + lower, id_number=lower, today=TODAY) == "G" + raw


def test_student_no_g_form_mismatch():
    err = refused(
        normalize_student_no, "G" + PUPIL_ID, id_number=PUPIL_ID_2, today=TODAY
    )
    assert (err.code, err.field) == ("student_no.mismatch", "student_no")


def test_student_no_g_form_surfaces_id_codes_with_its_field():
    err = refused(normalize_student_no, "G" + PUPIL_ID[:17] + "X", today=TODAY)
    assert (err.code, err.field, err.params) == (
        "id.check_char",
        "student_no",
        {"expected": "2"},
    )


def test_student_no_g_form_applies_the_age_check():
    err = refused(normalize_student_no, "G" + TEXTBOOK_ID, today=TODAY)
    assert (err.code, err.field) == ("id.age", "student_no")


def test_student_no_j_form_has_no_age_check():
    assert normalize_student_no("J" + TEXTBOOK_ID, today=TODAY) == "J" + TEXTBOOK_ID
    assert normalize_student_no("j11010519491231002x", today=TODAY) == "J" + TEXTBOOK_ID


def test_student_no_j_form_ignores_id_number():
    assert (
        normalize_student_no("J" + OLD_ID, id_number=PUPIL_ID, today=TODAY)
        == "J" + OLD_ID
    )


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("J110105194912310021", "id.check_char"),
        (
            "J"
            + "110105"
            + "20190230"
            + "123"
            + reference_check_char("11010520190230123"),
            "id.birth_date",
        ),
        ("J" + make_id_number("110105", date(2025, 1, 1), 1), "id.birth_date"),
        ("J1101051949123100XX", "id.chars"),
    ],
)
def test_student_no_j_form_invalid(raw, code):
    err = refused(normalize_student_no, raw, today=TODAY)
    assert (err.code, err.field) == (code, "student_no")


def test_student_no_l_form():
    assert (
        normalize_student_no("L110105201603151234", today=TODAY)
        == "L110105201603151234"
    )
    assert (
        normalize_student_no("l440305201311020001", today=TODAY)
        == "L440305201311020001"
    )


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("L110105201602301234", "id.birth_date"),
        ("L110105202509011234", "id.birth_date"),
        ("L11010520160315123X", "student_no.format"),
        ("L11010520160315123", "student_no.format"),
        ("L1101052016031512345", "student_no.format"),
    ],
)
def test_student_no_l_form_invalid(raw, code):
    assert refused(normalize_student_no, raw, today=TODAY).code == code


@pytest.mark.parametrize(
    "raw",
    [
        PUPIL_ID,  # no prefix
        "X" + PUPIL_ID,  # unknown prefix
        "G" + PUPIL_ID + "1",  # too long
        "G" + PUPIL_ID[:17],  # too short
        "G " + PUPIL_ID,  # space after the prefix
        "abc",
    ],
)
def test_student_no_bad_format(raw):
    err = refused(normalize_student_no, raw, today=TODAY)
    assert (err.code, err.field) == ("student_no.format", "student_no")


@pytest.mark.parametrize("blank", ["", "  ", None])
def test_student_no_empty(blank):
    assert refused(normalize_student_no, blank).code == "student_no.empty"


@pytest.mark.parametrize(
    "raw",
    [
        fullwidth("G") + PUPIL_ID,
        "G" + PUPIL_ID[:17] + fullwidth("X"),
        "L" + fullwidth("1") + "10105201603151234",
    ],
)
def test_student_no_full_width_refused(raw):
    err = refused(normalize_student_no, raw, today=TODAY)
    assert (err.code, err.field) == ("id.fullwidth", "student_no")


# --- normalize_phone ------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800138000", "13800138000"),
        ("199 1234 5678", "19912345678"),
        (" 15012345678 ", "15012345678"),
        ("010-12345678", "010-12345678"),
        ("0755-1234567", "0755-1234567"),
        ("0755-12345678-1234", "0755-12345678-1234"),
        ("021 - 6543 2100", "021-65432100"),
    ],
)
def test_phone_accepted(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "12800138000",  # second digit 2
        "1380013800",  # 10 digits
        "138001380001",  # 12 digits
        "+8613800138000",
        fullwidth("13800138000"),
        "13800138000\u3000",  # ideographic space
        "010-123456",  # local number too short
        "010-123456789",  # too long
        "10-12345678",  # area code without leading 0
        "01012345678",  # fixed line without dash
        "0755-1234567-",  # empty extension
        "0755-1234567-1234567",  # extension too long
        "tel:13800138000",
        None,
    ],
)
def test_phone_refused(raw):
    err = refused(normalize_phone, raw)
    assert (err.code, err.field) == ("phone.format", "phone")


def test_phone_custom_field():
    assert (
        refused(normalize_phone, "123", field="guardian_phone").field
        == "guardian_phone"
    )


# --- parse_money ----------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1250", "1250.00"),
        ("1,250.00", "1250.00"),
        ("312.5", "312.50"),
        (" 625.00 ", "625.00"),
        ("+8", "8.00"),
        ("1,234,567.89", "1234567.89"),
        (1250, "1250.00"),
        (Decimal("0.01"), "0.01"),
        (Decimal("3.000"), "3.00"),  # trailing zeros only: exact, no rounding
        (Decimal("1E+3"), "1000.00"),
        ("999999999999.99", "999999999999.99"),
    ],
)
def test_money_accepted(raw, expected):
    value = parse_money(raw)
    assert isinstance(value, Decimal)
    assert str(value) == expected


@pytest.mark.parametrize(
    "raw",
    [
        1250.0,  # float: never trusted for money
        0.1,
        True,
        "",
        "abc",
        "12.5.0",
        "1,25,0",
        "1e3",
        "NaN",
        "12元",
        fullwidth("1250"),
        Decimal("NaN"),
        Decimal("Infinity"),
        Decimal("-Infinity"),
        None,
        [1250],
    ],
)
def test_money_format_refused(raw):
    err = refused(parse_money, raw)
    assert (err.code, err.field) == ("money.format", "amount")


@pytest.mark.parametrize(
    "raw", ["312.505", Decimal("0.001"), "1,250.001", Decimal("1.0001")]
)
def test_money_more_than_two_places_refused(raw):
    assert refused(parse_money, raw).code == "money.places"


@pytest.mark.parametrize(
    "raw", [0, "0", "0.00", Decimal(0), "-1", -5, Decimal("-0.01")]
)
def test_money_zero_and_negative_refused(raw):
    assert refused(parse_money, raw).code == "money.positive"


@pytest.mark.parametrize("raw", [0, "0.00", "-0", Decimal("-0.00")])
def test_money_allow_zero(raw):
    value = parse_money(raw, allow_zero=True)
    assert str(value) == "0.00"


def test_money_allow_zero_still_refuses_negative():
    assert refused(parse_money, "-0.01", allow_zero=True).code == "money.positive"


@pytest.mark.parametrize(
    "raw", ["1000000000000", 10**12, Decimal("1E+12"), "1,000,000,000,000.00", 10**40]
)
def test_money_too_large(raw):
    assert refused(parse_money, raw).code == "money.too_large"


def test_money_custom_field():
    assert refused(parse_money, 1.5, "subsidy").field == "subsidy"


money_in_range = st.decimals(
    min_value=Decimal("0.01"),
    max_value=Decimal("999999999999.99"),
    places=2,
    allow_nan=False,
)


@given(money_in_range)
def test_money_with_two_places_parses_to_itself(value):
    assert parse_money(value) == value
    assert parse_money(str(value)) == value
    assert parse_money(f"{value:,}") == value
    assert parse_money(value).as_tuple().exponent == -2


@given(money_in_range, st.integers(min_value=1, max_value=9))
def test_money_third_place_is_never_rounded(value, third):
    with pytest.raises(InvalidValue) as info:
        parse_money(value + Decimal(third) / 1000)
    assert info.value.code == "money.places"


def test_fullwidth_helper_makes_full_width_text():
    assert fullwidth("1X") == "\uff11\uff38"
