"""A streaming xlsx sheet with a title, a header row, frozen panes, filters and a print set-up (xlsxwriter)."""
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import xlsxwriter

from app.clock import local_time
from app.reports.print_setup import across, print_rows, set_up_for_print

HEADER_ROWS = 4  # title, subtitle, blank, column headers
MAX_ROWS = 1_048_576 - HEADER_ROWS  # data rows one sheet holds; more go on a next sheet
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may read as a formula (OWASP)


def safe_text(text: str) -> str:
    """A text cell that no spreadsheet runs as a formula: one starting with = + - @ tab or CR gets a
    leading apostrophe (OWASP's CSV-injection advice; the cell stays text either way)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@dataclass(frozen=True)
class Column:
    """A column: its header and width in characters."""

    header: str
    width: int = 12


class Sheet:
    """Rows appended in order and written to disk as they come (constant memory)."""

    def __init__(self, path: Path, title: str, columns: list[Column], subtitle: str = "",
                 max_rows: int = MAX_ROWS, tmpdir: Path | None = None):
        """Temporary files go to `tmpdir` (a job's own folder), else beside the result, never to
        the system's temp folder."""
        self.book = xlsxwriter.Workbook(str(path), {
            "constant_memory": True, "strings_to_numbers": False, "tmpdir": str(tmpdir or Path(path).parent)})
        self.title, self.subtitle, self.columns, self.max_rows = title, subtitle, columns, max_rows
        self.formats = {
            "title": self.book.add_format({"bold": True, "font_size": 14, "valign": "vcenter"}),
            "subtitle": self.book.add_format({"text_wrap": True, "valign": "top"}),
            "header": self.book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1,
                                            "text_wrap": True, "valign": "vcenter"}),
            "date": self.book.add_format({"num_format": "yyyy-mm-dd"}),
            "money": self.book.add_format({"num_format": "#,##0.00"}),
        }
        self.sheets = 0
        self.rows = 0
        self._new_sheet()

    def _new_sheet(self) -> None:
        """A worksheet with the title, subtitle and column headers, set up for print (A4 one page wide, the
        header row on every page); rows follow below."""
        if self.sheets:
            self._finish_sheet()
        self.sheets += 1
        name = self.title if self.sheets == 1 else f"{self.title} ({self.sheets})"
        self.sheet = self.book.add_worksheet(name[:31])
        for index, column in enumerate(self.columns):
            self.sheet.set_column(index, index, column.width)
        widths = [column.width for column in self.columns]
        across(self.sheet, 0, self.title, widths, self.formats["title"], line_height=20)
        across(self.sheet, 1, self.subtitle, widths, self.formats["subtitle"])
        for index, column in enumerate(self.columns):
            self.sheet.write(HEADER_ROWS - 1, index, column.header, self.formats["header"])
        set_up_for_print(self.sheet, widths, header_row=HEADER_ROWS - 1, title=self.title)
        self.next_row = HEADER_ROWS

    def _finish_sheet(self) -> None:
        """The filter over the data rows of the current sheet, and its print area down to the last row."""
        print_rows(self.sheet, [column.width for column in self.columns], self.next_row - 1)
        if self.next_row > HEADER_ROWS:
            self.sheet.autofilter(HEADER_ROWS - 1, 0, self.next_row - 1, len(self.columns) - 1)

    def append(self, values: list) -> None:
        """Write one data row (on a new sheet when this one is full); text stays text."""
        if self.next_row - HEADER_ROWS >= self.max_rows:
            self._new_sheet()
        for index, value in enumerate(values):
            self._write(self.next_row, index, value)
        self.next_row += 1
        self.rows += 1

    def _write(self, row: int, col: int, value) -> None:
        """One cell, typed: dates as dates, money with two places, everything else as text (formula-
        looking text neutralised: safe_text)."""
        if value is None or value == "":
            return
        if type(value) is str:  # the most common cell first (a list's 100 k rows × 10 columns)
            self.sheet.write_string(row, col, safe_text(value))
        elif isinstance(value, datetime):  # a moment: China local time (a cell keeps no zone)
            self.sheet.write_datetime(row, col, local_time(value).replace(tzinfo=None), self.formats["date"])
        elif isinstance(value, date):
            self.sheet.write_datetime(row, col, value, self.formats["date"])
        elif isinstance(value, Decimal):
            self.sheet.write_number(row, col, float(value), self.formats["money"])  # xlsx holds doubles
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            self.sheet.write_number(row, col, value)
        else:
            self.sheet.write_string(row, col, safe_text(str(value)))

    def close(self) -> int:
        """Finish the file; returns the number of data rows over all sheets."""
        self._finish_sheet()
        self.book.close()
        return self.rows
