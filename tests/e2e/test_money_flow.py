"""Browser: this term's living subsidy of the demo district's first school, from the district's receipt
and allocation to the reconciled payment register, clicked through by the officers whose steps they are.

The school withdraws the batch the demo left waiting (one pupil's payee account was wrong), the district
records funds received and allocates them, the school previews, makes and submits the batch, the
district approves it (another officer than the batch's maker), downloads the agent bank's file, imports
the bank's answer and prints the payment register; the register and the reconciliation match the batch
to the fen. No request leaves 127.0.0.1. Screenshots go to tests/e2e/screenshots/money/.
"""
import csv
import io
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from app.clock import FixedClock, day_start
from tests.e2e.conftest import demo_app, serving, sign_in

SHOTS = Path(__file__).resolve().parent / "screenshots" / "money"
DAY = date(2026, 11, 20)  # a Friday of the autumn term: the demo has approved pupils in its first school
SCHOOL = "示范县城关镇中心小学"
ITEM = "家庭经济困难学生生活补助"
WAIT = 30_000  # ms: the bound of every wait, never a duration
AMOUNT = re.compile(r"(\d[\d,]*\.\d{2})")


@pytest.fixture
def money_server(tmp_path_factory):
    """A fresh demo district whose clock stands at 10:00 of DAY (China)."""
    clock = FixedClock(day_start(DAY) + timedelta(hours=10))
    app = demo_app(f"sqlite:///{tmp_path_factory.mktemp('e2e-money') / 'e2e.db'}", clock)
    with serving(app) as base:
        yield base


class Officers:
    """One browser context per officer, each recording every request that leaves 127.0.0.1."""

    def __init__(self, browser, base: str):
        self.browser, self.base, self.outside, self.contexts, self.shots = browser, base, [], [], 0

    def page(self, username: str):
        context = self.browser.new_context(locale="zh-CN", accept_downloads=True)
        context.on("request", lambda r: None if r.url.startswith(
            ("http://127.0.0.1:", "data:", "blob:", "about:")) else self.outside.append(r.url))
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(WAIT)
        sign_in(page, self.base, username)
        return page

    def shot(self, page, name: str) -> None:
        self.shots += 1
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{self.shots:02d}-{name}.png"), full_page=True)

    def close(self) -> None:
        for context in self.contexts:
            context.close()


def _status(page, value: str) -> None:
    expect(page.locator("#zz-batch-head .zz-status")).to_have_attribute("data-status", value)


def _step(page, step: str, reason: str | None = None) -> None:
    form = page.locator(f"form.zz-step[data-step={step}]")
    if reason:
        form.locator("input[name=reason]").fill(reason)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("load")


def _download(page, click) -> bytes:
    with page.expect_download() as info:
        click()
    return Path(info.value.path()).read_bytes()


def _answer(data: bytes) -> bytes:
    """The agent bank's answer to its file: every payment made."""
    rows = list(csv.reader(io.StringIO(data.decode("gbk"), newline="")))
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*rows[0], "状态", "失败原因"])
    for row in rows[1:-1]:
        writer.writerow([*row, "成功", ""])
    return out.getvalue().encode("gbk")


def _cells(data: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    return [[cell for cell in row] for row in sheet.iter_rows(values_only=True)]


def test_a_term_of_living_subsidy_from_allocation_to_the_reconciled_register(browser, money_server):
    officers = Officers(browser, money_server)
    try:
        _walk(officers, money_server)
    finally:
        officers.close()
    assert officers.outside == []


def _walk(officers: Officers, base: str) -> None:
    # the school withdraws the batch the demo left waiting
    school = officers.page("school1")
    school.goto(f"{base}/batches/?status=submitted")
    school.locator("a.zz-batch-no").first.click()  # the batch number: a school sees its own batches only
    _status(school, "submitted")
    _step(school, "withdraw", "一名学生的银行卡号有误，撤回后重新生成")
    _status(school, "withdrawn")

    # the district records the funds received and allocates them to the school
    district = officers.page("district")
    district.goto(f"{base}/money/")
    account = district.locator("#zz-receive-account option", has_text=f"{DAY.year}年中央").first.get_attribute("value")
    district.select_option("#zz-receive-account", account)
    district.fill("#zz-receive-amount", "20000.00")
    district.fill("#zz-receive-reference", "财教〔2026〕88号")
    district.locator("#zz-receive-form button[type=submit]").click()
    district.wait_for_load_state("load")
    expect(district.locator(".alert-success, .alert-info").first).to_be_visible()
    district.select_option("#zz-allocate-account", account)
    district.select_option("#zz-allocate-school", label=SCHOOL)
    district.select_option("#zz-allocate-item", label=ITEM)
    district.fill("#zz-allocate-amount", "5000.00")
    district.locator("#zz-allocate-form button[type=submit]").click()
    district.wait_for_load_state("load")
    expect(district.locator(".alert-success, .alert-info").first).to_be_visible()
    officers.shot(district, "district-money")

    # the school previews its batch, makes it once and submits it
    school.goto(f"{base}/batches/new")
    school.select_option("#zz-batch-item", label=ITEM)
    school.locator("#zz-batch-choose button[type=submit]").click()
    school.wait_for_load_state("load")
    officers.shot(school, "school-preview")
    school.locator("#zz-batch-create button[type=submit]").click()
    school.wait_for_load_state("load")
    _status(school, "draft")
    totals = school.locator("#zz-batch-totals").inner_text()
    count = int(re.search(r"(\d+)", totals).group(1))
    total = Decimal(AMOUNT.search(totals).group(1).replace(",", ""))
    assert count > 0 and total > 0
    batch_url = school.url
    _step(school, "submit")
    _status(school, "submitted")
    expect(school.locator("form.zz-step[data-step=approve]")).to_have_count(0)  # a school never approves

    # the district approves it, downloads the agent bank's file and imports the bank's answer
    district.goto(batch_url)
    _step(district, "approve")
    _status(district, "approved")
    layout = district.locator("#zz-layout option", has_text="CSV").first.get_attribute("value")
    district.select_option("#zz-layout", layout)
    data = _download(district, lambda: district.locator("#zz-bank-file-form button[type=submit]").click())
    rows = list(csv.reader(io.StringIO(data.decode("gbk"), newline="")))
    assert len(rows) == count + 2 and sum(Decimal(r[2]) for r in rows[1:-1]) == total
    district.reload()
    _status(district, "exported")
    district.set_input_files("#zz-answer-file", files=[{"name": "回盘.csv", "mimeType": "text/csv",
                                                       "buffer": _answer(data)}])
    district.locator("#zz-answer-form button[type=submit]").click()
    district.wait_for_load_state("load")
    _status(district, "reconciled")
    officers.shot(district, "batch-reconciled")

    # the payment register and the term's reconciliation match the batch to the fen
    register = _cells(_download(district, lambda: district.locator("#zz-register-xlsx").click()))
    amounts = [Decimal(str(v)) for row in register for v in row if isinstance(v, (int, float, Decimal))]
    assert total in amounts
    with district.context.expect_page() as opened:
        district.locator("#zz-register-print").click()
    printed = opened.value
    printed.wait_for_load_state("load")
    expect(printed.locator("body")).to_contain_text(f"{total:,.2f}")
    officers.shot(printed, "register-print")
    reconciliation = _download(district, lambda: district.locator("a[href*=reconciliation]").first.click())
    assert _cells(reconciliation)
