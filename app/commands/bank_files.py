"""Bank files (银行代发文件): the file an approved batch is paid with, and the bank's answer file.

`export_bank_file` writes an approved (or exported) batch's lines in a layout the bank imports
(seed/bank_layouts.json, or a district's own): the same batch and layout always give the same bytes.
The first download records the file (its SHA-256, line count and sum, which must equal the batch's
control totals); each later one must give the same SHA-256 and only counts the download. The batch
becomes exported (`disbursement.mark_exported`: district only, after approval).

`import_return_file` reads the bank's answer (the same columns plus 状态 and 失败原因; xlsx or CSV in
GBK or UTF-8), matches each row with the batch's lines by reference, and records the answers all or
nothing (`disbursement.record_answers`): a file read before (its SHA-256, unique in the database), a file
of another batch, an unknown reference, an amount unlike the line's, a reference answered twice, or a
row that cannot be read is refused with every problem named by its row, and nothing is written.

The file formats are pure rules in app/services/bank_files.py; the xlsx is written here with xlsxwriter
and read with openpyxl (when installed), the libraries the service layer may not import.
"""
import contextlib
import hashlib
import re
import tempfile
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from io import BytesIO

import xlsxwriter
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from app.clock import local_day
from app.commands import disbursement
from app.commands.disbursement import BatchRefused
from app.context import Context
from app.errors import NotFound
from app.labels import enum_label
from app.models import (
    BankFile,
    BankFileLayout,
    BankReturn,
    BatchStatus,
    DisbursementBatch,
    DisbursementLine,
    LineStatus,
)
from app.security import audit
from app.security.scope import limit
from app.services import bank_files as rules
from app.services.bank_files import AnswerFileError, BankFileError, Problem

LARGE = 5_000  # lines from which the workbook is written in xlsxwriter's constant-memory mode
MAX_ANSWER_BYTES = 32 * 1024 * 1024  # an answer file of 100 000 lines is about 10 MB as CSV
MAX_UNPACKED = 512 * 1024 * 1024  # an xlsx answer unpacked (a zip bomb is refused before it is read)
STREAM = 5_000  # lines read from the database at a time
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # a workbook's created date when the batch has no approval moment
XLSX_MAGIC = b"PK\x03\x04"
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


class FileRefused(BatchRefused):
    """A bank file cannot be written, or an answer file cannot be recorded; `problems` lists every
    problem (translated when shown), `matching` is the answer's rows against the batch, if read."""

    def __init__(self, message, problems=(), matching: rules.Matching | None = None):
        super().__init__(message)
        self.problems, self.matching = list(problems), matching


class AlreadyImported(FileRefused):
    """The same answer file (by its SHA-256) was imported before."""


class _Joined:
    """Messages joined with '; ' when shown (translated then), with how many more there are."""

    def __init__(self, items, more: int = 0):
        self.items, self.more = list(items), more

    def __str__(self) -> str:
        text = gettext("; ").join(str(item) for item in self.items)
        return text + gettext(" … and %(n)s more", n=self.more) if self.more else text


# ---- export -----------------------------------------------------------------------------------------


def _layout_row(ctx: Context, batch: DisbursementBatch, layout_id: int | None) -> BankFileLayout:
    """The layout asked for, or the district's default (its own before the one offered to all)."""
    query = limit(ctx.session.query(BankFileLayout), BankFileLayout, ctx.scope).filter(
        BankFileLayout.active.is_(True),
        or_(BankFileLayout.district_id.is_(None), BankFileLayout.district_id == batch.district_id))
    if layout_id is not None:
        row = query.filter(BankFileLayout.id == layout_id).one_or_none()
        if row is None:
            raise NotFound(_l("No such bank file layout, or it is not offered to this district."))
        return row
    row = query.filter(BankFileLayout.is_default.is_(True)).order_by(
        BankFileLayout.district_id.is_(None), BankFileLayout.id).first()
    if row is None:
        raise BatchRefused(_l("No bank file layout is set up for this district; add one first."))
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


# ---- the bank's answer -----------------------------------------------------------------------------


def xlsx_rows(data: bytes) -> Iterator[tuple[int, list]]:
    """(row number, cell values) of the first sheet of an xlsx answer, read as a stream (openpyxl's
    read-only mode); AnswerFileError when it is not a workbook, too large unpacked, or openpyxl is
    not installed."""
    try:
        from openpyxl import load_workbook
    except ImportError:
        raise AnswerFileError([Problem("xlsx_unsupported")]) from None
    try:
        with zipfile.ZipFile(BytesIO(data)) as package:
            if sum(item.file_size for item in package.infolist()) > MAX_UNPACKED:
                raise AnswerFileError([Problem("too_large")])
        book = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except AnswerFileError:
        raise
    except Exception:  # noqa: BLE001  (a broken package, a missing part, bad XML: all mean unreadable)
        raise AnswerFileError([Problem("unreadable")]) from None
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()  # a writer's stated dimension may be wrong: read every row there is
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            found = next((c.row for c in cells if getattr(c, "row", None)), number)
            yield found, [c.value for c in cells]
    except AnswerFileError:
        raise
    except Exception:  # noqa: BLE001
        raise AnswerFileError([Problem("unreadable")]) from None
    finally:
        book.close()


