"""Working days for notice periods and objection deadlines."""
from datetime import date

import pytest

from app.services.workdays import add_working_days, is_working_day, next_working_day, working_days_between

NATIONAL_DAY = frozenset(date(2026, 10, d) for d in range(1, 8))
MAKE_UP = frozenset({date(2026, 10, 10)})  # a Saturday worked (调休)


def test_five_working_days_from_a_monday_end_on_friday():
    assert add_working_days(date(2026, 11, 23), 5) == date(2026, 11, 27)


def test_a_period_starting_on_saturday_begins_on_monday():
    assert add_working_days(date(2026, 11, 28), 1) == date(2026, 11, 30)


def test_holidays_are_skipped_and_make_up_days_count():
    # from Wed 30 Sept: 30 Sept, then the holiday week, then Thu 8, Fri 9, Sat 10 (make-up), Mon 12
    assert add_working_days(date(2026, 9, 30), 5, NATIONAL_DAY, MAKE_UP) == date(2026, 10, 12)
    assert is_working_day(date(2026, 10, 10), NATIONAL_DAY, MAKE_UP)
    assert not is_working_day(date(2026, 10, 5), NATIONAL_DAY, MAKE_UP)
    assert next_working_day(date(2026, 10, 1), NATIONAL_DAY) == date(2026, 10, 8)


def test_working_days_between_counts_both_ends():
    assert working_days_between(date(2026, 11, 23), date(2026, 11, 29)) == 5
    assert working_days_between(date(2026, 11, 29), date(2026, 11, 23)) == 0


def test_a_period_needs_at_least_one_day():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 11, 23), 0)
