"""Bank files (银行代发文件): the file an approved batch is paid with.

`export_bank_file` writes an approved (or exported) batch's lines in a layout the bank imports
(seed/bank_layouts.json, or a district's own): the same batch and layout always give the same bytes.
The first download records the file (its SHA-256, line count and sum, which must equal the batch's
control totals); each later one must give the same SHA-256 and only counts the download. The batch
becomes exported (`disbursement.mark_exported`: district only, after approval).

The file formats are pure rules in app/services/bank_files.py; the xlsx is written here with xlsxwriter,
a library the service layer may not import. The bank's answer file is app/commands/bank_returns.py,
which refuses a file with the FileRefused defined here.
"""
import contextlib
import hashlib
import re
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from io import BytesIO

import xlsxwriter
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from app.clock import local_day
from app.commands import disbursement
from app.commands.disbursement import BatchRefused
from app.commands.locking import lock_one
from app.context import Context
from app.errors import NotFound
from app.models import BankFile, BankFileLayout, DisbursementBatch, DisbursementLine, LineStatus
from app.security import audit
from app.security.scope import limit
from app.services import bank_files as rules
from app.services.bank_answers import Matching
from app.services.bank_files import BankFileError

LARGE = 5_000  # lines from which the workbook is written in xlsxwriter's constant-memory mode
STREAM = 5_000  # lines read from the database at a time
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # a workbook's created date when the batch has no approval moment
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')



class FileRefused(BatchRefused):
    """A bank file cannot be written, or an answer file cannot be recorded; `problems` lists every
    problem (translated when shown), `matching` is the answer's rows against the batch, if read."""

    def __init__(self, message, problems=(), matching: Matching | None = None):
        super().__init__(message)
        self.problems, self.matching = list(problems), matching


class _Joined:
    """Messages joined with '; ' when shown (translated then), with how many more there are."""

    def __init__(self, items, more: int = 0):
        self.items, self.more = list(items), more

    def __str__(self) -> str:
        text = gettext("; ").join(str(item) for item in self.items)
        return text + gettext(" … and %(n)s more", n=self.more) if self.more else text


def _layout_row(ctx: Context, batch: DisbursementBatch, layout_id: int | None) -> BankFileLayout:
    """The layout asked for, or the district's default (its own before the one offered to all)."""
    query = limit(ctx.session.query(BankFileLayout), BankFileLayout, ctx.scope).filter(
        BankFileLayout.active.is_(True),
        or_(BankFileLayout.district_id.is_(None), BankFileLayout.district_id == batch.district_id))
    if layout_id is None:
        found = query.filter(BankFileLayout.is_default.is_(True)).order_by(
            BankFileLayout.district_id.is_(None), BankFileLayout.id).with_entities(BankFileLayout.id).first()
        if found is None:
            raise BatchRefused(_l("No bank file layout is set up for this district; add one first."))
        layout_id = found.id
    # locked until the file is recorded: a save of the layout's columns (bank_layouts.save_layout, which
    # counts the files made under the same lock) waits, so no file is made in columns about to change
    row = lock_one(ctx.session, query.filter(BankFileLayout.id == layout_id), BankFileLayout, layout_id)
    if row is None:
        raise NotFound(_l("No such bank file layout, or it is not offered to this district."))
    return row


def _layout(row: BankFileLayout) -> rules.Layout:
    try:
        return rules.layout_of(row.code, row.file_format.value, row.columns, title_row=row.title_row,
                               total_row=row.total_row)
    except rules.LayoutError as err:
        raise BatchRefused(_l("The bank file layout %(name)s cannot be used (%(problem)s); correct it first.",
                              name=row.name, problem=str(err))) from None


def _payment_lines(ctx: Context, batch_id: int) -> Iterator[rules.PaymentLine]:
    """The batch's lines in their order, read a few thousand at a time."""
    statement = (select(DisbursementLine.reference, DisbursementLine.payee_name, DisbursementLine.payee_id_number,
                        DisbursementLine.bank_name, DisbursementLine.bank_account, DisbursementLine.amount)
                 .where(DisbursementLine.batch_id == batch_id, DisbursementLine.status != LineStatus.CANCELLED)
                 .order_by(DisbursementLine.id).execution_options(yield_per=STREAM))
    for row in ctx.session.execute(statement):
        yield rules.PaymentLine(*row)