ANSWER_PROBLEMS = {
    "xlsx_unsupported": lambda p: _l("Excel answer files cannot be read on this server yet; ask the bank for "
                                     "the CSV answer file."),
    "unreadable": lambda p: _l("The answer file is not a readable Excel workbook or CSV file."),
    "too_large": lambda p: _l("The answer file is too large once unpacked."),
    "encoding": lambda p: _l("Line %(row)s: the text is neither UTF-8 nor GBK.", row=p.row),
    "malformed": lambda p: _l("Row %(row)s cannot be read (a broken quote or a stray control character).",
                              row=p.row),
    "no_header": lambda p: _l("No header row in the first rows: the answer needs the columns %(columns)s.",
                              columns=p.value),
    "too_many_rows": lambda p: _l("Row %(row)s: the file has more than %(n)s rows.", row=p.row, n=p.value),
    "missing_reference": lambda p: _l("Row %(row)s: the reference is empty.", row=p.row),
    "bad_amount": lambda p: _l("Row %(row)s: \"%(value)s\" is not an amount in yuan with at most two decimals.",
                               row=p.row, value=p.value),
    "missing_status": lambda p: _l("Row %(row)s: the status is empty.", row=p.row),
    "unknown_status": lambda p: _l("Row %(row)s: the status \"%(value)s\" is neither a paid nor a failed word of "
                                   "this layout.", row=p.row, value=p.value),
    "total_mismatch": lambda p: _l("Row %(row)s: the file's total row says %(said)s, its rows hold %(found)s.",
                                   row=p.row, said=p.value, found=p.other),
    "no_rows": lambda p: _l("The answer file has a header but no rows."),
}


def _answer_layouts(ctx: Context, batch: DisbursementBatch) -> list[rules.Layout]:
    """The layouts an answer may follow: those the batch's files were made in, then the others offered
    to the district (its defaults first)."""
    made = [f.layout for f in ctx.session.query(BankFile).filter_by(batch_id=batch.id).order_by(BankFile.id)]
    others = limit(ctx.session.query(BankFileLayout), BankFileLayout, ctx.scope).filter(
        BankFileLayout.active.is_(True),
        or_(BankFileLayout.district_id.is_(None), BankFileLayout.district_id == batch.district_id)).order_by(
        BankFileLayout.is_default.desc(), BankFileLayout.id).all()
    found, seen = [], set()
    for row in [*made, *others]:
        if row.id in seen:
            continue
        seen.add(row.id)
        try:
            found.append(rules.layout_of(row.code, row.file_format.value, row.columns, title_row=row.title_row,
                                         total_row=row.total_row))
        except rules.LayoutError:
            continue  # a layout no longer usable cannot be the answer's either
    return found


def _read(ctx: Context, batch: DisbursementBatch, data: bytes) -> list[rules.Returned]:
    rows = xlsx_rows(data) if data.startswith(XLSX_MAGIC) else rules.csv_rows(data)
    try:
        _layout_used, returned = rules.parse_answers(_answer_layouts(ctx, batch), rows)
    except AnswerFileError as err:
        problems = [ANSWER_PROBLEMS[p.code](p) for p in err.problems]
        raise FileRefused(_l("The answer file cannot be read; nothing was recorded: %(problems)s",
                             problems=_Joined(problems, err.more)), problems) from None
    return returned


def _other_batch(ctx: Context, batch: DisbursementBatch, matching: rules.Matching) -> None:
    """A file none of whose references is this batch's, but another's: refused, naming that batch."""
    if matching.paid or matching.failed or matching.answered_before or matching.mismatched or matching.conflicting:
        return
    references = [a.reference for a in matching.unknown[:100]]
    other = limit(ctx.session.query(DisbursementLine.batch_id), DisbursementLine, ctx.scope).filter(
        DisbursementLine.reference.in_(references)).order_by(DisbursementLine.batch_id).first()
    if other is not None:
        raise FileRefused(_l("This file answers batch %(other)s, not batch %(batch)s; nothing was recorded.",
                             other=other[0], batch=batch.id), matching=matching)


