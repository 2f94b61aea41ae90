"""Plain values from posted forms and query strings: dates and ids, for the custom pages."""
from datetime import date

from flask_babel import lazy_gettext as _l

NOT_A_DATE = _l("is not a valid date (YYYY-MM-DD)")


def parse_date(form, field: str, errors: dict) -> date | None:
    """The ISO date in `form[field]`; an unreadable one is noted in `errors` (empty → None)."""
    text = (form.get(field) or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[field] = [NOT_A_DATE]
        return None


def parse_id(value) -> int | None:
    """An id from a form or query string (None when missing or not a number)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
