"""Bank files of approved batches and the bank's answers (issue 13, item 4; checklist G 57, 58): the same batch
gives the same bytes, the file's count and sum are the batch's, only the district exports and only after approval;
an answer is recorded once, all or nothing, every problem named by its row; Σpaid + Σfailed = the batch's total."""
import csv
import hashlib
import io
import itertools
import re
import threading
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
import xlsxwriter
from flask_babel import force_locale

from app.commands import bank_files, bank_returns, disbursement, funds
from app.errors import NotFound
from app.models import (
    AuditEvent,
    BankFile,
    BankFileLayout,
    BankReturn,
    BatchStatus,
    DisbursementLine,
    EntryKind,
    FileFormat,
    LedgerEntry,
    LineStatus,
)
from app.services import batch_flow
from app.services.validation import make_id_number
from tests.commands.test_money import Money
from tests.context import context
from tests.factories import make_district, make_entitlement, make_household, make_student
from tests.xlsx_read import cells, parts

M = Decimal
_guardians = itertools.count(1)


class Bank(Money):
    """Money's district, with pupils whose guardian's ID number the 一卡通 platform needs, and approved batches."""

    def payee(self, *, name="王建国", account=None, amount="312.50", guardian_id=True):
        n = next(_guardians)
        household = make_household(self.session, district=self.place.school.district, payee_name=name,
                                   bank_name="农村信用社", bank_account=account or f"62170000{n:011d}",
                                   guardian_id_number=make_id_number("990101", date(1985, 5, 1), n) if guardian_id
                                   else None)
        student = make_student(self.session, school=self.place.school, household=household)
        make_entitlement(self.session, student, amount=amount)
        self.session.commit()
        return student

    def approved(self, count=3, **kw):
        for _ in range(count):
            self.payee(**kw)
        batch = self.batch()
        disbursement.submit(self.school(), batch.id)
        self.session.commit()
        disbursement.approve(self.district(self.second), batch.id)
        self.session.commit()
        return batch

    def layout(self, code) -> BankFileLayout:
        return self.session.query(BankFileLayout).filter_by(code=code).one()

    def export(self, batch, code=None, ctx=None):
        layout_id = self.layout(code).id if code else None
        found = bank_files.export_bank_file(ctx or self.district(), batch.id, layout_id)
        self.session.commit()
        return found

    def answer(self, batch, statuses: dict, *, amounts=None, extra=(), encoding="gbk") -> bytes:
        """The bank's CSV answer: the exported rows plus 状态 and 失败原因 (status by reference, 成功 by default)."""
        _, data = self.export(batch, "agent_bank_csv")
        rows = list(csv.reader(io.StringIO(data.decode("gbk"), newline="")))
        out = io.StringIO(newline="")
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow([*rows[0], "状态", "失败原因"])
        for account, name, amount, reference in rows[1:-1]:
            status = statuses.get(reference, "成功")
            if status is None:
                continue
            amount = (amounts or {}).get(reference, amount)
            writer.writerow([account, name, amount, reference, status, "账户已冻结" if status == "失败" else ""])
        for row in extra:
            writer.writerow(row)
        return out.getvalue().encode(encoding)

    def import_(self, batch, data, ctx=None, name="回盘.csv"):
        outcome = bank_returns.import_return_file(ctx or self.district(), batch.id, name, data)
        self.session.commit()
        return outcome

    def references(self, batch) -> list[str]:
        return [r for (r,) in self.session.query(DisbursementLine.reference).filter_by(batch_id=batch.id)
                .order_by(DisbursementLine.id)]

    def statuses(self, batch) -> list[LineStatus]:
        self.session.expire_all()
        return [s for (s,) in self.session.query(DisbursementLine.status).filter_by(batch_id=batch.id)
                .order_by(DisbursementLine.id)]


@pytest.fixture
def bank(session, place, make_user, clock):
    return Bank(session, place, make_user, clock)


def english(err) -> str:
    """A refusal's message as an English reader sees it."""
    with force_locale("en"):
        return str(err)


