"""Registers of aid in kind as xlsx set up for A4 printing (app/reports/print_setup.py): a distribution's
register (实物发放登记表: the pupils class by class, what each is given and its value, and an empty column for
their signature on receipt) and the canteen's meal register of a term (each month's school days, pupils
fed, rate and amount, signed by the canteen's manager). Both are scoped and audited as exports."""
from io import BytesIO

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.context import Context
from app.errors import NotFound
from app.models import InKindStatus
from app.queries.in_kind import DistributionRegister, MealRegister, distribution_register, meal_register
from app.reports.payment_register import new_workbook, register_formats, signatures
from app.reports.print_setup import across, set_up_for_print
from app.security import audit

HEADER_ROW = 3
DISTRIBUTION_WIDTHS = (6, 12, 6, 8, 12, 22, 8, 12, 16, 10)
MEAL_WIDTHS = (6, 10, 10, 10, 12, 14, 18, 10, 16)  # 106 characters: portrait
STATUS_LABELS = {InKindStatus.DRAFT: _l("Draft, not yet confirmed"), InKindStatus.CONFIRMED: _l("Confirmed"),
                 InKindStatus.CANCELLED: _l("Cancelled")}


def status_label(status: InKindStatus) -> str:
    """The translated label of a distribution's or meal record's status."""
    return str(STATUS_LABELS[status])


def distribution_headers() -> list[str]:
    """序号, 姓名, 年级, 班级, 资助等级, 物品/活动, 数量, 价值, 签字, 备注."""
    return [gettext("Seq. no."), gettext("Pupil's name"), gettext("Grade"), gettext("Class"), gettext("Aid tier"),
            gettext("Goods or activity"), gettext("Quantity"), gettext("Value (yuan)"), gettext("Signature"),
            gettext("Remarks")]


def meal_headers() -> list[str]:
    """序号, 月份, 就餐天数, 就餐人数, 每生每天, 金额, 食堂, 状态, 签字."""
    return [gettext("Seq. no."), gettext("Month"), gettext("School days"), gettext("Pupils fed"),
            gettext("Rate per day (yuan)"), gettext("Amount (yuan)"), gettext("Canteen"), gettext("Status"),
            gettext("Canteen manager's signature")]


def _sheet(book, name: str, widths, title: str, subtitle: str, headers: list[str], formats: dict):
    sheet = book.add_worksheet(name[:31])
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    last = len(widths) - 1
    sheet.merge_range(0, 0, 0, last, title, formats["title"])
    sheet.set_row(0, 28)
    across(sheet, 1, subtitle, widths, formats["wrap"])
    for col, text in enumerate(headers):
        sheet.write_string(HEADER_ROW, col, text, formats["header"])
    return sheet


def _finish(book, sheet, buffer: BytesIO, row: int, formats: dict, widths, title: str) -> bytes:
    across(sheet, row + 2, signatures(), widths, formats["wrap"])
    set_up_for_print(sheet, widths, header_row=HEADER_ROW, title=title, last_row=row + 2)
    book.close()
    return buffer.getvalue()


def distribution_workbook(ctx: Context, distribution_id: int) -> bytes:
    """The distribution's register as an xlsx workbook, ready to print and sign."""
    register = distribution_register(ctx.session, ctx.scope, distribution_id)
    if register is None:
        raise NotFound(gettext("No such distribution, or it is not yours."))
    audit.record(ctx, audit.EXPORT, entity="distribution", entity_id=distribution_id,
                 detail="distribution register xlsx", row_count=register.count)
    return _distribution_book(register)


def distribution_title(register: DistributionRegister) -> str:
    return gettext("%(item)s distribution register", item=register.distribution.item)


