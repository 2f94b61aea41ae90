"""The bank's answer file (回盘文件) as pure rules: its rows read into answers, and the answers matched
with the batch's lines.

The answer has a layout's columns (app/services/bank_files.py) plus the bank's status and reason. A CSV
answer is read here (UTF-8 or GBK); app/commands/bank_returns.py reads an xlsx answer (openpyxl) into
rows for `parse_answers`, loads the batch's lines for `match`, and says every problem in words. Here a
problem is a code with the spreadsheet row it concerns (1 = the first row as Excel numbers it, or the
first line of a CSV file).

No Flask, no database, no third-party library.
"""
import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from app.services.bank_files import _PLACEHOLDER, CENT, MAX_PROBLEMS, ZERO, Layout, _normal, money_text

MAX_ROWS = 200_000  # data rows an answer file may hold
HEADER_SEARCH = 20  # the header row of an answer file is looked for in its first rows
MAX_REASON = 200
_AMOUNT = re.compile(r"^\d{1,12}(\.\d{1,2})?$")
_AMOUNT_NOISE = re.compile(r"[,，\s\u3000¥￥元]")


# ---- reading the bank's answer ----------------------------------------------------------------------


class Problem(NamedTuple):
    """One thing wrong with an answer file: a code, the spreadsheet row (None: the whole file) and the
    values its message names."""

    code: str
    row: int | None = None
    value: str = ""
    other: str = ""


class AnswerFileError(Exception):
    """An answer file that cannot be read: its problems (the first MAX_PROBLEMS) and how many more."""

    def __init__(self, problems: list[Problem], more: int = 0):
        super().__init__(", ".join(p.code for p in problems))
        self.problems, self.more = problems, more


class Returned(NamedTuple):
    """One answer read from the bank's file: the line's reference, paid or failed, the amount, the
    bank's reason; `row` is where it stands in the file."""

    row: int
    reference: str
    paid: bool
    amount: Decimal
    reason: str | None = None


def decode(data: bytes) -> str:
    """The text of a CSV answer: UTF-8 (with or without BOM) when it is valid UTF-8, else GBK (read as
    GB 18030, its superset); AnswerFileError when it is neither."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise AnswerFileError([Problem("encoding", line)]) from None


def csv_rows(data: bytes) -> Iterator[tuple[int, list]]:
    """(line number, cells) of a CSV answer file."""
    reader = csv.reader(io.StringIO(decode(data), newline=""))
    number = 0
    try:
        for cells in reader:
            number = reader.line_num - (sum(c.count("\n") for c in cells))
            yield number, cells
    except csv.Error:
        raise AnswerFileError([Problem("malformed", number + 1)]) from None


def parse_amount(value) -> Decimal | None:
    """A positive amount in fen from a cell ("1,234.50", "312.5", 312.5, "¥312.50元"), else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        text = str(value)
    elif isinstance(value, float):
        text = repr(value)
    elif isinstance(value, Decimal):
        text = f"{value:f}"
    else:
        text = _AMOUNT_NOISE.sub("", str(value))
    if not _AMOUNT.match(text):
        return None
    try:
        amount = Decimal(text).quantize(CENT)
    except InvalidOperation:
        return None
    return amount if amount > 0 else None


def _cell(cells: Sequence, index: int | None) -> str:
    if index is None or index >= len(cells) or cells[index] is None:
        return ""
    value = cells[index]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _raw(cells: Sequence, index: int | None):
    return cells[index] if index is not None and index < len(cells) else None


@dataclass(frozen=True)
class _Header:
    layout: Layout
    reference: int
    amount: int
    status: int
    reason: int | None


def _header(cells: Sequence, layouts: Sequence[Layout]) -> _Header | None:
    """Where the answer's columns stand if `cells` is a header row of one of the layouts."""
    names = [_normal(c) for c in cells]
    for layout in layouts:
        found = {}
        for name in ("reference", "amount", "status", "reason"):
            titles = layout.titles(name)
            found[name] = next((i for i, text in enumerate(names) if text and text in titles), None)
        if None not in (found["reference"], found["amount"], found["status"]):
            return _Header(layout, found["reference"], found["amount"], found["status"], found["reason"])
    return None


def _total_matches(layout: Layout, cells: Sequence, count: int, total: Decimal) -> Problem | None:
    """The file's own total row against its rows (checked only where the row has the layout's shape)."""
    said_count = said_sum = None
    for template, value in zip(layout.total or (), cells, strict=False):
        names = _PLACEHOLDER.findall(template)
        if not names:
            continue
        if template in ("{count}", "{sum}"):
            text = _cell([value], 0)
            parsed = [text]
        else:
            pattern = re.escape(template)
            for name in names:
                pattern = pattern.replace(re.escape("{" + name + "}"), r"\s*([\d,.]+)\s*", 1)
            hit = re.fullmatch(pattern, _cell([value], 0))
            if not hit:
                continue
            parsed = list(hit.groups())
        for name, text in zip(names, parsed, strict=False):
            if name == "count" and text.replace(",", "").isdigit():
                said_count = int(text.replace(",", ""))
            elif name == "sum":
                said_sum = parse_amount(text) if text not in ("0", "0.00") else ZERO
    if (said_count is not None and said_count != count) or (said_sum is not None and said_sum != total):
        return Problem("total_mismatch", None,
                       f"{said_count if said_count is not None else count} / "
                       f"{money_text(said_sum) if said_sum is not None else money_text(total)}",
                       f"{count} / {money_text(total)}")
    return None