@contextmanager
def refused(kind, pattern: str):
    """pytest.raises(kind) whose English message matches `pattern`."""
    with pytest.raises(kind) as caught:
        yield caught
    assert re.search(pattern, english(caught.value)), english(caught.value)


def _events(session, action):
    return session.query(AuditEvent).filter_by(action=action).order_by(AuditEvent.id).all()


# ---- export ----


def test_two_exports_give_the_same_bytes_and_one_record(bank, session):
    batch = bank.approved()
    name, first = bank.export(batch)
    again_name, again = bank.export(batch)
    assert first == again and name == again_name
    assert name.endswith(f"-{batch.id}.xlsx") and bank.place.school.name in name
    made = session.query(BankFile).one()
    assert made.sha256 == hashlib.sha256(first).hexdigest()
    assert (made.line_count, made.total, made.downloads) == (3, M("937.50"), 2)
    session.refresh(batch)
    assert batch.status is BatchStatus.EXPORTED and batch.exported_on is not None
    exports = [e for e in _events(session, "export") if e.entity == "bank_file"]
    assert [e.row_count for e in exports] == [3, 3]
    csv_name, csv_data = bank.export(batch, "agent_bank_csv")
    assert csv_name.endswith(".csv") and bank.export(batch, "agent_bank_csv")[1] == csv_data
    assert session.query(BankFile).count() == 2


def test_the_xlsx_holds_the_batchs_count_and_sum_with_ids_and_accounts_as_text(bank, session):
    batch = bank.approved()
    _, data = bank.export(batch)
    rows = cells(data)
    assert rows[0][0].startswith("家庭经济困难学生生活补助") and rows[1] == [
        "序号", "姓名", "身份证号码", "一卡通账号", "发放金额", "补贴项目", "备注"]
    lines = rows[2:-1]
    assert [r[0] for r in lines] == ["1", "2", "3"]
    assert len(lines) == batch.line_count and sum(M(r[4]) for r in lines) == batch.total
    assert [r[6] for r in lines] == bank.references(batch)
    assert all(len(r[2]) == 18 and r[3].startswith("62170000") for r in lines)
    assert rows[-1][:5] == ["合计", "共3笔", None, None, "937.50"]
    xml = parts(data)["xl/worksheets/sheet1.xml"]
    assert 't="s"' in xml or "inlineStr" in xml
    assert "<f>" not in xml  # no formula anywhere


def test_the_csv_is_gbk_and_its_total_row_is_the_batchs(bank, session):
    batch = bank.approved()
    _, data = bank.export(batch, "agent_bank_csv")
    rows = list(csv.reader(io.StringIO(data.decode("gbk"), newline="")))
    assert rows[0] == ["账号", "户名", "金额", "摘要"]
    assert [r[3] for r in rows[1:-1]] == bank.references(batch)
    assert rows[-1] == ["总笔数", str(batch.line_count), "总金额", f"{batch.total:.2f}"]
    assert sum(M(r[2]) for r in rows[1:-1]) == batch.total
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


def test_a_name_a_spreadsheet_would_run_as_a_formula_is_neutralised(bank, session):
    batch = bank.approved(1, name="=HYPERLINK(\"http://x\",\"点\")")
    _, data = bank.export(batch)
    assert cells(data)[2][1] == "'=HYPERLINK(\"http://x\",\"点\")"
    _, text = bank.export(batch, "agent_bank_csv")
    assert list(csv.reader(io.StringIO(text.decode("gbk"))))[1][1].startswith("'=")


def test_export_before_approval_is_refused_and_nothing_is_made(bank, session):
    for _ in range(2):
        bank.payee()
    batch = bank.batch()
    with refused(disbursement.BatchRefused, "Cannot export"):
        bank_files.export_bank_file(bank.district(), batch.id)
    session.rollback()
    disbursement.submit(bank.school(), batch.id)
    session.commit()
    with refused(disbursement.BatchRefused, "Cannot export"):
        bank_files.export_bank_file(bank.district(), batch.id)
    session.rollback()
    assert session.query(BankFile).count() == 0 and session.get(type(batch), batch.id).status is BatchStatus.SUBMITTED


