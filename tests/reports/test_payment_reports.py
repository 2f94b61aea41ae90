"""The payment register (发放名册: printable xlsx and A4 page, accounts masked, a signature column) and the
reconciliation with the bank (expected / paid / failed / pending per batch), each scoped to the reader."""
import re
from decimal import Decimal

import pytest

from app.errors import NotFound
from app.models import AuditEvent, DisbursementLine
from app.reports.payment_register import register_html, register_workbook
from app.reports.reconciliation import reconciliation_workbook
from app.security.scope import Scope
from tests.commands.test_bank_files import Bank
from tests.context import context
from tests.xlsx_read import cells, parts

M = Decimal


@pytest.fixture
def bank(session, place, make_user, clock):
    return Bank(session, place, make_user, clock)


def _other_school(bank):
    return context(bank.session, Scope(district_id=bank.place.school.district_id,
                                       school_id=bank.place.other_school.id), clock=bank.clock)


def test_the_register_lists_the_pupils_with_masked_accounts_an_empty_signature_column_and_a_total(bank, session):
    batch = bank.approved(3)
    accounts = [a for (a,) in session.query(DisbursementLine.bank_account).filter_by(batch_id=batch.id)]
    data = register_workbook(bank.school(), batch.id)
    session.commit()
    rows = cells(data)
    assert "家庭经济困难学生生活补助" in rows[0][0]
    assert bank.place.school.name in rows[1][0] and bank.term.name in rows[1][0]
    assert rows[3][:4] == ["序号", "学生姓名", "年级", "班级"] and len(rows[3]) == 9
    lines = rows[4:7]
    assert [r[0] for r in lines] == ["1", "2", "3"]
    assert all(r[7].startswith("**** **** **** ") and r[8] is None for r in lines)
    assert sum(M(r[5]) for r in lines) == batch.total and M(rows[7][5]) == batch.total
    assert rows[7][0] and "3" in rows[7][0]
    text = "".join(parts(data).values())
    assert not any(account in text for account in accounts)  # no full account anywhere in the package
    events = session.query(AuditEvent).filter_by(action="export", entity="disbursement_batch").all()
    assert [e.row_count for e in events] == [3]


def test_the_register_is_set_up_for_a4_one_page_wide_header_repeated_page_numbers(bank, session):
    batch = bank.approved(2)
    found = parts(register_workbook(bank.district(), batch.id))
    sheet = found["xl/worksheets/sheet1.xml"]
    assert 'paperSize="9"' in sheet and 'fitToHeight="0"' in sheet and "<pageSetUpPr fitToPage=\"1\"/>" in sheet
    assert re.search(r"<oddFooter>&amp;C.*&amp;P.*&amp;N.*</oddFooter>", sheet)
    titles = r'<definedName name="_xlnm.Print_Titles"[^>]*>[^<]*\$4:\$4</definedName>'
    assert re.search(titles, found["xl/workbook.xml"])


def test_the_printable_register_is_a_page_of_its_own_with_nothing_fetched(bank, session):
    batch = bank.approved(2)
    page = register_html(bank.school(), batch.id)
    assert "@page" in page and "A4" in page and "table-header-group" in page
    assert not re.search(r"<link|<script|<img|src=|url\(|https?://|@import", page)
    assert page.count("**** **** **** ") == 2 and "625.00" in page
    assert "家庭经济困难学生生活补助" in page


def test_another_school_gets_no_register_of_this_batch(bank, session):
    batch = bank.approved(1)
    for render in (register_workbook, register_html):
        with pytest.raises(NotFound):
            render(_other_school(bank), batch.id)


def test_the_reconciliation_shows_expected_paid_failed_and_pending_per_batch(bank, session):
    from app.commands import funds

    funds.allocate(bank.district(), bank.account.id, school_id=bank.place.school.id, aid_item_id=bank.item.id,
                   term_id=bank.term.id, amount="1000.00")
    session.commit()
    answered = bank.approved(3)
    refs = bank.references(answered)
    bank.import_(answered, bank.answer(answered, {refs[1]: "失败"}))
    waiting = bank.approved(2)  # two new pupils, and the failed one paid again
    data = reconciliation_workbook(bank.district(), term_id=bank.term.id)
    session.commit()
    rows = cells(data)
    body = {r[0]: r for r in rows[4:] if r[0] and r[0].isdigit()}
    numbers = lambda r: [M(v) for v in r[5:15]]  # noqa: E731
    assert numbers(body[str(answered.id)]) == [3, M("937.50"), 2, M("625.00"), 1, M("312.50"), 0, 0, 0, 0]
    assert numbers(body[str(waiting.id)]) == [3, M("937.50"), 0, 0, 0, 0, 3, M("937.50"), 0, 0]
    assert numbers(rows[-1]) == [6, M("1875.00"), 2, M("625.00"), 1, M("312.50"), 3, M("937.50"), 0, 0]
    failed = cells(data, sheet=2)
    assert len(failed) == 2 and failed[1][1] == refs[1] and failed[1][7] == "账户已冻结"
    assert failed[1][6].startswith("**** **** **** ")
    other = cells(reconciliation_workbook(_other_school(bank), term_id=bank.term.id))
    assert not [r for r in other[4:] if r[0] and r[0].isdigit()]
