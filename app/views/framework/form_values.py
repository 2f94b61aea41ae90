"""Plain values from posted forms and query strings: dates and ids, for the custom pages."""
from datetime import date

from flask_babel import lazy_gettext as _l

from app.messages import reason_message
from app.services.validation import InvalidValue
from app.services.value_checks import check_date

NOT_A_DATE = _l("is not a valid date (YYYY-MM-DD)")
MAX_ID = 2**31 - 1  # ids are INTEGER columns; a larger number names no row (and overflows SQLite past 2^63)


def parse_date(form, field: str, errors: dict) -> date | None:
    """The ISO date in `form[field]`, 1900 to 2100; an unreadable or absurd one goes to `errors` (empty → None)."""
    text = (form.get(field) or "").strip()
    if not text:
        return None
    try:
        return check_date(date.fromisoformat(text), field)
    except InvalidValue as err:
        errors[field] = [reason_message(err.code, **err.params)]
    except ValueError:
        errors[field] = [NOT_A_DATE]
    return None


def parse_id(value) -> int | None:
    """An id (or page number) from a form or query string: None when missing, not a number or out of range."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 <= number <= MAX_ID else None
