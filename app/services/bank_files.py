"""Bank files (银行代发文件) as pure rules: a layout read from its data, a batch's lines rendered into its
rows, and the CSV file written in GBK.

No Flask, no database, no third-party library: app/commands/bank_files.py loads the lines and writes the
xlsx (xlsxwriter) or the CSV (here), and says every problem in words. Here a problem is a code with the
spreadsheet row it concerns (1 = the first row as Excel numbers it, or the first line of a CSV file).
Reading the bank's answer file and matching it with the batch is app/services/bank_answers.py.

A layout is data (seed/bank_layouts.json, one `columns` list per layout): file columns
`{field, title, type?, width?, required?}`, and three kinds of entries marked by `part`:
`{part: title, text, sheet?}` the title row, `{part: total, cells}` the total row (each cell a text
with `{count}` and `{sum}`; a cell that is exactly one of them is written as a number in xlsx), and
`{part: answer, field: status | reason, title, aliases?, paid?, failed?}` the columns only the bank's
answer file has, with the words the bank uses for paid and failed.

Money is Decimal with two places throughout, written as exact text ("312.50"). An xlsx number cell (a
column of `type: number`) is written only when the double the cell holds prints back, as xlsxwriter
writes it (16 significant digits), as exactly the same amount: about one amount in eight (8.53 is
written 8.529999999999999) is not, and such a file is refused rather than rounded by the bank.
"""
import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
XLSX, CSV_GBK = "xlsx", "csv_gbk"
FORMATS = (XLSX, CSV_GBK)
# what a file column may hold: the line's payee as it stood when the batch was made, and the batch's names
FIELDS = ("seq", "payee_name", "payee_id_number", "bank_name", "bank_account", "amount", "reference",
          "aid_item", "school", "term", "batch")
PLACEHOLDERS = ("count", "sum", "school", "term", "item", "batch", "title")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_BRACES = re.compile(r"\{([^{}]*)\}")
# a text cell starting with one of these is read as a formula by a spreadsheet (CSV injection): "'" first
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

MAX_PROBLEMS = 20  # problems listed one by one; the rest are counted

# the status words every answer accepts, besides the layout's own (what county banks write)
PAID_WORDS = ("成功", "已发放", "发放成功", "入账成功", "已入账", "交易成功", "处理成功", "支付成功", "已支付",
              "代发成功")
FAILED_WORDS = ("失败", "发放失败", "退回", "已退回", "退票", "入账失败", "交易失败", "处理失败", "支付失败",
                "代发失败")
TOTAL_WORDS = ("合计", "总计")  # the first cell of a total row, besides the layout's own labels
_SPACES = re.compile(r"[\s\u3000]+")