def test_a_school_cannot_export_its_batch(bank, session):
    batch = bank.approved(1)
    with refused(disbursement.BatchRefused, "Only the district"):
        bank_files.export_bank_file(bank.school(), batch.id)
    session.rollback()
    assert session.query(BankFile).count() == 0


def test_another_districts_layout_is_not_offered(bank, session):
    batch = bank.approved(1)
    other = make_district(session)
    theirs = BankFileLayout(code="their_bank", name="他县银行", district_id=other.id, file_format=FileFormat.CSV_GBK,
                            columns=[{"field": "reference", "title": "摘要"}, {"field": "amount", "title": "金额"}],
                            title_row=False, total_row=True, is_default=True, active=True)
    session.add(theirs)
    session.commit()
    with pytest.raises(NotFound):
        bank_files.export_bank_file(bank.district(), batch.id, theirs.id)
    session.rollback()
    name, _ = bank_files.export_bank_file(bank.district(), batch.id)  # the default offered to all, not theirs
    assert name.endswith(".xlsx")


def test_a_districts_own_default_layout_comes_first(bank, session):
    batch = bank.approved(1)
    own = BankFileLayout(code="own_bank", name="本县农商行", district_id=bank.place.school.district_id,
                         file_format=FileFormat.CSV_GBK, title_row=False, total_row=False, is_default=True,
                         active=True, columns=[{"field": "reference", "title": "流水号"},
                                               {"field": "bank_account", "title": "卡号"},
                                               {"field": "amount", "title": "金额"}])
    session.add(own)
    session.commit()
    name, data = bank.export(batch)
    rows = list(csv.reader(io.StringIO(data.decode("gbk"))))
    assert name.endswith(".csv") and rows[0] == ["流水号", "卡号", "金额"] and len(rows) == 2


def test_a_line_without_the_id_number_the_platform_needs_is_refused_naming_its_row(bank, session):
    bank.payee()
    bank.payee(guardian_id=False)
    batch = bank.approved(0)
    with pytest.raises(bank_files.FileRefused) as caught:
        bank_files.export_bank_file(bank.district(), batch.id)
    session.rollback()
    message = english(caught.value)
    assert "Row 4" in message and bank.references(batch)[1] in message
    assert session.query(BankFile).count() == 0
    assert bank.export(batch, "agent_bank_csv")[0].endswith(".csv")  # the agent bank needs no ID number


def test_a_changed_name_never_gives_the_bank_a_second_different_file(bank, session):
    batch = bank.approved(1)
    bank.export(batch)
    item = batch.aid_item
    item.name = item.name + "（调整）"
    session.commit()
    with refused(bank_files.FileRefused, "never get two different files"):
        bank_files.export_bank_file(bank.district(), batch.id)
    session.rollback()
    assert session.query(BankFile).one().downloads == 1


# ---- the bank's answer ----


def test_a_full_answer_pays_and_fails_lines_and_the_sums_make_the_batch_total(bank, session):
    batch = bank.approved(3)
    refs = bank.references(batch)
    outcome = bank.import_(batch, bank.answer(batch, {refs[1]: "失败"}))
    assert (outcome.paid, outcome.paid_amount, outcome.failed, outcome.failed_amount) == (
        2, M("625.00"), 1, M("312.50"))
    assert outcome.paid_amount + outcome.failed_amount == batch.total
    assert bank.statuses(batch) == [LineStatus.PAID, LineStatus.FAILED, LineStatus.PAID]
    failed = session.query(DisbursementLine).filter_by(reference=refs[1]).one()
    assert failed.failure_reason == "账户已冻结"
    session.refresh(batch)
    assert batch.status is BatchStatus.RECONCILED
    answer = session.query(BankReturn).one()
    assert (answer.paid, answer.paid_amount, answer.failed, answer.failed_amount) == (2, M("625.00"), 1, M("312.50"))
    assert answer.filename == "回盘.csv"
    imports = [e for e in _events(session, "import") if e.entity == "bank_return"]
    assert len(imports) == 1 and imports[0].row_count == 3


