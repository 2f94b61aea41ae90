"""The public notice as an xlsx file: title, school, term, dates, the entries, where objections go; set up to
print on A4 one page wide (the title and every column on the page, the header row on every page)."""
from io import BytesIO

import xlsxwriter
from flask_babel import gettext

from app.models import PublicNotice
from app.reports.print_setup import across, set_up_for_print

WIDTHS = (6, 14, 8, 10, 12, 24)
HEADER_ROW = 4


def headers() -> list[str]:
    """The notice's columns: 序号, name, grade, class, tier, aid item."""
    return [gettext("Seq. no."), gettext("Pupil's name"), gettext("Grade"), gettext("Class"), gettext("Tier"),
            gettext("Aid item")]


def period(notice: PublicNotice) -> str:
    """'Notice period: <start> to <end> (5 working days)'."""
    return gettext("Notice period: %(start)s to %(end)s (%(n)s working days)", start=notice.starts_on.isoformat(),
                   end=notice.ends_on.isoformat(), n=notice.working_days)


def objection_sentence(notice: PublicNotice) -> str:
    """Where and until when objections are received, and how soon the school answers."""
    if notice.contact:
        return gettext("Objections may be raised until %(day)s with %(contact)s; the school answers each "
                       "within %(n)s working days.", day=notice.ends_on.isoformat(), contact=notice.contact,
                       n=notice.objection_days)
    return gettext("Objections may be raised with the school until %(day)s; the school answers each within "
                   "%(n)s working days.", day=notice.ends_on.isoformat(), n=notice.objection_days)


def entry_rows(notice: PublicNotice) -> list[list]:
    """One row per entry: running number, name, grade, class, tier, aid item (nothing else)."""
    return [[index, e.name, e.grade, e.class_name, e.tier_name, e.aid_item or ""]
            for index, e in enumerate(notice.entries, start=1)]


def notice_workbook(notice: PublicNotice) -> bytes:
    """The xlsx file of a notice, built in memory (a notice lists at most a few hundred pupils)."""
    buffer = BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    bold = book.add_format({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter", "text_wrap": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    head = book.add_format({"bold": True, "border": 1, "bg_color": "#E8EEF7"})
    cell = book.add_format({"border": 1})
    sheet = book.add_worksheet(gettext("Public notice")[:31])
    for col, width in enumerate(WIDTHS):
        sheet.set_column(col, col, width)
    across(sheet, 0, notice.title, WIDTHS, bold, line_height=20)
    across(sheet, 1, f"{notice.school.name} · {notice.term.name}", WIDTHS, wrap)
    across(sheet, 2, period(notice), WIDTHS, wrap)
    for col, text in enumerate(headers()):
        sheet.write_string(HEADER_ROW, col, text, head)
    row = HEADER_ROW + 1
    for row, values in enumerate(entry_rows(notice), start=HEADER_ROW + 1):
        for col, value in enumerate(values):
            if isinstance(value, int):
                sheet.write_number(row, col, value, cell)
            else:
                sheet.write_string(row, col, value, cell)
    across(sheet, row + 2, objection_sentence(notice), WIDTHS, wrap)
    set_up_for_print(sheet, WIDTHS, header_row=HEADER_ROW, title=notice.title, last_row=row + 2)
    book.close()
    return buffer.getvalue()