def _distribution_book(register: DistributionRegister) -> bytes:
    head = register.distribution
    buffer = BytesIO()
    book = new_workbook(buffer)
    formats = register_formats(book)
    subtitle = gettext("School: %(school)s    Term: %(term)s    Date: %(day)s    Status: %(status)s",
                       school=head.school, term=head.term, day=head.handed_on.isoformat(),
                       status=status_label(head.status))
    sheet = _sheet(book, gettext("Distribution register"), DISTRIBUTION_WIDTHS, distribution_title(register),
                   subtitle, distribution_headers(), formats)
    row = HEADER_ROW
    for line in register.lines:
        row += 1
        sheet.set_row(row, 24)  # room for a signature or a fingerprint
        sheet.write_number(row, 0, line.seq, formats["center"])
        sheet.write_string(row, 1, line.name, formats["cell"])
        sheet.write_number(row, 2, line.grade, formats["center"])
        sheet.write_string(row, 3, line.class_name, formats["center"])
        sheet.write_string(row, 4, line.tier, formats["center"])
        sheet.write_string(row, 5, head.description, formats["cell"])
        sheet.write_number(row, 6, line.quantity, formats["center"])
        sheet.write_number(row, 7, float(line.value), formats["money"])  # a cell holds a double; shown to the fen
        sheet.write_blank(row, 8, None, formats["cell"])
        if line.received:
            sheet.write_blank(row, 9, None, formats["cell"])
        else:
            sheet.write_string(row, 9, gettext("Absent"), formats["cell"])
    row += 1
    sheet.merge_range(row, 0, row, 6, gettext("Total: %(n)s pupils", n=register.count), formats["total"])
    sheet.write_number(row, 7, float(register.total), formats["total_money"])  # the Decimal sum, not a formula
    for col in range(8, len(DISTRIBUTION_WIDTHS)):
        sheet.write_blank(row, col, None, formats["total"])
    return _finish(book, sheet, buffer, row, formats, DISTRIBUTION_WIDTHS, distribution_title(register))


def meal_workbook(ctx: Context, school_id: int, term_id: int) -> bytes:
    """The canteen's meal register of a school's term as an xlsx workbook, ready to print and sign."""
    register = meal_register(ctx.session, ctx.scope, school_id, term_id)
    if register is None:
        raise NotFound(gettext("No such school, or it is not yours."))
    audit.record(ctx, audit.EXPORT, entity="canteen_meal_record", entity_id=None, school_id=school_id,
                 detail=f"meal register xlsx (term {term_id})", row_count=len(register.records))
    return _meal_book(register)


def meal_title(register: MealRegister) -> str:
    return gettext("Nutrition meal register of %(school)s", school=register.school)


def _meal_book(register: MealRegister) -> bytes:
    buffer = BytesIO()
    book = new_workbook(buffer)
    formats = register_formats(book)
    subtitle = gettext("School: %(school)s    Term: %(term)s", school=register.school, term=register.term)
    sheet = _sheet(book, gettext("Meal register"), MEAL_WIDTHS, meal_title(register), subtitle, meal_headers(),
                   formats)
    row = HEADER_ROW
    for seq, record in enumerate(register.records, start=1):
        row += 1
        sheet.set_row(row, 24)
        sheet.write_number(row, 0, seq, formats["center"])
        sheet.write_string(row, 1, f"{record.month:%Y-%m}", formats["center"])
        sheet.write_number(row, 2, record.school_days, formats["center"])
        sheet.write_number(row, 3, record.pupils, formats["center"])
        sheet.write_number(row, 4, float(record.rate), formats["money"])
        sheet.write_number(row, 5, float(record.amount), formats["money"])
        sheet.write_string(row, 6, record.canteen, formats["cell"])
        sheet.write_string(row, 7, status_label(record.status), formats["center"])
        sheet.write_blank(row, 8, None, formats["cell"])
    row += 1
    sheet.merge_range(row, 0, row, 4, gettext("Total: %(n)s months", n=len(register.records)), formats["total"])
    sheet.write_number(row, 5, float(register.total), formats["total_money"])
    for col in range(6, len(MEAL_WIDTHS)):
        sheet.write_blank(row, col, None, formats["total"])
    return _finish(book, sheet, buffer, row, formats, MEAL_WIDTHS, meal_title(register))
