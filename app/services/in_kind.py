"""Rules of aid in kind, with plain values: the canteen's month (days, the amount) and a distribution's value.

Nutrition is paid to the canteen as school days served × pupils fed × the daily rate, in whole cents and
exactly (Decimal, never a float). A distribution's value is what the pupils who received it were given:
quantity × the unit value, summed. Every amount stays below MONEY_LIMIT, what a Numeric(14,2) column holds.
"""
import calendar
import re
from datetime import date
from decimal import Decimal

from app.services.validation import MONEY_MAX_INTEGER_DIGITS

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MONEY_LIMIT = Decimal(10) ** MONEY_MAX_INTEGER_DIGITS  # an amount of money stays below it
_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-\d{1,2})?\s*$")


def month_start(value) -> date | None:
    """The first day of the month `value` names ('2026-09', '2026-09-15' or a date); None if it names none."""
    if isinstance(value, date):
        return value.replace(day=1)
    match = _MONTH.match(str(value or ""))
    if match is None:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    return date(year, month, 1) if 1 <= month <= 12 and 2000 <= year <= 2100 else None


def days_in_month(month: date) -> int:
    """How many days the month of `month` has."""
    return calendar.monthrange(month.year, month.month)[1]


def month_end(month: date) -> date:
    """The last day of the month of `month`."""
    return month.replace(day=days_in_month(month))


def overlaps(month: date, start: date, end: date) -> bool:
    """Whether the month of `month` shares a day with the period start..end."""
    return month.replace(day=1) <= end and month_end(month) >= start


def meal_amount(school_days: int, pupils: int, rate: Decimal) -> Decimal:
    """School days × pupils × the daily rate, exact in cents."""
    if school_days < 0 or pupils < 0 or rate < 0:
        raise ValueError("a meal record counts no negative days, pupils or rate")
    return (Decimal(school_days) * Decimal(pupils) * rate).quantize(CENT)


def line_value(quantity: int, unit_value: Decimal) -> Decimal:
    """What one pupil's line is worth: quantity × the unit value."""
    if quantity < 1 or unit_value < 0:
        raise ValueError("a line has a quantity of one or more and no negative value")
    return (Decimal(quantity) * unit_value).quantize(CENT)


def fits(amount: Decimal) -> bool:
    """Whether an amount can be recorded (below MONEY_LIMIT)."""
    return amount < MONEY_LIMIT


def received_total(lines) -> tuple[int, Decimal]:
    """(pupils who received it, the value they received) over (value, received) pairs."""
    count, total = 0, ZERO
    for value, received in lines:
        if received:
            count, total = count + 1, total + value
    return count, total