def _refuse_mismatches(ctx: Context, batch: DisbursementBatch, matching: rules.Matching) -> None:
    _other_batch(ctx, batch, matching)
    problems = [(a.row, _l("Row %(row)s: %(reference)s is not in this batch.", row=a.row, reference=a.reference))
                for a in matching.unknown]
    problems += [(a.row, _l("Row %(row)s: %(reference)s answers %(amount)s, the batch pays %(expected)s.",
                            row=a.row, reference=a.reference, amount=rules.money_text(a.amount),
                            expected=rules.money_text(expected))) for a, expected in matching.mismatched]
    problems += [(a.row, _l("Row %(row)s: %(reference)s was answered already in row %(first)s.", row=a.row,
                            reference=a.reference, first=first)) for a, first in matching.duplicates]
    problems += [(a.row, _l("Row %(row)s: %(reference)s was recorded as %(status)s before; this file says "
                            "otherwise.", row=a.row, reference=a.reference,
                            status=enum_label(LineStatus(status)))) for a, status in matching.conflicting]
    listed = [message for _, message in sorted(problems, key=lambda p: p[0])]
    shown = listed[:rules.MAX_PROBLEMS]
    raise FileRefused(_l("The answer does not match the batch (%(unknown)s unknown references, %(mismatched)s "
                         "amounts unlike the batch's, %(duplicates)s repeated, %(conflicting)s unlike an earlier "
                         "answer); nothing was recorded: %(problems)s", unknown=len(matching.unknown),
                         mismatched=len(matching.mismatched), duplicates=len(matching.duplicates),
                         conflicting=len(matching.conflicting),
                         problems=_Joined(shown, len(listed) - len(shown))), listed, matching)


def _check_new(ctx: Context, batch: DisbursementBatch, digest: str) -> None:
    earlier = ctx.session.query(BankReturn).filter_by(sha256=digest).one_or_none()
    if earlier is None:
        return
    day = local_day(earlier.imported_at).isoformat()
    if earlier.batch_id == batch.id:
        raise AlreadyImported(_l("This file was imported already on %(day)s; nothing was recorded.", day=day))
    raise AlreadyImported(_l("This file was imported already on %(day)s, for another batch; nothing was "
                             "recorded.", day=day))


def import_return_file(ctx: Context, batch_id: int, filename: str, data: bytes) -> disbursement.Outcome:
    """Record the bank's answer file for an exported batch (district only), all or nothing; the
    Outcome says how many lines were paid and failed, and for how much."""
    if ctx.scope.school_id is not None:
        raise BatchRefused(_l("Only the district office imports the bank's answer."))
    if not data:
        raise FileRefused(_l("The answer file is empty."))
    if len(data) > MAX_ANSWER_BYTES:
        raise FileRefused(_l("The answer file is larger than %(mb)s MB; ask the bank for this batch's answer "
                             "only.", mb=MAX_ANSWER_BYTES // (1024 * 1024)))
    batch = disbursement.load_batch(ctx, batch_id, lock=True)
    digest = hashlib.sha256(data).hexdigest()
    _check_new(ctx, batch, digest)
    if batch.status is not BatchStatus.EXPORTED:
        raise BatchRefused(_l("Only a batch whose bank file was exported can take the bank's answer."))
    returned = _read(ctx, batch, data)
    expected = {reference: (amount, status.value) for reference, amount, status in ctx.session.execute(
        select(DisbursementLine.reference, DisbursementLine.amount, DisbursementLine.status)
        .where(DisbursementLine.batch_id == batch.id))}
    matching = rules.match(returned, expected)
    if matching.refused:
        _refuse_mismatches(ctx, batch, matching)
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:200] or digest[:16]
    answer = BankReturn(batch_id=batch.id, filename=name, sha256=digest, imported_at=ctx.now,
                        imported_by=ctx.actor.user_id)
    try:
        with ctx.session.begin_nested():  # the same file imported meanwhile by another officer
            ctx.session.add(answer)
    except IntegrityError:
        raise AlreadyImported(_l("This file was imported a moment ago; nothing was recorded.")) from None
    outcome = disbursement.record_answers(ctx, batch.id, [
        disbursement.Answer(a.reference, a.paid, a.amount, a.reason) for a in [*matching.paid, *matching.failed]])
    answer.paid, answer.paid_amount = outcome.paid, outcome.paid_amount
    answer.failed, answer.failed_amount = outcome.failed, outcome.failed_amount
    ctx.session.flush()
    audit.record(ctx, audit.IMPORT, entity="bank_return", entity_id=answer.id, school_id=batch.school_id,
                 detail=f"{name}: paid {outcome.paid} {outcome.paid_amount}, failed {outcome.failed} "
                        f"{outcome.failed_amount}, still pending {len(matching.missing)}",
                 row_count=len(returned),
                 new={"batch_id": batch.id, "sha256": digest, "paid": outcome.paid,
                      "paid_amount": str(outcome.paid_amount), "failed": outcome.failed,
                      "failed_amount": str(outcome.failed_amount), "answered_before": len(matching.answered_before),
                      "pending": len(matching.missing)})
    return outcome
