"""The bank's answer file (回盘文件): what the bank paid and failed of an exported batch.

`import_return_file` reads the bank's answer (the same columns plus 状态 and 失败原因; xlsx or CSV in
GBK or UTF-8), matches each row with the batch's lines by reference, and records the answers all or
nothing (`disbursement.record_answers`): a file read before (its SHA-256, unique in the database), a file
of another batch, an unknown reference, an amount unlike the line's, a reference answered twice, or a
row that cannot be read is refused with every problem named by its row, and nothing is written.

Reading and matching are pure rules in app/services/bank_answers.py; the xlsx is read here with openpyxl
(when installed), a library the service layer may not import.
"""
import hashlib
import zipfile
from collections.abc import Iterator
from io import BytesIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from app.clock import local_day
from app.commands import disbursement
from app.commands.bank_files import FileRefused, _Joined
from app.commands.disbursement import BatchRefused
from app.context import Context
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
from app.services import bank_answers
from app.services import bank_files as rules
from app.services.bank_answers import AnswerFileError, Problem

MAX_ANSWER_BYTES = 32 * 1024 * 1024  # an answer file of 100 000 lines is about 10 MB as CSV
MAX_UNPACKED = 512 * 1024 * 1024  # an xlsx answer unpacked (a zip bomb is refused before it is read)
XLSX_MAGIC = b"PK\x03\x04"


class AlreadyImported(FileRefused):
    """The same answer file (by its SHA-256) was imported before."""


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


def _read(ctx: Context, batch: DisbursementBatch, data: bytes) -> list[bank_answers.Returned]:
    rows = xlsx_rows(data) if data.startswith(XLSX_MAGIC) else bank_answers.csv_rows(data)
    try:
        _layout_used, returned = bank_answers.parse_answers(_answer_layouts(ctx, batch), rows)
    except AnswerFileError as err:
        problems = [ANSWER_PROBLEMS[p.code](p) for p in err.problems]
        raise FileRefused(_l("The answer file cannot be read; nothing was recorded: %(problems)s",
                             problems=_Joined(problems, err.more)), problems) from None
    return returned


def _other_batch(ctx: Context, batch: DisbursementBatch, matching: bank_answers.Matching) -> None:
    """A file none of whose references is this batch's, but another's: refused, naming that batch."""
    if matching.paid or matching.failed or matching.answered_before or matching.mismatched or matching.conflicting:
        return
    references = [a.reference for a in matching.unknown[:100]]
    other = limit(ctx.session.query(DisbursementLine.batch_id), DisbursementLine, ctx.scope).filter(
        DisbursementLine.reference.in_(references)).order_by(DisbursementLine.batch_id).first()
    if other is not None:
        raise FileRefused(_l("This file answers batch %(other)s, not batch %(batch)s; nothing was recorded.",
                             other=other[0], batch=batch.id), matching=matching)


def _refuse_mismatches(ctx: Context, batch: DisbursementBatch, matching: bank_answers.Matching) -> None:
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
    matching = bank_answers.match(returned, expected)
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

