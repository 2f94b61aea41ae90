"""Working days from both sides: holidays and make-up days wherever a period starts, ends or is counted."""
from datetime import date

import pytest

from app.services.workdays import add_working_days, is_working_day, next_working_day, working_days_between

NATIONAL_DAY = frozenset(date(2026, 10, d) for d in range(1, 8))  # Thu 1 – Wed 7 October
MAKE_UP = frozenset({date(2026, 10, 10)})  # Saturday 10 October is worked (调休)
MONDAY = date(2026, 11, 23)


def test_weekdays_work_and_weekends_rest():
    assert [is_working_day(date(2026, 11, d)) for d in range(23, 30)] == [True] * 5 + [False] * 2


def test_a_holiday_rests_and_a_make_up_day_works():
    assert not is_working_day(date(2026, 10, 1), NATIONAL_DAY)
    assert is_working_day(date(2026, 10, 1))
    assert is_working_day(date(2026, 10, 10), NATIONAL_DAY, MAKE_UP)
    assert not is_working_day(date(2026, 10, 10), NATIONAL_DAY)


def test_next_working_day_is_the_day_itself_when_it_works():
    assert next_working_day(MONDAY) == MONDAY
    assert next_working_day(date(2026, 10, 10), NATIONAL_DAY, MAKE_UP) == date(2026, 10, 10)
    assert next_working_day(date(2026, 11, 28)) == date(2026, 11, 30)


def test_a_period_that_starts_on_a_holiday_begins_after_it():
    assert add_working_days(date(2026, 10, 1), 1, NATIONAL_DAY) == date(2026, 10, 8)
    assert add_working_days(date(2026, 10, 1), 1) == date(2026, 10, 1)


def test_a_period_that_starts_on_a_make_up_day_begins_on_it():
    assert add_working_days(date(2026, 10, 10), 1, NATIONAL_DAY, MAKE_UP) == date(2026, 10, 10)
    assert add_working_days(date(2026, 10, 10), 2, NATIONAL_DAY, MAKE_UP) == date(2026, 10, 12)
    assert add_working_days(date(2026, 10, 10), 1, NATIONAL_DAY) == date(2026, 10, 12)


def test_a_period_of_n_days_counts_n_working_days():
    assert add_working_days(MONDAY, 1) == MONDAY
    assert add_working_days(MONDAY, 2) == date(2026, 11, 24)
    assert add_working_days(MONDAY, 6) == date(2026, 11, 30)


@pytest.mark.parametrize("count", [0, -1])
def test_a_period_needs_at_least_one_day(count):
    with pytest.raises(ValueError, match="^count must be at least 1$"):
        add_working_days(MONDAY, count)


def test_working_days_between_counts_a_single_day_and_both_ends():
    assert working_days_between(MONDAY, MONDAY) == 1
    assert working_days_between(date(2026, 11, 28), date(2026, 11, 28)) == 0
    assert working_days_between(MONDAY, date(2026, 11, 24)) == 2
    assert working_days_between(date(2026, 11, 24), MONDAY) == 0


def test_working_days_between_leaves_out_holidays_and_counts_make_up_days():
    first, last = date(2026, 9, 30), date(2026, 10, 12)
    assert working_days_between(first, last) == 9
    assert working_days_between(first, last, NATIONAL_DAY) == 4  # 30 Sept, 8, 9 and 12 October
    assert working_days_between(first, last, NATIONAL_DAY, MAKE_UP) == 5
