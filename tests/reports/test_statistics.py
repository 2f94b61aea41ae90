"""The statistical reports match the ledger to the fen: the use of funds equals the account balances and the
allocations' books, the aid summary's paid amount the PAID lines, the identification summary the approved
applications by tier; each is scoped, has a totals row and a print set-up (written through the one Sheet),
and prints as a page of its own."""
import re
import uuid
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest

from app.commands import disbursement
from app.models import (
    ApplicationStatus,
    AuditEvent,
    DisbursementLine,
    Entitlement,
    LineStatus,
    Tier,
)
from app.queries import statistics as q
from app.queries.money import account_balances, allocation_states
from app.reports.print_setup import is_landscape
from app.reports.statistics import KEYS, build, report_html, report_workbook, write_xlsx
from app.security.scope import Scope
from tests.context import context
from tests.factories import make_application, make_student
from tests.reports.test_print_setup import assert_printable
from tests.views.test_money_pages import _funded, pupils  # noqa: F401 (the fixture)
from tests.xlsx_read import cells

M = Decimal


@pytest.fixture
def paid_batch(app, session, place, pupils):  # noqa: F811
    """1 000.00 received and allocated; a batch of the two pupils with accounts: the first paid, the second
    failed (its money back in the allocation). (account, item, term, the paid line)"""
    sm = app.appbuilder.sm
    account, item, term, batch = _funded(session, place, batch_key=uuid.uuid4().hex)
    school = context(session, place.scope, user=sm.find_user(username="school1"))
    disbursement.submit(school, batch.id)
    district = context(session, place.district_scope, user=sm.find_user(username="district"))
    disbursement.approve(district, batch.id)
    disbursement.mark_exported(district, batch.id)
    lines = session.query(DisbursementLine).filter_by(batch_id=batch.id).order_by(DisbursementLine.id).all()
    disbursement.record_answers(district, batch.id, [disbursement.Answer(line.reference, i == 0, line.amount,
                                                                         None if i == 0 else "account closed")
                                                     for i, line in enumerate(lines)])
    session.commit()
    return account, item, term, lines[0]


def _rows(session, scope, key, term, school_id=None):
    report = build(context(session, scope), key, term.id, school_id)
    return [row for chunk in report.chunks for row in chunk], report.total()


def test_the_use_of_funds_equals_the_ledger_balances_to_the_fen(session, place, paid_batch):
    account, item, term, line = paid_batch
    scope = place.district_scope
    rows = q.funds_use(session, scope)
    balance = account_balances(session, scope)[account.id]
    mine = [r for r in rows if r.account_id == account.id]
    assert sum(r.received for r in mine) == balance.received == M("1000.00")
    assert sum(r.paid for r in mine) == balance.paid == line.amount
    assert sum(r.remaining for r in mine) == balance.held == M("1000.00") - line.amount
    states = allocation_states(session, scope, term_id=term.id)
    per_item = [r for r in mine if r.item is not None]
    assert sum(r.allocated for r in per_item) == sum(s.allocated for s in states.values()) == M("1000.00")
    assert sum(r.paid for r in per_item) == sum(s.paid for s in states.values())
    cells, total = _rows(session, scope, "funds_use", term)
    assert total[4:] == [sum((r.received for r in rows), q.ZERO), sum((r.allocated for r in rows), q.ZERO),
                         sum((r.paid for r in rows), q.ZERO), sum((r.remaining for r in rows), q.ZERO)]


def test_the_aid_summary_pays_what_the_paid_lines_sum_to(session, place, paid_batch):
    _account, _item, term, line = paid_batch
    paid = sum(x.amount for x in session.query(DisbursementLine).filter_by(status=LineStatus.PAID))
    rows = q.aid_summary(session, place.district_scope, q.school_year_terms(session, term.id))
    assert sum(r.paid_cash for r in rows) == paid == line.amount
    assert sum(r.paid_ledger for r in rows) == account_balances(session, place.district_scope)[_account.id].paid
    assert sum(r.pupils_paid for r in rows) == 1
    entitled = session.query(Entitlement).filter_by(term_id=term.id).all()
    assert sum(r.entitled for r in rows) == sum(e.amount for e in entitled)
    assert sum(r.pupils_entitled for r in rows) == len(entitled) == 3
    _cells, total = _rows(session, place.district_scope, "aid_summary", term)
    assert total[3:] == [3, sum(e.amount for e in entitled), 1, paid, paid]


def test_the_identification_summary_counts_the_approved_applications_by_tier(session, place, pupils):  # noqa: F811
    term = place.application.term
    relative = session.query(Tier).filter_by(code="relative").one()
    other = make_student(session, school=place.other_school)
    make_application(session, other, term=term, status=ApplicationStatus.APPROVED, final_tier_id=relative.id)
    make_application(session, make_student(session, school=place.other_school), term=term,
                     status=ApplicationStatus.REJECTED, final_tier_id=relative.id)
    session.commit()
    found = q.identification_summary(session, place.district_scope, term.id)
    by_school = {name: dict(zip(found.tiers, counts, strict=True)) for name, counts, _total in found.rows}
    assert by_school[place.school.name]["特别困难"] == 3 and by_school[place.school.name]["比较困难"] == 0
    assert by_school[place.other_school.name]["比较困难"] == 1
    assert found.total == 4 and sum(found.tier_totals) == 4
    assert [total for *_rest, total in found.rows] == [sum(counts) for _name, counts, _t in found.rows]


