"""The assessment queue's filters as its query string gives them (the reads: app/queries/applications.py)."""
import re

from app.models import ApplicationStatus
from app.queries.applications import NAME_MAX, Filters

GRADES = range(1, 7)  # 一年级 to 六年级
_CLASS_IN_GRADE = re.compile(r"^\s*(\d+)\s*年级\s*(\S+?)\s*$")  # 3年级2班, as class teachers' scopes are written


def parse_filters(args, default_term_id: int) -> Filters:
    """Filters from the query string; unknown values fall back to the defaults (no filter). A class
    may be written 2班, 2 (read as 2班) or 3年级2班 (the grade with it)."""
    def number(key):
        text = (args.get(key) or "").strip()
        return int(text) if text.isdigit() and len(text) < 10 else None

    status = args.get("status") or ""
    known = {s.value: s for s in ApplicationStatus}
    grade = number("grade")
    class_name = (args.get("class") or "").strip()[:16] or None
    found = _CLASS_IN_GRADE.match(class_name or "")
    if found:
        grade, class_name = int(found.group(1)), found.group(2)
    if class_name and class_name.isdigit():
        class_name += "班"
    name = (args.get("name") or "").strip()[:NAME_MAX + 1] or None
    return Filters(term_id=number("term") or default_term_id, school_id=number("school"),
                   status=known.get(status), page=max(0, (number("page") or 1) - 1),
                   grade=grade if grade in GRADES else None, class_name=class_name, name=name)