def test_the_same_file_twice_is_refused_and_changes_nothing(bank, session):
    batch = bank.approved(3)
    refs = bank.references(batch)
    first = bank.answer(batch, {refs[2]: None})  # the bank answers two lines first
    bank.import_(batch, first)
    with refused(bank_returns.AlreadyImported, "imported already"):
        bank_returns.import_return_file(bank.district(), batch.id, "again.csv", first)
    session.rollback()
    assert session.query(BankReturn).count() == 1
    assert bank.statuses(batch) == [LineStatus.PAID, LineStatus.PAID, LineStatus.PENDING]
    bank.import_(batch, bank.answer(batch, {}))  # then the whole batch: the two paid before are left as they are
    assert bank.statuses(batch) == [LineStatus.PAID] * 3
    assert session.query(BankReturn).order_by(BankReturn.id).all()[1].paid == 1


def test_one_of_each_case_is_classified_and_nothing_is_written(bank, session):
    batch = bank.approved(3)
    refs = bank.references(batch)
    data = bank.answer(batch, {refs[1]: "失败"}, amounts={refs[2]: "300.00"},
                       extra=[["6217", "王五", "312.50", "ZZ9999999000001", "成功", ""],
                              ["6217", "王建国", "312.50", refs[0], "成功", ""]])
    with pytest.raises(bank_files.FileRefused) as caught:
        bank_returns.import_return_file(bank.district(), batch.id, "回盘.csv", data)
    session.rollback()
    found = caught.value.matching
    assert [a.reference for a in found.paid] == [refs[0]] and [a.reference for a in found.failed] == [refs[1]]
    assert [a.reference for a in found.unknown] == ["ZZ9999999000001"]
    assert [(a.reference, a.amount, amount) for a, amount in found.mismatched] == [(refs[2], M("300.00"), M("312.50"))]
    assert [(a.row, first) for a, first in found.duplicates] == [(6, 2)]
    message = english(caught.value)
    assert "Row 4" in message and "Row 5" in message and "Row 6" in message and "nothing was recorded" in message
    assert bank.statuses(batch) == [LineStatus.PENDING] * 3
    assert session.query(BankReturn).count() == 0
    assert session.query(LedgerEntry).filter(LedgerEntry.kind.in_([EntryKind.PAYMENT, EntryKind.RELEASE])).count() == 0


def test_a_file_of_another_batch_is_refused_naming_it(bank, session):
    funds.allocate(bank.district(), bank.account.id, school_id=bank.place.school.id, aid_item_id=bank.item.id,
                   term_id=bank.term.id, amount="1000.00")
    session.commit()
    first = bank.approved(2)
    second = bank.approved(2)
    bank.export(first)
    data = bank.answer(second, {})
    with refused(bank_files.FileRefused, f"answers batch {second.id}, not batch {first.id}"):
        bank_returns.import_return_file(bank.district(), first.id, "回盘.csv", data)
    session.rollback()
    assert bank.statuses(first) == [LineStatus.PENDING] * 2


@pytest.mark.parametrize("row, expected", [
    (["6217", "王", "三百元", "{ref}", "成功", ""], "Row 2: \"三百元\" is not an amount"),
    (["6217", "王", "312.50", "", "成功", ""], "Row 2: the reference is empty"),
    (["6217", "王", "312.50", "{ref}", "待查", ""], "Row 2: the status \"待查\""),
])
def test_a_malformed_row_is_refused_naming_it(bank, session, row, expected):
    batch = bank.approved(1)
    bank.export(batch)
    text = "账号,户名,金额,摘要,状态,失败原因\r\n" + ",".join(row).format(ref=bank.references(batch)[0]) + "\r\n"
    with refused(bank_files.FileRefused, expected):
        bank_returns.import_return_file(bank.district(), batch.id, "回盘.csv", text.encode("gbk"))
    session.rollback()
    assert bank.statuses(batch) == [LineStatus.PENDING] and session.query(BankReturn).count() == 0


