"""The money pages as the district and a school use them: receipts and allocations, the preview with
its reasons, the batch made once, its steps as buttons (four eyes), accounts masked, scope kept."""
import re

import pytest

from app.models import AidItem, DisbursementBatch, FundAccount
from tests.factories import current_term, make_entitlement, make_fund_account, make_household, make_student


@pytest.fixture
def pupils(session, place, make_user):
    """Two entitled pupils with payee accounts, one without; a fund account; a second district officer."""
    make_user("district2", "DistrictOfficer", district=place.school.district)
    make_fund_account(session, place.school.district, code="ZH-LIVING", name="中央生活补助专户")
    found = []
    for account in ("6217000012345678901", "6217000012345678902", None):
        household = make_household(session, district=place.school.district, payee_name="王建国",
                                    bank_account=account)
        student = make_student(session, school=place.school, household=household)
        make_entitlement(session, student)
        found.append(student)
    session.commit()
    return found


def _funded(session, place, *, batch_key: str | None = None):
    """1 000.00 received and allocated to the school's living subsidy this term (by the district), and a
    batch made of the entitled pupils when `batch_key` is given: (account, item, term, batch or None)."""
    from app.commands import disbursement, funds
    from tests.context import context

    account = session.query(FundAccount).filter_by(code="ZH-LIVING").one()
    item = session.query(AidItem).filter_by(code="living_subsidy").one()
    term = current_term(session)
    district = context(session, place.district_scope)
    funds.receive(district, account.id, amount="1000.00")
    funds.allocate(district, account.id, school_id=place.school.id, aid_item_id=item.id, term_id=term.id,
                   amount="1000.00")
    batch = None if batch_key is None else disbursement.create_batch(
        district, term_id=term.id, aid_item_id=item.id, school_id=place.school.id, idempotency_key=batch_key)
    session.commit()
    return account, item, term, batch


def _form_token(html: str, form_id: str) -> dict:
    """The hidden fields of one form of a page (CSRF is off in tests; the one-time token matters)."""
    form = html.split(f'id="{form_id}"', 1)[1].split("</form>", 1)[0]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


def _step_form(html: str, step: str) -> dict:
    """The hidden fields of the form of one step on a batch's page."""
    before, after = html.split(f'data-step="{step}"', 1)
    form = before.rsplit("<form", 1)[1] + after.split("</form>", 1)[0]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


def test_the_district_receives_and_allocates_and_sees_the_balances(client, session, place, pupils, login):
    login("district")
    account = session.query(FundAccount).filter_by(code="ZH-LIVING").one()
    item = session.query(AidItem).filter_by(code="living_subsidy").one()
    page = client.get("/money/").get_data(as_text=True)
    assert "中央生活补助专户" in page and "登记到账资金" in page
    hidden = _form_token(page, "zz-receive-form")
    done = client.post("/money/receive", data={**hidden, "fund_account_id": account.id, "amount": "5,000.00"},
                       follow_redirects=True).get_data(as_text=True)
    assert "到账资金已登记" in done and "¥5,000.00" in done
    again = client.post("/money/receive", data={**hidden, "fund_account_id": account.id, "amount": "5000.00"},
                        follow_redirects=True).get_data(as_text=True)
    assert "¥10,000.00" not in again  # the same form sent twice is carried out once
    bad = client.post("/money/receive", data={**_form_token(again, "zz-receive-form"), "fund_account_id": account.id,
                                              "amount": "12.345"}, follow_redirects=True).get_data(as_text=True)
    assert "最多" in bad and "两位小数" in bad
    page = client.post("/money/allocate", data={
        **_form_token(again, "zz-allocate-form"), "fund_account_id": account.id, "school_id": place.school.id,
        "aid_item_id": item.id, "term_id": current_term(session).id, "amount": "400.00"},
        follow_redirects=True).get_data(as_text=True)
    assert "资金已下达" in page and "¥400.00" in page and "¥4,600.00" in page


def test_a_batch_from_preview_to_approval_through_the_pages(client, session, place, pupils, login):
    _account, item, term, _batch = _funded(session, place)
    login("school1")
    preview = client.get(f"/batches/new?aid_item_id={item.id}&term_id={term.id}").get_data(as_text=True)
    assert "2 名学生，合计 ¥625.00" in preview
    assert "家庭未登记领取人或银行账号" in preview  # the third pupil, and why
    assert "6217000012345678901" not in preview and "8901" in preview  # the account masked
    fields = _form_token(preview, "zz-batch-create")
    made = client.post("/batches/new", data=fields)
    assert made.status_code == 302
    again = client.post("/batches/new", data=fields, follow_redirects=True)  # a double click
    assert again.status_code == 200 and session.query(DisbursementBatch).count() == 1
    batch = session.query(DisbursementBatch).one()
    page = client.get(f"/batches/{batch.id}").get_data(as_text=True)
    assert "报区县审核" in page and "审核通过并冻结资金" not in page  # a school never approves
    client.post(f"/batches/{batch.id}/submit", data=_step_form(page, "submit"))
    client.get("/logout/")
    login("district")
    page = client.get(f"/batches/{batch.id}").get_data(as_text=True)
    assert "已报区县审核" in page and "审核通过并冻结资金" in page
    done = client.post(f"/batches/{batch.id}/approve", data=_step_form(page, "approve"),
                       follow_redirects=True).get_data(as_text=True)
    assert "批次已审核通过，资金已冻结" in done and "已审核，资金已冻结" in done
    overview = client.get("/money/").get_data(as_text=True)
    assert "¥375.00" in overview  # 1 000.00 allocated, 625.00 reserved