class _Reader:
    """Reads the data rows under an answer file's header, collecting every row's problem."""

    def __init__(self, header: _Header):
        self.header, self.layout = header, header.layout
        self.problems, self.more, self.found = [], 0, []
        self.count, self.total = 0, ZERO

    def problem(self, item: Problem) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(item)
        else:
            self.more += 1

    def is_total(self, cells: Sequence) -> bool:
        """A total row: its first filled cell (not the reference's) is a total label (合计, 总笔数…)."""
        at = next((i for i, c in enumerate(cells) if _normal(c)), None)
        return at is not None and at != self.header.reference and _normal(cells[at]) in self.layout.total_labels

    def total_row(self, number: int, cells: Sequence) -> None:
        found = _total_matches(self.layout, cells, self.count, self.total)
        if found is not None:
            self.problem(found._replace(row=number))

    def row(self, number: int, cells: Sequence) -> None:
        """One data row: an answer, or its problems."""
        header = self.header
        self.count += 1
        reference = _cell(cells, header.reference).lstrip("'")
        amount = parse_amount(_raw(cells, header.amount))
        word = _normal(_cell(cells, header.status))
        before = len(self.problems) + self.more
        if not reference:
            self.problem(Problem("missing_reference", number))
        if amount is None:
            self.problem(Problem("bad_amount", number, _cell(cells, header.amount)))
        else:
            self.total += amount
        if not word:
            self.problem(Problem("missing_status", number, reference))
        elif word not in self.layout.paid_words and word not in self.layout.failed_words:
            self.problem(Problem("unknown_status", number, _cell(cells, header.status)))
        if len(self.problems) + self.more == before:
            paid = word in self.layout.paid_words
            reason = None if paid else (_cell(cells, header.reason)[:MAX_REASON] or None)
            self.found.append(Returned(number, reference, paid, amount, reason))


def _blank(cells: Sequence) -> bool:
    return not any(_cell(cells, i) for i in range(len(cells)))


def _find_header(rows: Iterator, layouts: Sequence[Layout]) -> _Header:
    for seen, (_number, cells) in enumerate(rows, start=1):
        header = _header(cells, layouts)
        if header is not None:
            return header
        if seen >= HEADER_SEARCH:
            break
    expected = " / ".join("、".join((layout.titles("reference")[0], layout.titles("amount")[0],
                                    layout.status_titles[0])) for layout in layouts)
    raise AnswerFileError([Problem("no_header", None, expected)])


def parse_answers(layouts: Sequence[Layout], rows: Iterable[tuple[int, Sequence]]) -> tuple[Layout, list[Returned]]:
    """The answers of a bank's answer file given as (row number, cells): its header row found among the
    first rows (the columns of one of `layouts`: reference, amount, status, and the reason if there),
    then one answer per row up to its total row (blank rows skipped). Every row's problem is collected
    (a missing reference, a bad amount, a missing or unknown status word, the file's total row unlike
    its rows), up to MAX_PROBLEMS listed; any problem raises AnswerFileError, so that nothing of a bad
    file is used."""
    rows = iter(rows)
    reader = _Reader(_find_header(rows, layouts))
    for number, cells in rows:
        if _blank(cells):
            continue
        if reader.is_total(cells):
            reader.total_row(number, cells)
            break
        if reader.count >= MAX_ROWS:
            reader.problem(Problem("too_many_rows", number, str(MAX_ROWS)))
            break
        reader.row(number, cells)
    if not reader.problems and not reader.found:
        reader.problem(Problem("no_rows"))
    if reader.problems:
        raise AnswerFileError(reader.problems, reader.more)
    return reader.layout, reader.found


# ---- matching answers with the batch ---------------------------------------------------------------


@dataclass
class Matching:
    """An answer file's rows against a batch's lines (reference → (amount, status)).

    paid, failed: answers for pending lines; answered_before: the same answer a line already has;
    unknown: a reference not in the batch; mismatched: (answer, the line's amount); duplicates: (answer,
    the row that first answered the reference); conflicting: (answer, the line's status) — a line
    answered otherwise before. missing: pending lines the file does not answer.
    """

    paid: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    answered_before: list = field(default_factory=list)
    unknown: list = field(default_factory=list)
    mismatched: list = field(default_factory=list)
    duplicates: list = field(default_factory=list)
    conflicting: list = field(default_factory=list)
    missing: list = field(default_factory=list)

    @property
    def refused(self) -> bool:
        """Whether the file cannot be recorded at all (all or nothing)."""
        return bool(self.unknown or self.mismatched or self.duplicates or self.conflicting)

    @property
    def paid_amount(self) -> Decimal:
        return sum((a.amount for a in self.paid), ZERO)

    @property
    def failed_amount(self) -> Decimal:
        return sum((a.amount for a in self.failed), ZERO)


def match(answers: Iterable[Returned], expected: Mapping[str, tuple[Decimal, str]]) -> Matching:
    """Classify each answer by its reference against the batch's lines (`expected`: reference →
    (amount, status: pending, paid, failed, reversed…))."""
    result, first_row = Matching(), {}
    for answer in answers:
        if answer.reference in first_row:
            result.duplicates.append((answer, first_row[answer.reference]))
            continue
        first_row[answer.reference] = answer.row
        line = expected.get(answer.reference)
        if line is None:
            result.unknown.append(answer)
            continue
        amount, status = line
        if answer.amount != amount:
            result.mismatched.append((answer, amount))
        elif status == "pending":
            (result.paid if answer.paid else result.failed).append(answer)
        elif (status in ("paid", "reversed") and answer.paid) or (status == "failed" and not answer.paid):
            result.answered_before.append(answer)
        else:
            result.conflicting.append((answer, status))
    result.missing = sorted(ref for ref, (_, status) in expected.items()
                            if status == "pending" and ref not in first_row)
    return result
