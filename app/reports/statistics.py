"""The statistical reports (统计报表) as xlsx and as printable A4 pages: the aided pupils of a term (受助学生名单),
the approved identifications per school and tier (认定结果汇总), the aid per school, item and term
(资助统计汇总表) and the use of the fund accounts (资金使用情况表). Each has a title, a subtitle naming the term
and the schools, a header row (frozen, repeated on every printed page), its rows and a totals row summed as
Decimal (never a formula); the xlsx is written through app/reports/xlsx.py's Sheet like every list (print
set-up, formula-safe text, money to the fen). Every file and print is audited as an export with its row
count. Figures come from app/queries/statistics.py (SQL sums, scoped)."""
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

from flask import render_template
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.clock import local_time
from app.context import Context
from app.errors import NotFound
from app.labels import enum_label
from app.models import EntitlementStatus, School, Term
from app.queries import statistics as q
from app.reports.print_setup import is_landscape
from app.reports.xlsx import Column, Sheet
from app.security import audit
from app.security.scope import limit

KEYS = ("aided_pupils", "identification", "aid_summary", "funds_use")
TITLES = {"aided_pupils": _l("List of aided pupils"),
          "identification": _l("Summary of identification results"),
          "aid_summary": _l("Summary of aid statistics"),
          "funds_use": _l("Use of funds")}
ENTITY = "statistical_report"  # the audit trail's record type of a report's download or print


@dataclass
class Report:
    """A report ready to write: `chunks` yields lists of rows (lists of cells); `total()` is the totals row
    (its first cell the label), asked for once every chunk has been read."""

    key: str
    title: str
    subtitle: str
    columns: list[Column]
    chunks: Iterable[list[list]]
    total: Callable[[], list]
    meta: dict = field(default_factory=dict)


def titles() -> dict[str, str]:
    """The reports' titles, translated."""
    return {key: str(title) for key, title in TITLES.items()}


def descriptions() -> dict[str, str]:
    """What each report holds, for the reports page."""
    return {"aided_pupils": gettext("Every pupil entitled to aid in the term, item by item, with the amount "
                                    "entitled and the amount paid."),
            "identification": gettext("Approved identifications of the term per school and tier, with totals."),
            "aid_summary": gettext("Per school, aid item and term of the school year: pupils entitled and paid, "
                                   "amounts entitled and paid."),
            "funds_use": gettext("Per fund account and aid item, from the ledger: received, allocated, paid "
                                 "and remaining, over every term (the term chosen does not change it).")}


def _term_and_school(ctx: Context, term_id: int | None, school_id: int | None) -> tuple[Term, School | None]:
    term = ctx.session.get(Term, term_id) if term_id else None
    if term is None:
        raise NotFound(gettext("No such term."))
    school = None
    if school_id is not None:
        school = limit(ctx.session.query(School).filter(School.id == school_id), School, ctx.scope).first()
        if school is None:
            raise NotFound(gettext("No such school, or it is not yours."))
    return term, school


def _subtitle(ctx: Context, school: School | None, *, term: str | None = None, year: str | None = None) -> str:
    """Where and when: the term (or the school year; neither: every term), the schools, the day made."""
    where = school.name if school is not None else gettext("All schools in your scope")
    made = local_time(ctx.now).strftime("%Y-%m-%d")
    if year is not None:
        return gettext("School year: %(year)s    Schools: %(schools)s    Made on: %(date)s",
                       year=year, schools=where, date=made)
    if term is None:
        return gettext("Every term    Schools: %(schools)s    As of: %(date)s", schools=where, date=made)
    return gettext("Term: %(term)s    Schools: %(schools)s    Made on: %(date)s", term=term, schools=where, date=made)