def test_a_school_sees_neither_another_schools_batch_nor_the_district_forms(client, session, place, pupils, login):
    account, _item, _term, batch = _funded(session, place, batch_key="test-key-0001")
    from app.models import User, UserScope
    from tests.factories import make_school

    other = make_school(session, district=place.school.district)
    session.commit()
    user = session.query(User).filter_by(username="school1").one()
    session.query(UserScope).filter_by(user_id=user.id).update({"school_id": other.id})
    session.commit()
    login("school1")
    assert client.get(f"/batches/{batch.id}").status_code == 404
    page = client.get("/money/").get_data(as_text=True)
    assert "登记到账资金" not in page and "向学校下达资金" not in page
    assert client.post("/money/receive", data={"fund_account_id": account.id, "amount": "1.00"}).status_code in (
        302, 403)
    session.expire_all()
    from app.queries.money import account_balances

    assert account_balances(session, place.district_scope)[account.id].received == 1000


def test_the_district_downloads_the_bank_file_imports_the_answer_and_prints_the_register(
        client, session, place, pupils, login):
    """Export twice (the same bytes, a Chinese file name), import the bank's CSV answer (one paid, one
    failed), the same file again refused; the register as xlsx and as a page to print."""
    import csv
    import io

    from app.commands import disbursement
    from app.models import BankFileLayout, BatchStatus, LineStatus, User
    from tests.context import context

    _account, _item, _term, batch = _funded(session, place, batch_key="page-export-0001")
    district = context(session, place.district_scope)
    disbursement.submit(district, batch.id)
    session.commit()
    second = session.query(User).filter_by(username="district2").one()
    disbursement.approve(context(session, place.district_scope, user=second), batch.id)
    session.commit()
    login("district")
    csv_layout = session.query(BankFileLayout).filter_by(code="agent_bank_csv").one()
    first = client.post(f"/batches/{batch.id}/bank_file", data={"layout_id": csv_layout.id})
    again = client.post(f"/batches/{batch.id}/bank_file", data={"layout_id": csv_layout.id})
    assert first.status_code == again.status_code == 200 and first.data == again.data
    assert "filename*=UTF-8''" in first.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(first.data.decode("gbk"), newline="")))
    references = [row[3] for row in rows[1:-1]]
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*rows[0], "状态", "失败原因"])
    for n, (account_no, name, amount, reference) in enumerate(rows[1:-1]):
        paid = n == 0
        writer.writerow([account_no, name, amount, reference, "成功" if paid else "失败", "" if paid else "账户已冻结"])
    answer = out.getvalue().encode("gbk")
    page = client.get(f"/batches/{batch.id}").get_data(as_text=True)
    hidden = _form_token(page, "zz-answer-form")
    done = client.post(f"/batches/{batch.id}/answer", data={**hidden, "file": (io.BytesIO(answer), "回盘.csv")},
                       content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "银行回盘已登记：成功 1 笔（¥312.50），失败 1 笔（¥312.50）" in done
    session.expire_all()
    assert session.get(type(batch), batch.id).status is BatchStatus.RECONCILED
    assert sorted(line.status.value for line in session.get(type(batch), batch.id).lines) == [
        LineStatus.FAILED.value, LineStatus.PAID.value]
    twice = client.post(f"/batches/{batch.id}/answer", data={"file": (io.BytesIO(answer), "回盘.csv")},
                        content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "只有已导出银行文件的批次才能导入银行回盘" in twice or "已于" in twice
    register = client.get(f"/batches/{batch.id}/register.xlsx")
    assert register.status_code == 200 and register.data[:2] == b"PK"
    assert "filename*=UTF-8''" in register.headers["Content-Disposition"]
    printed = client.get(f"/batches/{batch.id}/register").get_data(as_text=True)
    assert "发放名册" in printed and "签字" in printed and len(references) == 2


def test_a_school_paid_from_two_accounts_chooses_the_account_on_the_batch_page(client, session, place, pupils,
                                                                                login):
    from app.commands import funds
    from tests.context import context

    account, item, term, _ = _funded(session, place)
    second = make_fund_account(session, place.school.district, code="ZH-LIVING-2", name="省级生活补助专户")
    district = context(session, place.district_scope)
    funds.receive(district, second.id, amount="500.00")
    funds.allocate(district, second.id, school_id=place.school.id, aid_item_id=item.id, term_id=term.id,
                   amount="500.00")
    session.commit()
    login("school1")
    asked = client.get(f"/batches/new?aid_item_id={item.id}&term_id={term.id}").get_data(as_text=True)
    assert 'id="zz-batch-account"' in asked and "省级生活补助专户" in asked and "中央生活补助专户" in asked
    assert "fund_account_id" not in asked.split('id="zz-batch-choose"')[0]  # the refusal names the field's label
    chosen = client.get(f"/batches/new?aid_item_id={item.id}&term_id={term.id}&fund_account_id={second.id}")
    html = chosen.get_data(as_text=True)
    assert 'id="zz-batch-create"' in html and f'name="fund_account_id" value="{second.id}"' in html


def test_the_district_sees_donations_per_donor(client, session, place, pupils, login):
    from app.commands import funds
    from app.models import FundSource
    from tests.context import context

    gift = make_fund_account(session, place.school.district, code="JZ-2026", name="爱心助学捐赠专户")
    gift.source, gift.donor = FundSource.DONATION, "县慈善总会"
    session.commit()
    funds.receive(context(session, place.district_scope), gift.id, amount="8000.00")
    session.commit()
    login("district")
    html = client.get("/money/").get_data(as_text=True)
    table = html.split('id="zz-donations"')[1].split("</table>")[0]
    assert "县慈善总会" in table and "8,000.00" in table
