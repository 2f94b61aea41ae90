"""The assessment queue's filters as its query string gives them (the reads: app/queries/applications.py)."""
from app.models import ApplicationStatus
from app.queries.applications import Filters


def parse_filters(args, default_term_id: int) -> Filters:
    """Filters from the query string; unknown values fall back to the defaults."""
    def number(key):
        text = (args.get(key) or "").strip()
        return int(text) if text.isdigit() else None

    status = args.get("status") or ""
    known = {s.value: s for s in ApplicationStatus}
    return Filters(term_id=number("term") or default_term_id, school_id=number("school"),
                   status=known.get(status), page=max(0, (number("page") or 1) - 1))