def _aided(ctx: Context, term: Term, school: School | None) -> Report:
    totals = {"lines": 0, "pupils": 0, "last": None, "entitled": q.ZERO, "paid": q.ZERO}
    school_id = school.id if school else None
    labels = {status: enum_label(status) for status in EntitlementStatus}

    def chunks():
        for chunk in q.aided_pupils(ctx.session, ctx.scope, term.id, school_id):
            rows = []
            for p in chunk:
                totals["lines"] += 1
                if p.student_id != totals["last"]:  # a pupil's lines come together
                    totals["pupils"], totals["last"] = totals["pupils"] + 1, p.student_id
                totals["entitled"] += p.entitled
                totals["paid"] += p.paid
                rows.append([totals["lines"], p.school, p.grade, p.class_name, p.name, p.tier, p.item,
                             labels[p.status], p.entitled, p.paid])
            yield rows

    columns = [Column(gettext("Seq. no."), 6, "int"), Column(gettext("School"), 20),
               Column(gettext("Grade"), 6, "int"), Column(gettext("Class"), 8), Column(gettext("Pupil's name"), 10),
               Column(gettext("Aid tier"), 10), Column(gettext("Aid item"), 16), Column(gettext("Status"), 8),
               Column(gettext("Entitled (yuan)"), 12, "money"), Column(gettext("Paid (yuan)"), 12, "money")]
    return Report("aided_pupils", titles()["aided_pupils"], _subtitle(ctx, school, term=term.name), columns, chunks(),
                  lambda: [gettext("Total: %(n)s pupils", n=totals["pupils"]), *[""] * 7, totals["entitled"],
                           totals["paid"]],
                  {"count": q.aided_pupil_count(ctx.session, ctx.scope, term.id, school_id)})


def _identification(ctx: Context, term: Term, school: School | None) -> Report:
    found = q.identification_summary(ctx.session, ctx.scope, term.id, school.id if school else None)
    columns = [Column(gettext("School"), 24), *[Column(name, 10, "int") for name in found.tiers],
               Column(gettext("Total"), 10, "int")]
    rows = [[name, *counts, total] for name, counts, total in found.rows]
    return Report("identification", titles()["identification"], _subtitle(ctx, school, term=term.name), columns, [rows],
                  lambda: [gettext("Total"), *found.tier_totals, found.total], {"count": len(rows)})


def _aid_summary(ctx: Context, term: Term, school: School | None) -> Report:
    term_ids = q.school_year_terms(ctx.session, term.id)
    found = q.aid_summary(ctx.session, ctx.scope, term_ids, school.id if school else None)
    # a pupil aided in both terms (or with two items) is counted once per term and item: 人次, not 人数
    columns = [Column(gettext("School"), 20), Column(gettext("Aid item"), 16), Column(gettext("Term"), 14),
               Column(gettext("Pupil-times entitled"), 9, "int"),
               Column(gettext("Amount entitled (yuan)"), 13, "money"), Column(gettext("Pupil-times paid"), 9, "int"),
               Column(gettext("Paid to accounts (yuan)"), 13, "money"),
               Column(gettext("Paid in all, per the ledger (yuan)"), 14, "money")]
    rows = [[r.school, r.item, r.term, r.pupils_entitled, r.entitled, r.pupils_paid, r.paid_cash, r.paid_ledger]
            for r in found]

    def total():
        return [gettext("Total"), "", "", *[sum((row[i] for row in rows), q.ZERO if columns[i].kind == "money"
                                                else 0) for i in range(3, 8)]]

    year = term.school_year.name
    return Report("aid_summary", titles()["aid_summary"], _subtitle(ctx, school, year=year), columns, [rows],
                  total, {"count": len(rows), "period": gettext("School year %(year)s", year=year), "year": year})


def _funds_use(ctx: Context, term: Term, school: School | None) -> Report:
    found = q.funds_use(ctx.session, ctx.scope, school.id if school else None)
    columns = [Column(gettext("Fund account"), 24), Column(gettext("Source of funds"), 12),
               Column(gettext("Fiscal year"), 8, "int"), Column(gettext("Aid item"), 16),
               Column(gettext("Received (yuan)"), 13, "money"), Column(gettext("Allocated (yuan)"), 13, "money"),
               Column(gettext("Paid (yuan)"), 13, "money"), Column(gettext("Remaining (yuan)"), 13, "money")]
    rows = [[r.account, enum_label(r.source), r.fiscal_year, r.item if r.item is not None
             else gettext("(not allocated to schools)"), r.received, r.allocated, r.paid, r.remaining] for r in found]

    def total():
        return [gettext("Total"), "", "", "", *[sum((row[i] for row in rows), q.ZERO) for i in range(4, 8)]]

    made = local_time(ctx.now).strftime("%Y-%m-%d")
    return Report("funds_use", titles()["funds_use"], _subtitle(ctx, school), columns, [rows], total,
                  {"count": len(rows), "period": made, "term": None})