def test_a_school_sees_only_its_own_school(session, place, paid_batch):
    _account, _item, term, _line = paid_batch
    other = Scope(district_id=place.school.district_id, school_id=place.other_school.id)
    rows, total = _rows(session, other, "aided_pupils", term)
    assert rows == [] and total[-2:] == [q.ZERO, q.ZERO]
    ident, _ = _rows(session, other, "identification", term)
    assert [r[0] for r in ident] == [place.other_school.name]
    assert _rows(session, other, "funds_use", term)[0] == [] and _rows(session, other, "aid_summary", term)[0] == []
    own, _ = _rows(session, place.scope, "aided_pupils", term)
    assert len(own) == 3 and {r[1] for r in own} == {place.school.name}
    assert sum(r[9] for r in own) == _line.amount


def test_each_xlsx_has_its_totals_row_and_print_set_up(session, place, paid_batch):
    _account, _item, term, line = paid_batch
    ctx = context(session, place.district_scope)
    for key in ("aided_pupils", "identification", "aid_summary", "funds_use"):
        data, name = report_workbook(ctx, key, term.id)
        assert name.endswith(".xlsx")
        sheet = openpyxl.load_workbook(BytesIO(data)).active
        assert sheet.freeze_panes == "A5" and sheet.print_title_rows == "$4:$4"
        assert sheet.page_setup.paperSize == 9 and sheet.page_setup.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth in (1, None)
        assert "&P" in sheet.oddFooter.center.text and sheet.oddHeader.center.text
        last = [c.value for c in sheet[sheet.max_row]]
        assert last[0].startswith("合计"), (key, last)
        if key == "aided_pupils":
            assert M(str(last[-1])).quantize(M("0.01")) == line.amount
    session.commit()
    events = session.query(AuditEvent).filter_by(action="export", entity="statistical_report").all()
    assert sorted(e.summary.split(",")[0] for e in events) == sorted(
        f"{k} xlsx" for k in ("aided_pupils", "identification", "aid_summary", "funds_use"))
    assert all(e.row_count is not None and f", {e.row_count} rows: " in e.summary for e in events)
    assert not session.query(AuditEvent).filter_by(action="export", entity="term").count()


def test_the_print_pages_render_on_their_own_with_nothing_fetched(session, place, paid_batch):
    _account, _item, term, line = paid_batch
    ctx = context(session, place.district_scope)
    for key in ("aided_pupils", "identification", "aid_summary", "funds_use"):
        page = report_html(ctx, key, term.id)
        assert "@page" in page and "A4" in page and "table-header-group" in page and "zz-total" in page
        assert not re.search(r"<link|<script|<img|src=|url\(|https?://|@import", page)
    assert f"{line.amount:,.2f}" in report_html(ctx, "aided_pupils", term.id)


def test_after_a_recovery_the_reports_still_match_the_ledger(app, session, place, paid_batch):
    account, _item, term, line = paid_batch
    district = context(session, place.district_scope, user=app.appbuilder.sm.find_user(username="district"))
    disbursement.recover(district, line.id, reason="information proved false")
    session.commit()
    scope = place.district_scope
    balance = account_balances(session, scope)[account.id]
    mine = [r for r in q.funds_use(session, scope) if r.account_id == account.id]
    assert sum(r.paid for r in mine) == balance.paid == q.ZERO
    assert sum(r.remaining for r in mine) == balance.held == M("1000.00")
    assert sum(r.received for r in mine) == balance.received
    rows = q.aid_summary(session, scope, [term.id])
    assert sum(r.paid_cash for r in rows) == sum(r.paid_ledger for r in rows) == q.ZERO
    aided, total = _rows(session, scope, "aided_pupils", term)
    assert total[-1] == q.ZERO and len(aided) == 3


def test_each_xlsx_is_a_ruled_printable_sheet_with_money_to_the_fen_and_its_totals_outside_the_filter(
        session, place, paid_batch):
    _account, _item, term, line = paid_batch
    ctx = context(session, place.district_scope)
    for key in KEYS:
        report = build(ctx, key, term.id)
        data, _name = report_workbook(ctx, key, term.id)
        sheet = openpyxl.load_workbook(BytesIO(data)).active
        assert_printable(sheet, header_row=4, title=report.title,
                         landscape=is_landscape([c.width for c in report.columns]))
        assert sheet["A1"].value == report.title and sheet["A1"].alignment.horizontal == "center"
        assert [c.value for c in sheet[4]] == [c.header for c in report.columns]
        last = sheet.max_row
        assert sheet[last][0].font.b and not sheet[last - 1][0].font.b, key
        assert sheet.auto_filter.ref == f"A4:{sheet[last][-1].column_letter}{last - 1}", key  # totals outside
        for index, column in enumerate(report.columns):
            for row in range(5, last + 1):
                cell = sheet.cell(row, index + 1)
                assert cell.border.left.style == "thin", (key, cell.coordinate)
                if column.kind == "money":
                    assert cell.number_format == "#,##0.00" and isinstance(cell.value, (int, float)), key
    aided = openpyxl.load_workbook(BytesIO(report_workbook(ctx, "aided_pupils", term.id)[0])).active
    assert [M(str(c.value)) for c in aided["J"][4:-1]].count(line.amount) == 1  # the one payment, to the fen


def test_a_report_streamed_to_a_file_holds_the_same_cells_as_the_download(session, place, paid_batch, tmp_path):
    _account, _item, term, _line = paid_batch
    ctx = context(session, place.district_scope)
    data, _name = report_workbook(ctx, "aided_pupils", term.id)
    work, path, seen = tmp_path / "work", tmp_path / "aided.xlsx", []
    work.mkdir()
    written = write_xlsx(build(ctx, "aided_pupils", term.id), path, tmpdir=work,
                         progress=lambda done, expected: seen.append((done, expected)))
    assert written == 3 and seen[-1] == (3, 3)
    assert cells(path.read_bytes()) == cells(data) and len(cells(data)) == 4 + 3 + 1
    assert not list(work.iterdir())  # the streaming's temporary files went in the job's folder, and are gone
