"""The payment register (发放名册) of a batch: the pupils to be paid, class by class, with tier, amount,
payee and masked account, and an empty column for the signature (or fingerprint) on receipt; as an xlsx
set up for printing (app/reports/print_setup.py: A4, one page wide, the header row on every page, the title
in the page header, page numbers in the footer) and as
a printable A4 page. Both are scoped (a school only its own batches) and audited as exports."""
from io import BytesIO

import xlsxwriter
from flask import render_template
from flask_babel import gettext

from app.context import Context
from app.errors import NotFound
from app.labels import enum_label
from app.queries.payments import Register, payment_register
from app.reports.print_setup import across, set_up_for_print
from app.security import audit

WIDTHS = (6, 12, 6, 8, 12, 12, 12, 22, 16)


def _register(ctx: Context, batch_id: int, how: str) -> Register:
    found = payment_register(ctx.session, ctx.scope, batch_id)
    if found is None:
        raise NotFound(gettext("No such batch, or it is not yours."))
    audit.record(ctx, audit.EXPORT, entity="disbursement_batch", entity_id=batch_id, detail=f"payment register {how}",
                 row_count=found.count)
    return found


def headers() -> list[str]:
    """序号, 姓名, 年级, 班级, 资助等级, 金额, 领取人, 账号, 签字."""
    return [gettext("Seq. no."), gettext("Pupil's name"), gettext("Grade"), gettext("Class"), gettext("Aid tier"),
            gettext("Amount (yuan)"), gettext("Received by"), gettext("Account"), gettext("Signature")]


def title(register: Register) -> str:
    return gettext("%(item)s payment register", item=register.batch.item)


def subtitle(register: Register) -> str:
    return gettext("School: %(school)s    Term: %(term)s    Aid item: %(item)s    Batch: %(batch)s",
                   school=register.batch.school, term=register.batch.term, item=register.batch.item,
                   batch=register.batch.id)


def total_label(register: Register) -> str:
    return gettext("Total: %(n)s pupils", n=register.count)


def signatures() -> str:
    return gettext("Prepared by: __________    Checked by: __________    Principal: __________    "
                   "Date: __________")


def new_workbook(buffer: BytesIO) -> xlsxwriter.Workbook:
    """A workbook in memory that keeps text as text (no numbers, formulas or links made of it)."""
    return xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})


def register_formats(book) -> dict:
    """The cell formats of a register: title, header, bordered cells, money, the total row."""
    return {
        "title": book.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"}),
        "header": book.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter",
                                   "text_wrap": True, "bg_color": "#E8EEF7"}),
        "cell": book.add_format({"border": 1, "valign": "vcenter"}),
        "center": book.add_format({"border": 1, "align": "center", "valign": "vcenter"}),
        "money": book.add_format({"border": 1, "num_format": "#,##0.00", "valign": "vcenter"}),
        "total": book.add_format({"bold": True, "border": 1, "valign": "vcenter"}),
        "total_money": book.add_format({"bold": True, "border": 1, "num_format": "#,##0.00", "valign": "vcenter"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
    }


def register_workbook(ctx: Context, batch_id: int) -> bytes:
    """The register as an xlsx workbook, ready to print."""
    register = _register(ctx, batch_id, "xlsx")
    buffer = BytesIO()
    book = new_workbook(buffer)
    formats = register_formats(book)
    sheet = book.add_worksheet(gettext("Payment register")[:31])
    for col, width in enumerate(WIDTHS):
        sheet.set_column(col, col, width)
    last = len(WIDTHS) - 1
    sheet.merge_range(0, 0, 0, last, title(register), formats["title"])
    sheet.set_row(0, 28)
    across(sheet, 1, subtitle(register), WIDTHS, formats["wrap"])
    for col, text in enumerate(headers()):
        sheet.write_string(3, col, text, formats["header"])
    row = 3
    for line in register.lines:
        row += 1
        sheet.set_row(row, 24)  # room for a signature or a fingerprint
        sheet.write_number(row, 0, line.seq, formats["center"])
        sheet.write_string(row, 1, line.name, formats["cell"])
        sheet.write_number(row, 2, line.grade, formats["center"])
        sheet.write_string(row, 3, line.class_name, formats["center"])
        sheet.write_string(row, 4, line.tier, formats["center"])
        sheet.write_number(row, 5, float(line.amount), formats["money"])  # a cell holds a double; shown to the fen
        sheet.write_string(row, 6, line.payee or "", formats["cell"])
        sheet.write_string(row, 7, line.account, formats["cell"])
        sheet.write_blank(row, 8, None, formats["cell"])
    row += 1
    sheet.merge_range(row, 0, row, 4, total_label(register), formats["total"])
    sheet.write_number(row, 5, float(register.total), formats["total_money"])  # the Decimal sum, not a formula
    for col in range(6, len(WIDTHS)):
        sheet.write_blank(row, col, None, formats["total"])
    across(sheet, row + 2, signatures(), WIDTHS, formats["wrap"])
    set_up_for_print(sheet, WIDTHS, header_row=3, title=title(register), last_row=row + 2)
    book.close()
    return buffer.getvalue()


def register_html(ctx: Context, batch_id: int, *, lang: str = "zh-CN") -> str:
    """The register as a printable A4 page (its own template: no navigation, no external assets)."""
    register = _register(ctx, batch_id, "print")
    return render_template("zizhu/money/register_print.html", register=register, title=title(register),
                           subtitle=subtitle(register), headers=headers(), total_label=total_label(register),
                           signatures=signatures(), status=enum_label(register.batch.status), lang=lang)