class LayoutError(ValueError):
    """A layout's data cannot be used: `code` says why, `detail` names the entry."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code, self.detail = code, detail


@dataclass(frozen=True)
class FileColumn:
    """A column of the file the bank imports."""

    field: str
    title: str
    number: bool = False  # xlsx: a number cell (amount, seq); CSV is text anyway
    width: int = 12
    required: bool = False  # the bank refuses a line without it


@dataclass(frozen=True)
class Layout:
    """A bank file layout as the rules read it (see the module's docstring for the data)."""

    code: str
    file_format: str
    columns: tuple[FileColumn, ...]
    title: str | None = None  # the title row's text (with placeholders), None: no title row
    sheet: str = "Sheet1"
    total: tuple[str, ...] | None = None  # the total row's cells, None: no total row
    status_titles: tuple[str, ...] = ()
    reason_titles: tuple[str, ...] = ()
    paid_words: frozenset = frozenset(PAID_WORDS)
    failed_words: frozenset = frozenset(FAILED_WORDS)

    @property
    def first_data_row(self) -> int:
        """The spreadsheet row of the first line: after the title row, if any, and the header row."""
        return 3 if self.title is not None else 2

    def titles(self, field_name: str) -> tuple[str, ...]:
        """The header titles a column of `field_name` may have in the bank's answer."""
        if field_name == "status":
            return self.status_titles
        if field_name == "reason":
            return self.reason_titles
        return tuple(_normal(c.title) for c in self.columns if c.field == field_name)

    @property
    def total_labels(self) -> frozenset:
        """Texts that open a total row: the literal cells of the layout's total row, and 合计 / 总计."""
        labels = {_normal(cell) for cell in (self.total or ()) if cell and not _PLACEHOLDER.search(cell)}
        return frozenset(labels | set(TOTAL_WORDS))


def _normal(value) -> str:
    """A cell's text with every space removed (headers and status words are compared so)."""
    return _SPACES.sub("", "" if value is None else str(value))


def _words(entry: dict, key: str) -> tuple[str, ...]:
    value = entry.get(key) or ()
    if isinstance(value, str) or not all(isinstance(v, str) for v in value):
        raise LayoutError("bad_words", key)
    return tuple(_normal(v) for v in value if _normal(v))


def _check_template(text, where: str) -> str:
    if not isinstance(text, str):
        raise LayoutError("bad_text", where)
    unknown = sorted({name for name in _BRACES.findall(text) if name not in PLACEHOLDERS})
    if unknown:
        raise LayoutError("unknown_placeholder", f"{where}: {', '.join(unknown)}")
    return text


def _file_column(entry: dict) -> FileColumn:
    name, heading, width = entry.get("field"), entry.get("title"), entry.get("width", 12)
    if name not in FIELDS:
        raise LayoutError("unknown_field", str(name))
    if not isinstance(heading, str) or not heading.strip():
        raise LayoutError("bad_title", str(name))
    if not isinstance(width, int) or not 1 <= width <= 100:
        raise LayoutError("bad_width", str(name))
    return FileColumn(name, heading.strip(), entry.get("type") == "number" or name == "seq", width,
                      bool(entry.get("required")))


def _entries(code: str, columns) -> dict:
    """A layout's entries by part: file columns (a list), title, total and the answer's columns."""
    if not isinstance(columns, list):
        raise LayoutError("bad_columns", code)
    parts: dict = {"file": [], "answer": {}}
    for n, entry in enumerate(columns, start=1):
        part = entry.get("part", "file") if isinstance(entry, dict) else None
        if part == "file":
            parts["file"].append(_file_column(entry))
        elif part == "title":
            parts["title"] = (_check_template(entry.get("text"), "title"), str(entry.get("sheet") or "Sheet1"))
        elif part == "total":
            cells = entry.get("cells")
            if not isinstance(cells, list):
                raise LayoutError("bad_total", code)
            parts["total"] = tuple(_check_template(cell or "", "total") for cell in cells)
        elif part == "answer" and entry.get("field") in ("status", "reason") and isinstance(entry.get("title"), str):
            parts["answer"][entry["field"]] = entry
        else:
            raise LayoutError("bad_entry", f"#{n}")
    return parts


def layout_of(code: str, file_format: str, columns: list, *, title_row: bool = True,
              total_row: bool = True) -> Layout:
    """The layout of a BankFileLayout's values; LayoutError when its data cannot be used."""
    if file_format not in FORMATS:
        raise LayoutError("bad_format", str(file_format))
    parts = _entries(code, columns)
    found = parts["file"]
    fields = [c.field for c in found]
    for needed in ("reference", "amount"):
        if needed not in fields:
            raise LayoutError("missing_column", needed)
    if len(set(fields)) != len(fields):
        raise LayoutError("repeated_column", code)
    title, sheet = parts.get("title", ("{title}", "Sheet1"))
    # without a total entry: the count under the first column, the sum under the amount
    total = parts.get("total") or tuple("{sum}" if c.field == "amount" else "{count}" if n == 0 else ""
                                        for n, c in enumerate(found))
    if len(total) > len(found):
        raise LayoutError("bad_total", code)
    status, reason = parts["answer"].get("status", {}), parts["answer"].get("reason", {})
    return Layout(
        code=code, file_format=file_format, columns=tuple(found), title=title if title_row else None,
        sheet=sheet[:31], total=total if total_row else None,
        status_titles=(_normal(status.get("title") or "状态"), *_words(status, "aliases")),
        reason_titles=(_normal(reason.get("title") or "失败原因"), *_words(reason, "aliases")),
        paid_words=frozenset(PAID_WORDS) | set(_words(status, "paid")),
        failed_words=frozenset(FAILED_WORDS) | set(_words(status, "failed")))


# ---- writing ----------------------------------------------------------------------------------------


def neutralise(text: str) -> str:
    """A text cell a spreadsheet will never run as a formula: "'" before =, +, -, @, tab or CR."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def money_text(amount: Decimal) -> str:
    """312.50: an amount as exact text with two places."""
    return f"{amount.quantize(CENT):f}"


def exact_number(amount: Decimal) -> float:
    """The double an xlsx number cell holds for `amount`, only when it prints back (as xlsxwriter
    writes it, 16 significant digits) as exactly the same amount; ValueError otherwise."""
    number = float(amount)
    if Decimal(f"{number:.16g}") != amount:
        raise ValueError(f"{amount} has no exact number cell")
    return number


def fill(template: str, values: Mapping[str, str]) -> str:
    """`template` with each {name} replaced by its value (only the names in PLACEHOLDERS)."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


class BankFileError(Exception):
    """A bank file cannot be written: `code` (required_empty, bad_amount, not_gbk), the rows it concerns
    as (spreadsheet row, reference, detail), and how many more there are."""

    def __init__(self, code: str, rows: list | None = None, more: int = 0):
        super().__init__(code)
        self.code, self.rows, self.more = code, rows or [], more


@dataclass(frozen=True)
class BatchFacts:
    """What a file says of its batch besides the lines."""

    batch_id: int
    title: str
    school: str
    term: str
    aid_item: str


class PaymentLine(NamedTuple):
    """One line as the bank file needs it (the payee as it stood when the batch was made)."""

    reference: str
    payee_name: str
    payee_id_number: str | None
    bank_name: str | None
    bank_account: str
    amount: Decimal


class Rendering:
    """The rows of one bank file: the title, the header, the lines as they are written (counted and
    summed on the way, each checked), then the total row. `rows()` is read once."""

    def __init__(self, layout: Layout, facts: BatchFacts, lines: Iterable[PaymentLine]):
        self.layout, self.facts, self._lines = layout, facts, lines
        self.count, self.total = 0, ZERO
        self._names = {"school": facts.school, "term": facts.term, "item": facts.aid_item,
                       "batch": str(facts.batch_id), "title": facts.title}
        self._done = False

    @property
    def title(self) -> str | None:
        """The title row's text, None without one."""
        if self.layout.title is None:
            return None
        return neutralise(fill(self.layout.title, self._names))

    @property
    def header(self) -> list[str]:
        return [neutralise(c.title) for c in self.layout.columns]

    def rows(self) -> Iterator[list]:
        """Each line's cells: int (seq), Decimal (amount), str (text, neutralised). A line missing a
        required value or with an amount that is not a positive amount in fen is refused, all such
        lines listed (BankFileError at the end)."""
        columns, problems, more = self.layout.columns, [], 0
        values = {"aid_item": self.facts.aid_item, "school": self.facts.school, "term": self.facts.term,
                  "batch": str(self.facts.batch_id)}
        row_number = self.layout.first_data_row
        for seq, line in enumerate(self._lines, start=1):
            amount = line.amount
            if not isinstance(amount, Decimal) or amount <= 0 or amount.quantize(CENT) != amount:
                raise BankFileError("bad_amount", [(row_number, line.reference, str(amount))])
            amount = amount.quantize(CENT)
            cells = []
            for column in columns:
                name = column.field
                if name == "seq":
                    cells.append(seq)
                elif name == "amount":
                    cells.append(amount)
                else:
                    value = values.get(name) if name in values else getattr(line, name)
                    text = "" if value is None else str(value).strip()
                    if column.required and not text:
                        if len(problems) < MAX_PROBLEMS:
                            problems.append((row_number, line.reference, column.title))
                        else:
                            more += 1
                    cells.append(neutralise(text))
            self.count += 1
            self.total += amount
            row_number += 1
            yield cells
        self._done = True
        if problems:
            raise BankFileError("required_empty", problems, more)

    def total_row(self) -> list | None:
        """The total row's cells ({count} and {sum} alone as numbers), after every line was read."""
        if self.layout.total is None:
            return None
        if not self._done:
            raise RuntimeError("the total row comes after the lines")
        names = {**self._names, "count": str(self.count), "sum": money_text(self.total)}
        cells = []
        for cell in self.layout.total:
            if cell == "{count}":
                cells.append(self.count)
            elif cell == "{sum}":
                cells.append(self.total)
            else:
                cells.append(neutralise(fill(cell, names)))
        return cells


def _csv_text(value) -> str:
    if isinstance(value, Decimal):
        return money_text(value)
    return str(value)


def write_csv(rendering: Rendering, encoding: str = "gbk") -> bytes:
    """The CSV file of a rendering (CRLF lines, as county bank systems read), encoded in GBK; a character
    GBK lacks (a rare character in a name) is a BankFileError naming each such row."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    fields = [c.field for c in rendering.layout.columns]
    at = fields.index("reference")
    chunks, problems, more = [], [], 0

    def put(cells: list, row: int, reference: str = "") -> None:
        nonlocal more
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_csv_text(v) for v in cells])
        text = buffer.getvalue()
        try:
            chunks.append(text.encode(encoding))
        except UnicodeEncodeError as err:
            if len(problems) < MAX_PROBLEMS:
                problems.append((row, reference, text[err.start:err.end]))
            else:
                more += 1

    row = 1
    if rendering.title is not None:
        put([rendering.title], row)
        row += 1
    put(rendering.header, row)
    for cells in rendering.rows():
        row += 1
        put(cells, row, cells[at])
    total = rendering.total_row()
    if total is not None:
        put(total, row + 1)
    if problems:
        raise BankFileError("not_gbk", problems, more)
    return b"".join(chunks)
