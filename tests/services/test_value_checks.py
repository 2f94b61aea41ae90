"""The bounds every stored value keeps (app/services/value_checks.py), from both sides."""
from datetime import date, datetime
from decimal import Decimal

import pytest

from app.services.validation import InvalidValue
from app.services.value_checks import (
    check_birth_date,
    check_date,
    check_digits,
    check_grade,
    check_int,
    check_school_year_name,
    check_year,
    clean_text,
    int_bounds,
)


def _code(fn, *args, **kw) -> str:
    with pytest.raises(InvalidValue) as err:
        fn(*args, **kw)
    return err.value.code


def test_text_is_stripped_and_kept_when_clean():
    assert clean_text("  王小丫\u3000", "name", max_length=32) == "王小丫"
    assert clean_text("Zoë·阿依古丽 😀", "name", max_length=32) == "Zoë·阿依古丽 😀"


@pytest.mark.parametrize("raw", ["a\x00b", "a\x07b", "a\x1bb", "\x1f", "a\x7fb", "a\ud800b", "a\u2028b", "a\x0bb",
                                 "\u200b", "王\u202e丫", "\ufeff王", "a\u2066b"])
def test_text_with_control_characters_is_refused(raw):
    assert _code(clean_text, raw, "notes", max_length=100, multiline=True) == "text.control"


def test_single_line_text_refuses_inner_line_breaks_and_tabs_but_strips_them_at_the_ends():
    assert _code(clean_text, "a\nb", "name", max_length=32) == "text.control"
    assert _code(clean_text, "a\tb", "name", max_length=32) == "text.control"
    assert clean_text("\tab\r\n", "name", max_length=32) == "ab"


def test_multi_line_text_keeps_line_breaks_and_tabs_and_normalises_line_ends():
    assert clean_text("一\r\n二\r三\n\t四", "notes", max_length=100, multiline=True) == "一\n二\n三\n\t四"


def test_text_length_is_bounded_after_stripping():
    assert clean_text(" " + "x" * 32 + " ", "name", max_length=32) == "x" * 32
    with pytest.raises(InvalidValue) as err:
        clean_text("x" * 33, "name", max_length=32)
    assert err.value.code == "text.too_long" and err.value.params == {"max": 32}


def test_dates_from_1900_to_2100_pass_and_others_are_refused():
    assert check_date(date(1900, 1, 1), "d") == date(1900, 1, 1)
    assert check_date(date(2100, 12, 31), "d") == date(2100, 12, 31)
    assert check_date(datetime(2026, 1, 1, 12), "d") == datetime(2026, 1, 1, 12)
    for bad in (date(1, 1, 1), date(1899, 12, 31), date(2101, 1, 1), datetime(9999, 1, 1)):
        assert _code(check_date, bad, "d") == "date.range"


def test_birth_date_may_be_today_but_not_tomorrow_nor_before_1900():
    today = date(2026, 12, 6)
    assert check_birth_date(today, "birth_date", today=today) == today
    assert check_birth_date(date(1900, 1, 1), "birth_date", today=today) == date(1900, 1, 1)
    assert _code(check_birth_date, date(2026, 12, 7), "birth_date", today=today) == "date.future"
    assert _code(check_birth_date, date(1899, 12, 31), "birth_date", today=today) == "date.range"


@pytest.mark.parametrize(("value", "ok"), [(0, False), (1, True), (6, True), (7, False), (-1, False), (40000, False)])
def test_grade_is_one_to_six(value, ok):
    if ok:
        assert check_grade(value) == value
    else:
        assert _code(check_grade, value) == "number.range"


def test_years_run_from_1900_to_the_given_latest():
    assert check_year(1900, "y") == 1900 and check_year(2100, "y") == 2100
    assert check_year(2026, "birth_year", latest=2026) == 2026
    for bad, latest in ((1899, 2100), (2101, 2100), (40000, 2100), (2027, 2026)):
        assert _code(check_year, bad, "y", latest=latest) == "number.range"


def test_whole_numbers_stay_within_the_database_integer():
    low, high = int_bounds(32)
    assert (low, high) == (-(2**31), 2**31 - 1)
    assert int_bounds(16) == (-32768, 32767)
    assert check_int(high, "n", low=low, high=high) == high
    assert _code(check_int, high + 1, "n", low=low, high=high) == "number.range"
    assert _code(check_int, 2**64, "n", low=low, high=high) == "number.range"


def test_amounts_fit_their_numeric_column():
    assert check_digits(Decimal("999999999999.99"), "amount", precision=14, scale=2)
    assert _code(check_digits, Decimal("1000000000000"), "amount", precision=14, scale=2) == "number.too_large"
    assert _code(check_digits, Decimal("-1E+20"), "amount", precision=14, scale=2) == "number.too_large"


def test_school_year_names_are_two_consecutive_years():
    assert check_school_year_name(" 2026-2027 ") == "2026-2027"
    assert check_school_year_name("1900-1901") == "1900-1901"
    for bad in ("40000-40001", "2026-2028", "2026", "2026—2027", "1899-1900", "2100-2101", "２０２６-２０２７"):
        assert _code(check_school_year_name, bad) == "school_year.format"
