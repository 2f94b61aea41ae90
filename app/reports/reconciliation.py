"""The reconciliation with the bank (发放对账表) as xlsx: per approved batch, the lines and money expected,
paid, failed, still pending and recovered, with totals; then the failed lines with the bank's reason
(what is to be corrected and paid again in a new batch). Scoped: a school sees only its own batches. Both
sheets are set up to print (app/reports/print_setup.py: A4 landscape, one page wide, headers repeated)."""
from io import BytesIO

import xlsxwriter
from flask_babel import gettext

from app.context import Context
from app.labels import enum_label
from app.models import School, Term
from app.queries.payments import Tally, failed_lines, reconciliation
from app.reports.print_setup import across, set_up_for_print
from app.security import audit

WIDTHS = (8, 18, 16, 24, 10, *([10, 14] * 5))
FAILED_WIDTHS = (8, 18, 12, 6, 8, 12, 22, 30, 12)


def headers() -> list[str]:
    return [gettext("Batch"), gettext("School"), gettext("Term"), gettext("Aid item"), gettext("Status"),
            gettext("Expected (lines)"), gettext("Expected (yuan)"), gettext("Paid (lines)"), gettext("Paid (yuan)"),
            gettext("Failed (lines)"), gettext("Failed (yuan)"), gettext("Pending (lines)"),
            gettext("Pending (yuan)"), gettext("Recovered (lines)"), gettext("Recovered (yuan)")]


def failed_headers() -> list[str]:
    return [gettext("Batch"), gettext("Reference"), gettext("Pupil's name"), gettext("Grade"), gettext("Class"),
            gettext("Amount (yuan)"), gettext("Account"), gettext("Failure reason"), gettext("Answered on")]


def covered(ctx: Context, term_id: int | None) -> tuple[str | None, str | None]:
    """(the term's name, the school's name) the reconciliation covers: None for every term, or every school
    of a district user's scope."""
    term = ctx.session.get(Term, term_id) if term_id else None
    school = ctx.session.get(School, ctx.scope.school_id) if ctx.scope.school_id else None
    return (term.name if term is not None else None), (school.name if school is not None else None)


def file_name(ctx: Context, term_id: int | None = None) -> str:
    """The download's (Chinese) name: 发放对账, the term and the school a school user reconciles."""
    return "-".join(part for part in (gettext("Reconciliation"), *covered(ctx, term_id)) if part) + ".xlsx"


def subtitle(ctx: Context, term_id: int | None) -> str:
    """The line under the title: the term (or every term), the schools and the day made."""
    term, school = covered(ctx, term_id)
    schools = school or gettext("All schools in your scope")
    if term is None:
        return gettext("Every term    Schools: %(schools)s    As of: %(date)s", schools=schools,
                       date=ctx.today.isoformat())
    return gettext("Term: %(term)s    Schools: %(schools)s    Made on: %(date)s", term=term, schools=schools,
                   date=ctx.today.isoformat())


def reconciliation_workbook(ctx: Context, *, term_id: int | None = None, batch_ids: list[int] | None = None) -> bytes:
    """The workbook of the batches in the scope (a term's, or those named)."""
    found = reconciliation(ctx.session, ctx.scope, term_id=term_id, batch_ids=batch_ids)
    failed = failed_lines(ctx.session, ctx.scope, [r.batch.id for r in found])
    term, _school = covered(ctx, term_id)
    audit.record(ctx, audit.EXPORT, entity="disbursement_batch", row_count=len(found),
                 detail=f"reconciliation xlsx: {term}" if term else "reconciliation xlsx")
    buffer = BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    formats = {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "header": book.add_format({"bold": True, "border": 1, "text_wrap": True, "align": "center",
                                   "valign": "vcenter", "bg_color": "#E8EEF7"}),
        "cell": book.add_format({"border": 1}),
        "money": book.add_format({"border": 1, "num_format": "#,##0.00"}),
        "total": book.add_format({"bold": True, "border": 1}),
        "total_money": book.add_format({"bold": True, "border": 1, "num_format": "#,##0.00"}),
        "date": book.add_format({"border": 1, "num_format": "yyyy-mm-dd"}),
    }
    sheet = book.add_worksheet(gettext("Reconciliation")[:31])
    title = gettext("Reconciliation of payments with the bank")
    across(sheet, 0, title, WIDTHS, formats["title"], line_height=20)
    sheet.write_string(1, 0, subtitle(ctx, term_id))
    for col, width in enumerate(WIDTHS):
        sheet.set_column(col, col, width)
    for col, text in enumerate(headers()):
        sheet.write_string(3, col, text, formats["header"])
    row = 3
    sums = [Tally()] * 5
    for item in found:
        row += 1
        batch = item.batch
        for col, text in enumerate((str(batch.id), batch.school, batch.term, batch.item, enum_label(batch.status))):
            sheet.write_string(row, col, text, formats["cell"])
        tallies = (item.expected, item.paid, item.failed, item.pending, item.recovered)
        _tallies(sheet, row, tallies, formats["cell"], formats["money"])
        sums = [a + b for a, b in zip(sums, tallies, strict=True)]
    row += 1
    sheet.merge_range(row, 0, row, 4, gettext("Total"), formats["total"])
    _tallies(sheet, row, sums, formats["total"], formats["total_money"])
    set_up_for_print(sheet, WIDTHS, header_row=3, title=title, last_row=row)
    _failed_sheet(book, formats, failed)
    book.close()
    return buffer.getvalue()


def _tallies(sheet, row: int, tallies, count_format, money_format) -> None:
    for n, tally in enumerate(tallies):
        sheet.write_number(row, 5 + 2 * n, tally.count, count_format)
        sheet.write_number(row, 6 + 2 * n, float(tally.amount), money_format)  # the Decimal sum, shown to the fen


def _failed_sheet(book, formats: dict, failed) -> None:
    title = gettext("Failed payments")
    sheet = book.add_worksheet(title[:31])
    for col, width in enumerate(FAILED_WIDTHS):
        sheet.set_column(col, col, width)
    for col, text in enumerate(failed_headers()):
        sheet.write_string(0, col, text, formats["header"])
    for row, line in enumerate(failed, start=1):
        sheet.write_string(row, 0, str(line.batch_id), formats["cell"])
        sheet.write_string(row, 1, line.reference, formats["cell"])
        sheet.write_string(row, 2, line.name, formats["cell"])
        sheet.write_number(row, 3, line.grade, formats["cell"])
        sheet.write_string(row, 4, line.class_name, formats["cell"])
        sheet.write_number(row, 5, float(line.amount), formats["money"])
        sheet.write_string(row, 6, line.account, formats["cell"])
        sheet.write_string(row, 7, line.reason, formats["cell"])
        if line.answered_on is not None:
            sheet.write_datetime(row, 8, line.answered_on, formats["date"])
        else:
            sheet.write_blank(row, 8, None, formats["cell"])
    set_up_for_print(sheet, FAILED_WIDTHS, header_row=0, title=title, last_row=len(failed))