def test_an_empty_oversized_or_headless_file_is_refused(bank, session, monkeypatch):
    batch = bank.approved(1)
    bank.export(batch)
    with refused(bank_files.FileRefused, "empty"):
        bank_returns.import_return_file(bank.district(), batch.id, "x.csv", b"")
    monkeypatch.setattr(bank_returns, "MAX_ANSWER_BYTES", 1024 * 1024)
    with refused(bank_files.FileRefused, "larger than 1 MB"):
        bank_returns.import_return_file(bank.district(), batch.id, "x.csv", b"x" * (1024 * 1024 + 1))
    with refused(bank_files.FileRefused, "No header row"):
        bank_returns.import_return_file(bank.district(), batch.id, "x.csv", b"a,b\r\n1,2\r\n")
    with refused(bank_files.FileRefused, "not a readable Excel|ask the bank for the CSV"):
        bank_returns.import_return_file(bank.district(), batch.id, "x.xlsx", b"PK\x03\x04broken")
    session.rollback()


def test_a_school_imports_no_answer_and_a_batch_not_exported_takes_none(bank, session):
    batch = bank.approved(1)
    with refused(disbursement.BatchRefused, "Only a batch whose bank file was exported"):
        bank_returns.import_return_file(bank.district(), batch.id, "x.csv", b"a")
    session.rollback()
    bank.export(batch)
    with refused(disbursement.BatchRefused, "Only the district office"):
        bank_returns.import_return_file(bank.school(), batch.id, "x.csv", bank.answer(batch, {}))
    session.rollback()


def test_an_answer_unlike_an_earlier_one_is_refused(bank, session):
    batch = bank.approved(2)
    refs = bank.references(batch)
    bank.import_(batch, bank.answer(batch, {refs[1]: None}))
    data = bank.answer(batch, {refs[0]: "失败"})
    with refused(bank_files.FileRefused, "recorded as"):
        bank_returns.import_return_file(bank.district(), batch.id, "回盘2.csv", data)
    session.rollback()
    assert bank.statuses(batch) == [LineStatus.PAID, LineStatus.PENDING]


def test_failed_lines_go_into_a_new_batch(bank, session):
    batch = bank.approved(3)
    refs = bank.references(batch)
    bank.import_(batch, bank.answer(batch, {refs[0]: "退回", refs[2]: "失败"}))
    failed = session.query(DisbursementLine).filter(DisbursementLine.reference.in_([refs[0], refs[2]])).all()
    found = disbursement.preview(bank.school(), term_id=bank.term.id, aid_item_id=bank.item.id,
                                 school_id=bank.place.school.id)
    assert sorted(c.student_id for c in found.eligible) == sorted(line.student_id for line in failed)
    assert batch_flow.ALREADY_PAID in {c.reason for c in found.excluded}
    again = bank.batch()
    assert (again.line_count, again.total) == (2, M("625.00"))


def test_an_xlsx_answer_is_read_when_openpyxl_is_installed(bank, session):
    pytest.importorskip("openpyxl")
    batch = bank.approved(2)
    refs = bank.references(batch)
    _, exported = bank.export(batch)
    rows = cells(exported)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, [rows[0][0]])
    sheet.write_row(1, 0, [*rows[1], "状态", "失败原因"])
    sheet.write_row(2, 0, [1, *rows[2][1:4], 312.5, rows[2][5], refs[0], "已发放", ""])
    sheet.write_row(3, 0, [2, *rows[3][1:4], 312.5, rows[3][5], refs[1], "退回", "户名不符"])
    sheet.write_row(4, 0, ["合计", "共2笔", None, None, 625])
    book.close()
    outcome = bank.import_(batch, buffer.getvalue(), name="回盘.xlsx")
    assert (outcome.paid, outcome.failed) == (1, 1)
    assert session.query(DisbursementLine).filter_by(reference=refs[1]).one().failure_reason == "户名不符"


