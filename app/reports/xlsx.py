"""A streaming xlsx sheet: title, header row, frozen panes, filters, a totals row, print set-up (xlsxwriter)."""
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from pathlib import Path

import xlsxwriter

from app.clock import local_time
from app.reports.print_setup import across, print_rows, set_up_for_print

HEADER_ROWS = 4  # title, subtitle, blank, column headers
MAX_ROWS = 1_048_576 - HEADER_ROWS  # data rows one sheet holds; more go on a next sheet
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may read as a formula (OWASP)
FEN = Decimal("0.01")
CELLS = {"text": {}, "number": {}, "date": {"num_format": "yyyy-mm-dd"}, "money": {"num_format": "#,##0.00"}}


def safe_text(text: str) -> str:
    """A text cell that no spreadsheet runs as a formula: one starting with = + - @ tab or CR gets a
    leading apostrophe (OWASP's CSV-injection advice; the cell stays text either way)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@dataclass(frozen=True)
class Column:
    """A column: its header, width in characters and kind. A "money" column's numbers are written to the
    fen with two places shown (an int too); "int" and "text" cells are typed by their value (a printed
    page aligns by the kind)."""

    header: str
    width: int = 12
    kind: str = "text"


def _workbook(target: Path | BytesIO, tmpdir: Path | None):
    """A workbook streamed to a file in constant memory, its temporary files in `tmpdir` (a job's own folder)
    or beside the result, never in the system's temp folder; or built in memory for a small download."""
    options = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    if isinstance(target, BytesIO):
        return xlsxwriter.Workbook(target, {**options, "in_memory": True})
    return xlsxwriter.Workbook(str(target), {**options, "constant_memory": True,
                                             "tmpdir": str(tmpdir or Path(target).parent)})


class Sheet:
    """Rows appended in order and written as they come (constant memory when written to a file), then an
    optional totals row. A `ruled` sheet is a printed report's table: every cell boxed, the title centred."""

    def __init__(self, target: Path | BytesIO, title: str, columns: list[Column], subtitle: str = "",
                 max_rows: int = MAX_ROWS, tmpdir: Path | None = None, *, ruled: bool = False):
        """`target` a file's path (streamed; temporary files in `tmpdir`, else beside it) or a BytesIO."""
        self.book = _workbook(target, tmpdir)
        self.title, self.subtitle, self.columns, self.max_rows = title, subtitle, columns, max_rows
        self.ruled = ruled
        self.money = frozenset(index for index, column in enumerate(columns) if column.kind == "money")
        self.formats = self._formats()
        self.cells = self._cell_formats()
        self.totals = self._cell_formats(bold=True)
        self.sheets = 0
        self.rows = 0
        self._new_sheet()

    def _formats(self) -> dict:
        """The title, subtitle and header formats (a ruled sheet's title larger and centred)."""
        title = {"bold": True, "font_size": 14, "valign": "vcenter"}
        header = {"bold": True, "bg_color": "#E8EEF7", "border": 1, "text_wrap": True, "valign": "vcenter"}
        if self.ruled:
            title.update(font_size=16, align="center")
            header["align"] = "center"
        return {"title": self.book.add_format(title), "header": self.book.add_format(header),
                "subtitle": self.book.add_format({"text_wrap": True, "valign": "top"})}

    def _cell_formats(self, *, bold: bool = False) -> dict:
        """A format per kind of cell (None where a plain cell needs none: the list's fast path)."""
        extra = {**({"border": 1} if self.ruled else {}), **({"bold": True} if bold else {})}
        return {kind: self.book.add_format({**spec, **extra}) if spec or extra else None
                for kind, spec in CELLS.items()}

    def _new_sheet(self) -> None:
        """A worksheet with the title, subtitle and column headers, set up for print (A4 one page wide, the
        header row on every page); rows follow below."""
        if self.sheets:
            self._finish_sheet(self.next_row - 1)
        self.sheets += 1
        name = self.title if self.sheets == 1 else f"{self.title} ({self.sheets})"
        self.sheet = self.book.add_worksheet(name[:31])
        for index, column in enumerate(self.columns):
            self.sheet.set_column(index, index, column.width)
        widths = [column.width for column in self.columns]
        if self.ruled:
            self.sheet.set_row(0, 28)
        across(self.sheet, 0, self.title, widths, self.formats["title"], line_height=24 if self.ruled else 20)
        across(self.sheet, 1, self.subtitle, widths, self.formats["subtitle"])
        for index, column in enumerate(self.columns):
            self.sheet.write_string(HEADER_ROWS - 1, index, column.header, self.formats["header"])
        set_up_for_print(self.sheet, widths, header_row=HEADER_ROWS - 1, title=self.title)
        self.next_row = HEADER_ROWS

    def _finish_sheet(self, last_data_row: int) -> None:
        """The filter over the data rows of the current sheet (down to `last_data_row`, 0-based), and its
        print area down to its last row (a totals row included)."""
        print_rows(self.sheet, [column.width for column in self.columns], self.next_row - 1)
        if last_data_row >= HEADER_ROWS:
            self.sheet.autofilter(HEADER_ROWS - 1, 0, last_data_row, len(self.columns) - 1)

    def append(self, values: list) -> None:
        """Write one data row (on a new sheet when this one is full); text stays text."""
        if self.next_row - HEADER_ROWS >= self.max_rows:
            self._new_sheet()
        cells = self.cells
        for index, value in enumerate(values):
            self._write(self.next_row, index, value, cells)
        self.next_row += 1
        self.rows += 1

    def _write(self, row: int, col: int, value, formats: dict) -> None:
        """One cell, typed: dates as dates, money with two places, everything else as text (formula-
        looking text neutralised: safe_text)."""
        if type(value) is str and value:  # the most common cell first (a list's 100 k rows × 10 columns)
            self.sheet.write_string(row, col, safe_text(value), formats["text"])
        elif value is None or value == "":
            if formats["text"] is not None:  # a ruled or totals row keeps its box on an empty cell
                self.sheet.write_blank(row, col, None, formats["text"])
        elif isinstance(value, datetime):  # a moment: China local time (a cell keeps no zone)
            self.sheet.write_datetime(row, col, local_time(value).replace(tzinfo=None), formats["date"])
        elif isinstance(value, date):
            self.sheet.write_datetime(row, col, value, formats["date"])
        elif isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            self.sheet.write_string(row, col, safe_text(str(value)), formats["text"])
        elif col in self.money:
            self.sheet.write_number(row, col, _fen(value), formats["money"])
        elif isinstance(value, Decimal):
            self.sheet.write_number(row, col, float(value), formats["money"])  # xlsx holds doubles
        else:
            self.sheet.write_number(row, col, value, formats["number"])

    def close(self, totals: list | None = None) -> int:
        """Finish the file, with `totals` (a row of cells, its label first) in bold below the data when
        given: outside the filter, inside the print area, on a next sheet if this one is full. Returns
        the number of data rows over all sheets."""
        if totals is not None and self.next_row - HEADER_ROWS >= self.max_rows:
            self._new_sheet()
        last_data_row = self.next_row - 1
        if totals is not None:
            for index, value in enumerate(totals):
                self._write(self.next_row, index, value, self.totals)
            self.next_row += 1
        self._finish_sheet(last_data_row)
        self.book.close()
        return self.rows


def _fen(value) -> float:
    """A money cell's number, the amount rounded to the fen (half up), as the double a cell holds."""
    return float(Decimal(str(value)).quantize(FEN, rounding=ROUND_HALF_UP))
