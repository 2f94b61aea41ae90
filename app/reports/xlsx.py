"""A streaming xlsx sheet with a title, a header row, frozen panes and filters (xlsxwriter)."""
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import xlsxwriter

MAX_ROWS = 1_048_575  # one sheet holds this many data rows under its header


@dataclass(frozen=True)
class Column:
    """A column: its header and width in characters."""

    header: str
    width: int = 12


class Sheet:
    """Rows appended in order and written to disk as they come (constant memory)."""

    def __init__(self, path: Path, title: str, columns: list[Column], subtitle: str = ""):
        self.book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False})
        self.sheet = self.book.add_worksheet(title[:31])
        self.columns = columns
        self.formats = {
            "title": self.book.add_format({"bold": True, "font_size": 14}),
            "header": self.book.add_format({"bold": True, "bg_color": "#E8EEF7", "border": 1,
                                            "text_wrap": True, "valign": "vcenter"}),
            "date": self.book.add_format({"num_format": "yyyy-mm-dd"}),
            "money": self.book.add_format({"num_format": "#,##0.00"}),
        }
        for index, column in enumerate(columns):
            self.sheet.set_column(index, index, column.width)
        self.sheet.write(0, 0, title, self.formats["title"])
        self.sheet.write(1, 0, subtitle)
        for index, column in enumerate(columns):
            self.sheet.write(3, index, column.header, self.formats["header"])
        self.sheet.freeze_panes(4, 0)
        self.next_row = 4

    def append(self, values: list) -> None:
        """Write one data row; text stays text (a 学籍号 never becomes a number)."""
        if self.next_row - 4 >= MAX_ROWS:
            raise OverflowError("sheet full")
        for index, value in enumerate(values):
            self._write(self.next_row, index, value)
        self.next_row += 1

    def _write(self, row: int, col: int, value) -> None:
        """One cell, typed: dates as dates, money with two places, everything else as text."""
        if value is None or value == "":
            return
        if isinstance(value, (date, datetime)):
            self.sheet.write_datetime(row, col, value, self.formats["date"])
        elif isinstance(value, Decimal):
            self.sheet.write_number(row, col, float(value), self.formats["money"])  # xlsx holds doubles
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            self.sheet.write_number(row, col, value)
        else:
            self.sheet.write_string(row, col, str(value))

    def close(self) -> int:
        """Add the filter over the data and finish the file; returns the number of data rows."""
        rows = self.next_row - 4
        if rows:
            self.sheet.autofilter(3, 0, self.next_row - 1, len(self.columns) - 1)
        self.book.close()
        return rows