def test_without_openpyxl_an_xlsx_answer_is_refused_asking_for_csv(bank, session, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "openpyxl", None)
    batch = bank.approved(1)
    _, exported = bank.export(batch)
    with refused(bank_files.FileRefused, "ask the bank for the CSV"):
        bank_returns.import_return_file(bank.district(), batch.id, "回盘.xlsx", exported)
    session.rollback()


def test_the_same_file_imported_twice_at_once_is_recorded_once(app, bank, session):
    """Two officers import the same answer at the same moment (real threads, each its own session): one
    records it, the other is refused; on SQLite and on PostgreSQL."""
    from app.extensions import db
    from app.models import User
    from app.runner import run

    batch = bank.approved(2)
    data = bank.answer(batch, {})
    barrier, outcomes, errors = threading.Barrier(2, timeout=60), [], []
    user_id, scope = bank.district_user.id, bank.place.district_scope

    def officer() -> None:
        try:
            with app.app_context():
                ctx = context(db.session, scope, user=db.session.get(User, user_id), clock=bank.clock)
                db.session.rollback()
                barrier.wait()
                try:
                    run(ctx, bank_returns.import_return_file, batch.id, "回盘.csv", data)
                    outcomes.append("recorded")
                except bank_returns.AlreadyImported:
                    outcomes.append("refused")
                finally:
                    db.session.remove()
        except Exception as err:  # noqa: BLE001  (reported in the test's thread)
            errors.append(err)

    threads = [threading.Thread(target=officer, daemon=True) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert sorted(outcomes) == ["recorded", "refused"]
    session.expire_all()
    assert session.query(BankReturn).count() == 1
    assert bank.statuses(batch) == [LineStatus.PAID] * 2


def test_a_large_batchs_workbook_written_in_constant_memory_is_the_same_bytes_too(bank, session, monkeypatch):
    monkeypatch.setattr(bank_files, "LARGE", 2)
    batch = bank.approved(3)
    _, first = bank.export(batch)
    _, again = bank.export(batch)
    assert first == again and "inlineStr" in parts(first)["xl/worksheets/sheet1.xml"]
    rows = cells(first)
    assert [r[6] for r in rows[2:-1]] == bank.references(batch) and rows[-1][4] == "937.50"


def _number_layout(session, district_id):
    layout = BankFileLayout(code="number_amounts", name="数值金额", district_id=district_id,
                            file_format=FileFormat.XLSX, title_row=False, total_row=True, is_default=False,
                            active=True, columns=[{"field": "reference", "title": "备注"},
                                                  {"field": "amount", "title": "金额", "type": "number"}])
    session.add(layout)
    session.commit()
    return layout


def test_a_number_amount_column_holds_exact_numbers_or_refuses_the_file(bank, session):
    layout = _number_layout(session, bank.place.school.district_id)
    batch = bank.approved(2)
    _, data = bank_files.export_bank_file(bank.district(), batch.id, layout.id)
    session.commit()
    xml = parts(data)["xl/worksheets/sheet1.xml"]
    assert "<v>312.5</v>" in xml and "<v>625</v>" in xml  # numbers that read back as 312.50 and 625.00
    odd = bank.approved(1, amount="8.53")  # 8.53 as a double is written 8.529999999999999
    with refused(bank_files.FileRefused, r"8\.53 cannot be written exactly"):
        bank_files.export_bank_file(bank.district(), odd.id, layout.id)
    session.rollback()


def test_a_refused_large_workbook_leaves_no_temporary_file(bank, session, monkeypatch):
    import os
    import tempfile

    monkeypatch.setattr(bank_files, "LARGE", 1)
    before = {name for name in os.listdir(tempfile.gettempdir()) if name.startswith("zizhu-bank-")}
    bank.payee(guardian_id=False)
    batch = bank.approved(1)
    with pytest.raises(bank_files.FileRefused):
        bank_files.export_bank_file(bank.district(), batch.id)
    session.rollback()
    after = {name for name in os.listdir(tempfile.gettempdir()) if name.startswith("zizhu-bank-")}
    assert after == before
