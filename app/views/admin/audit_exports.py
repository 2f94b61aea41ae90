"""Reading the audit summaries of exports and jobs: a list's export, a statistical report's, a job's step.

They are stored as codes and data (app/reports/list_export.py, app/reports/statistics.py, app/jobs/*) and put
in words here, in the reader's language: the list by its title, the report by its title with its term and
school, a job kind by its label and its status by its label. Older events, written before the row count
and the term were stored, read as they can.
"""
import re

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.jobs.kinds import KINDS
from app.labels import enum_label
from app.models import JobStatus
from app.reports.statistics import TITLES

LIST = re.compile(r"list (?P<view>\w+View)(?: \((?P<title>[^)]*)\))?(?: (?P<rows>\d+) rows)?: ?(?P<filters>.*)", re.S)
REPORT = re.compile(rf"(?P<key>{'|'.join(TITLES)}) (?P<how>xlsx|print)(?:, job (?P<job>\d+))?"
                    r"(?:, (?P<rows>\d+) rows: (?P<term>.*?) \| (?P<school>.*))?", re.S)
JOB = re.compile(r"(?P<kind>[a-z_]+): (?P<what>.*)", re.S)
HOW = {"xlsx": _l("Excel file"), "print": _l("printed")}
# what the list exports' approval steps say after the kind (app/commands/list_exports.py)
JOB_STEPS = (
    (re.compile(r"waiting for the district's approval \((?P<n>\w+) rows\)"),
     _l("waiting for the district's approval (%(n)s rows)")),
    (re.compile(r"not approved within (?P<n>\d+) days, expired"), _l("not approved within %(n)s days, expired")),
    (re.compile(r"approved"), _l("approved")),
    (re.compile(r"started"), _l("started")),
    (re.compile(r"cancel requested"), _l("cancel requested")),
)


def _list_title(name: str, stored: str | None) -> str:
    """The title of the list view called `name` in the reader's language; else as stored, else the name."""
    for view in current_app.appbuilder.baseviews:
        if type(view).__name__ == name and getattr(view, "list_title", None):
            return str(view.list_title)
    return stored or name


def _list(found: re.Match) -> str:
    """`list <view> <rows> rows: <filters>` (older: `list <view> (<title>): <filters>`) in words."""
    title = _list_title(found["view"], found["title"])
    filters = found["filters"] or gettext("no filter")
    if found["rows"] is None:
        return gettext("Exported the list “%(title)s”, filter: %(filters)s", title=title, filters=filters)
    return gettext("Exported the list “%(title)s”, %(n)s rows, filter: %(filters)s", title=title,
                   n=found["rows"], filters=filters)


def _report(found: re.Match) -> str:
    """`<report> <how>[, job <id>], <rows> rows: <term> | <school>` (older: `<report> <how>[, job <id>]`)."""
    how = str(HOW[found["how"]])
    if found["job"]:
        how = gettext("%(how)s, background job %(id)s", how=how, id=found["job"])
    title = str(TITLES[found["key"]])
    if found["rows"] is None:
        return gettext("Report “%(title)s” (%(how)s)", title=title, how=how)
    if found["key"] == "funds_use":
        period = gettext("every term")
    elif found["key"] == "aid_summary":
        period = gettext("School year %(year)s", year=found["term"])
    else:
        period = found["term"]
    return gettext("Report “%(title)s” (%(how)s), %(period)s, %(schools)s, %(n)s rows", title=title, how=how,
                   period=period, schools=found["school"] or gettext("All schools in your scope"), n=found["rows"])


def _job(found: re.Match, words) -> str | None:
    """`<kind>: <status or step>` of a known job kind: its label and the status's; None for another code."""
    kind = KINDS.get(found["kind"])
    if kind is None:
        return None
    what = found["what"]
    if what in {status.value for status in JobStatus}:
        what = enum_label(JobStatus(what))
    else:
        for pattern, label in JOB_STEPS:
            step = pattern.fullmatch(what)
            if step is not None:
                what = str(label) % step.groupdict()
                break
        else:
            what = words(what)
    return gettext("%(kind)s: %(what)s", kind=str(kind.label), what=what)


def format_export(text: str, words) -> str | None:
    """The summary of a list's or a report's export, or a job's step, in words; None for any other summary.
    `words(text)` puts the codes of any other text in words."""
    if (found := LIST.fullmatch(text)) is not None:
        return _list(found)
    if (found := REPORT.fullmatch(text)) is not None:
        return _report(found)
    if (found := JOB.fullmatch(text)) is not None:
        return _job(found, words)
    return None
