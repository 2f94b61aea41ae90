"""Checks every column gets from its type: text cleaned and bounded, dates, whole numbers and amounts in range."""
from datetime import date
from decimal import Decimal
from functools import cache

from sqlalchemy import BigInteger, Date, DateTime, Enum, Integer, Numeric, SmallInteger, String, Text
from sqlalchemy import inspect as sa_inspect

from app.services.value_checks import (
    MAX_TEXT_LENGTH,
    check_date,
    check_digits,
    check_int,
    clean_text,
    int_bounds,
)

INT_BITS = ((SmallInteger, 16), (BigInteger, 64), (Integer, 32))  # subclasses before Integer


def _text_check(column, key):
    """Strip, no control characters, at most the column's length (a Text column: MAX_TEXT_LENGTH)."""
    limit = column.type.length or MAX_TEXT_LENGTH
    multiline = isinstance(column.type, Text) or column.type.length is None

    def check(value):
        """Clean text; other values (None) pass through."""
        return clean_text(value, key, max_length=limit, multiline=multiline) if isinstance(value, str) else value

    return check


def _date_check(key):
    """A date or date-time between 1900-01-01 and 2100-12-31."""
    return lambda value: check_date(value, key) if isinstance(value, date) else value


def _int_check(column, key):
    """A whole number the database's integer type can hold (SmallInteger: 16 bits, Integer: 32)."""
    bits = next(b for kind, b in INT_BITS if isinstance(column.type, kind))
    low, high = int_bounds(bits)
    return lambda value: check_int(value, key, low=low, high=high) if isinstance(value, int) else value


def _numeric_check(column, key):
    """A number with no more digits before the point than Numeric(p, s) holds."""
    precision, scale = column.type.precision, column.type.scale or 0

    def check(value):
        """A Decimal within the column's digits; other values pass through."""
        if isinstance(value, Decimal) and precision:
            return check_digits(value, key, precision=precision, scale=scale)
        return value

    return check


def _check_for(column, key):
    """The type check of one column, None for types without bounds (enums, booleans, JSON)."""
    kind = column.type
    if isinstance(kind, Enum):
        return None
    if isinstance(kind, String):
        return _text_check(column, key)
    if isinstance(kind, (Date, DateTime)):
        return _date_check(key)
    if isinstance(kind, Integer):
        return _int_check(column, key)
    if isinstance(kind, Numeric):
        return _numeric_check(column, key)
    return None


@cache
def column_checks(model) -> dict:
    """{column key: check(value) → cleaned value} from each column's type; InvalidValue when refused."""
    checks = {}
    for attr in sa_inspect(model).column_attrs:
        check = _check_for(attr.columns[0], attr.key)
        if check is not None:
            checks[attr.key] = check
    return checks


@cache
def required_columns(model) -> frozenset:
    """Keys of the columns that may not be NULL: a blank text there is refused, elsewhere it becomes NULL."""
    return frozenset(attr.key for attr in sa_inspect(model).column_attrs if not attr.columns[0].nullable)