BUILDERS = {"aided_pupils": _aided, "identification": _identification, "aid_summary": _aid_summary,
            "funds_use": _funds_use}


def build(ctx: Context, key: str, term_id: int | None, school_id: int | None = None) -> Report:
    """The report `key` of the term, for the user's scope (or the school chosen in it)."""
    if key not in BUILDERS:
        raise NotFound(gettext("No such report."))
    term, school = _term_and_school(ctx, term_id, school_id)
    report = BUILDERS[key](ctx, term, school)
    report.meta.setdefault("term", term.name)  # what the report covers, for its file's name and its audit
    report.meta.setdefault("period", term.name)
    report.meta.update(term_id=term.id, school=school.name if school is not None else None)
    return report


def file_name(report: Report) -> str:
    """The download's (Chinese) name: the title, the term (the school year; the day made for the use of funds,
    which covers every term) and the school when one is chosen."""
    parts = (report.title, report.meta.get("period"), report.meta.get("school"))
    return "-".join(part for part in parts if part) + ".xlsx"


# writing ------------------------------------------------------------------------------------------------

def write_xlsx(report: Report, target: BytesIO | Path, *, tmpdir: Path | None = None,
               progress: Callable[[int, int | None], None] | None = None) -> int:
    """Write the report to `target` (in memory, or a file streamed in constant memory) as a ruled Sheet with
    its totals row; `progress(rows, expected)` after each chunk. Returns its rows."""
    sheet = Sheet(target, report.title, report.columns, subtitle=report.subtitle, tmpdir=tmpdir, ruled=True)
    done, expected, totals = 0, report.meta.get("count"), None
    try:
        for chunk in report.chunks:
            for values in chunk:
                sheet.append(values)
            done += len(chunk)
            if progress is not None:
                progress(done, expected)
        totals = report.total()
    finally:
        written = sheet.close(totals)
    return written


def audit_detail(report: Report, how: str, rows: int, job_id: int | None = None) -> str:
    """The stored summary of a report's export, in codes and data the audit trail reads in the reader's
    language (app/views/admin/audit_summary.py): `<key> <how>[, job <id>], <rows> rows: <term> | <school>`
    (the term: the school year's name for the aid summary, nothing for the use of funds)."""
    job = f", job {job_id}" if job_id is not None else ""
    return f"{report.key} {how}{job}, {rows} rows: {report.meta.get('year') or report.meta.get('term') or ''} | " \
           f"{report.meta.get('school') or ''}"


def audit_export(ctx: Context, report: Report, how: str, rows: int, school_id: int | None,
                 job_id: int | None = None) -> None:
    """One audit event for a report handed out (`how`: xlsx or print): the report, what it covers, its rows."""
    audit.record(ctx, audit.EXPORT, entity=ENTITY, detail=audit_detail(report, how, rows, job_id), row_count=rows,
                 school_id=school_id or ctx.scope.school_id)


def report_workbook(ctx: Context, key: str, term_id: int | None, school_id: int | None = None) -> tuple[bytes, str]:
    """The report as xlsx bytes and its download name; audited."""
    report = build(ctx, key, term_id, school_id)
    buffer = BytesIO()
    rows = write_xlsx(report, buffer)
    audit_export(ctx, report, "xlsx", rows, school_id)
    return buffer.getvalue(), file_name(report)


def report_html(ctx: Context, key: str, term_id: int | None, school_id: int | None = None, *,
                lang: str = "zh-CN") -> str:
    """The report as a page to print on A4 (its own template: no navigation, no external assets); audited."""
    report = build(ctx, key, term_id, school_id)
    rows = [row for chunk in report.chunks for row in chunk]
    audit_export(ctx, report, "print", len(rows), school_id)
    landscape = is_landscape([c.width for c in report.columns])
    return render_template("zizhu/reports/table_print.html", report=report, rows=rows, total=report.total(),
                           kinds=[c.kind for c in report.columns], landscape=landscape, lang=lang)