def write_xlsx(rendering: rules.Rendering, *, created: datetime = EPOCH, constant_memory: bool = False) -> bytes:
    """The workbook of a rendering, in memory, always the same bytes for the same rows: its created date
    is given, every part of the package has xlsxwriter's fixed timestamp. Text is written as text (an ID
    or account number never becomes a number), amounts as exact text (or exact numbers, as the layout
    says). In constant-memory mode the rows pass through temporary files in a folder of their own,
    removed whatever happens."""
    with tempfile.TemporaryDirectory(prefix="zizhu-bank-") as folder:
        buffer = BytesIO()
        book = xlsxwriter.Workbook(buffer, {"constant_memory": constant_memory, "in_memory": not constant_memory,
                                            "tmpdir": folder, "strings_to_numbers": False,
                                            "strings_to_formulas": False, "strings_to_urls": False})
        try:
            _fill_workbook(book, rendering, created)
        except BaseException:
            with contextlib.suppress(Exception):
                book.close()  # its temporary files closed; the half-written bytes are thrown away
            raise
        book.close()
        return buffer.getvalue()


def _fill_workbook(book, rendering: rules.Rendering, created: datetime) -> None:
    layout = rendering.layout
    book.set_properties({"created": created.replace(microsecond=0)})
    formats = {
        "title": book.add_format({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"}),
        "header": book.add_format({"bold": True, "border": 1, "align": "center", "bg_color": "#E8EEF7"}),
        "text": book.add_format({"border": 1, "num_format": "@"}),
        "int": book.add_format({"border": 1}),
        "money": book.add_format({"border": 1, "num_format": "0.00"}),
    }
    sheet = book.add_worksheet(layout.sheet)
    for index, column in enumerate(layout.columns):
        sheet.set_column(index, index, column.width)
    numbers = [c.number for c in layout.columns]
    at = [c.field for c in layout.columns].index("reference")
    row = 0
    if rendering.title is not None:
        if len(layout.columns) > 1:
            sheet.merge_range(0, 0, 0, len(layout.columns) - 1, rendering.title, formats["title"])
        else:
            sheet.write_string(0, 0, rendering.title, formats["title"])
        row = 1
    for col, text in enumerate(rendering.header):
        sheet.write_string(row, col, text, formats["header"])
    for cells in rendering.rows():
        row += 1
        _write_row(sheet, row, cells, numbers, formats, cells[at])
    total = rendering.total_row()
    if total is not None:  # the count as a number; the sum as the amounts are written
        money_as_number = next(c.number for c in layout.columns if c.field == "amount")
        _write_row(sheet, row + 1, total, [isinstance(v, int) or money_as_number for v in total], formats)


def _write_row(sheet, row: int, cells: list, numbers: list, formats: dict, reference: str = "") -> None:
    for col, value in enumerate(cells):
        as_number = col < len(numbers) and numbers[col]
        if value == "":
            sheet.write_blank(row, col, None, formats["text"])
        elif isinstance(value, int) and as_number:
            sheet.write_number(row, col, value, formats["int"])
        elif isinstance(value, Decimal) and as_number:
            try:
                sheet.write_number(row, col, rules.exact_number(value), formats["money"])
            except ValueError:
                raise BankFileError("inexact_amount", [(row + 1, reference, rules.money_text(value))]) from None
        else:
            text = rules.money_text(value) if isinstance(value, Decimal) else str(value)
            sheet.write_string(row, col, text, formats["text"])


def _safe_name(text: str) -> str:
    return _UNSAFE_NAME.sub("_", text).strip(" ._") or "-"


def _filename(batch: DisbursementBatch, layout: rules.Layout) -> str:
    """发放清单-<school>-<term>-<batch id>.xlsx (or .csv)."""
    extension = "xlsx" if layout.file_format == rules.XLSX else "csv"
    parts = (gettext("Payment list"), batch.school.name, batch.term.name)
    return f"{'-'.join(_safe_name(p) for p in parts)[:180]}-{batch.id}.{extension}"


EXPORT_PROBLEMS = {
    "required_empty": lambda row, reference, value: _l(
        "Row %(row)s (%(reference)s): %(column)s is empty; the bank needs it.", row=row, reference=reference,
        column=value),
    "bad_amount": lambda row, reference, value: _l(
        "Row %(row)s (%(reference)s): %(amount)s is not a positive amount in fen.", row=row, reference=reference,
        amount=value),
    "inexact_amount": lambda row, reference, value: _l(
        "Row %(row)s (%(reference)s): %(amount)s cannot be written exactly as a number cell; make the layout's "
        "amount column text.", row=row, reference=reference, amount=value),
    "not_gbk": lambda row, reference, value: _l(
        "Row %(row)s (%(reference)s): the character %(char)s cannot be written in GBK; use the Excel layout or "
        "the way the bank writes the name.", row=row, reference=reference, char=value),
}


def _render(ctx: Context, batch: DisbursementBatch, layout: rules.Layout) -> tuple[bytes, rules.Rendering]:
    facts = rules.BatchFacts(batch.id, batch.title, batch.school.name, batch.term.name, batch.aid_item.name)
    rendering = rules.Rendering(layout, facts, _payment_lines(ctx, batch.id))
    try:
        if layout.file_format == rules.XLSX:
            data = write_xlsx(rendering, created=batch.approved_on or EPOCH,
                              constant_memory=batch.line_count >= LARGE)
        else:
            data = rules.write_csv(rendering)
    except BankFileError as err:
        problems = [EXPORT_PROBLEMS[err.code](*row) for row in err.rows]
        raise FileRefused(_l("The bank file cannot be written: %(problems)s", problems=_Joined(problems, err.more)),
                          problems) from None
    if (rendering.count, rendering.total) != (batch.line_count, batch.total):
        raise BatchRefused(_l("The batch's lines (%(count)s, %(total)s) no longer match its control totals "
                              "(%(line_count)s, %(batch_total)s); no bank file is made.", count=rendering.count,
                              total=rules.money_text(rendering.total), line_count=batch.line_count,
                              batch_total=rules.money_text(batch.total)))
    return data, rendering


def export_bank_file(ctx: Context, batch_id: int, layout_id: int | None = None) -> tuple[str, bytes]:
    """(file name, bytes) of the bank file of an approved or exported batch in the scope (district
    only), in the layout asked for or the default one. The first time, the file is recorded (SHA-256,
    count and sum); later, the same bytes again (checked by their SHA-256) and one more download."""
    batch = disbursement.mark_exported(ctx, batch_id)  # in scope, locked, district only, approved or exported
    row = _layout_row(ctx, batch, layout_id)
    layout = _layout(row)
    data, rendering = _render(ctx, batch, layout)
    digest = hashlib.sha256(data).hexdigest()
    made = ctx.session.query(BankFile).filter_by(batch_id=batch.id, layout_id=row.id).one_or_none()
    if made is None:
        made = BankFile(batch_id=batch.id, layout_id=row.id, filename=_filename(batch, layout), sha256=digest,
                        line_count=rendering.count, total=rendering.total, made_at=ctx.now,
                        made_by=ctx.actor.user_id, downloads=1)
        ctx.session.add(made)
        ctx.session.flush()
    elif made.sha256 != digest:
        raise FileRefused(_l("The bank file would differ from the one made on %(day)s (a name in it or the "
                             "layout changed since); the bank must never get two different files for one "
                             "batch. Ask the district's administrator.", day=local_day(made.made_at).isoformat()))
    else:
        made.downloads += 1
        ctx.session.flush()
    audit.record(ctx, audit.EXPORT, entity="bank_file", entity_id=made.id, school_id=batch.school_id,
                 detail=f"{made.filename} sha256 {digest[:16]}… download {made.downloads}",
                 row_count=rendering.count,
                 new={"batch_id": batch.id, "layout": row.code, "line_count": rendering.count,
                      "total": rules.money_text(rendering.total), "sha256": digest, "downloads": made.downloads})
    return made.filename, data
