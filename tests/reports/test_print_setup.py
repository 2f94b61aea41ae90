"""Every xlsx the system writes prints well (A4, orientation by width, one page wide, the header row on every
page, the title and page numbers in the page header and footer, panes frozen below the header), read back with
openpyxl; and every download keeps its Chinese name with an ASCII fallback that says what the file is."""
import io
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from app.jobs.exports import ROSTER_COLUMNS
from app.models import Job
from app.reports.distribution_register import distribution_workbook, meal_workbook
from app.reports.downloads import ascii_name, content_disposition
from app.reports.notice_xlsx import notice_workbook
from app.reports.payment_register import register_workbook
from app.reports.print_setup import header_text, is_landscape
from app.reports.reconciliation import reconciliation_workbook
from app.reports.xlsx import Column, Sheet
from tests.commands.test_bank_files import Bank
from tests.commands.test_in_kind import InKind
from tests.security.conftest import as_user, world  # noqa: F401  (fixtures)


def sheets(data: bytes):
    """The worksheets of an xlsx file, as openpyxl reads them."""
    return load_workbook(io.BytesIO(data)).worksheets


def assert_printable(sheet, *, header_row: int, title: str, landscape: bool) -> None:
    """A4, one page wide and as many long, the header row (1-based) repeated and frozen below, the title in
    the page header, page n of m in the footer."""
    setup = sheet.page_setup
    assert setup.paperSize == 9
    assert setup.orientation == ("landscape" if landscape else "portrait")
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert setup.fitToWidth in (1, None) and setup.fitToHeight == 0  # 1 is the default (left out of the XML)
    assert sheet.print_title_rows == f"${header_row}:${header_row}"
    assert sheet.freeze_panes == f"A{header_row + 1}"
    assert title in sheet.oddHeader.center.text
    footer = sheet.oddFooter.center.text
    assert "&P" in footer and "&N" in footer
    last = f"${get_column_letter(sheet.max_column)}${sheet.max_row}"
    assert sheet.print_area.endswith(f"!$A$1:{last}")  # the table, no more


def test_orientation_follows_the_width_of_the_table():
    assert not is_landscape([6, 14, 8, 10, 12, 24])  # the notice: 74 characters
    assert not is_landscape([6, 12, 6, 8, 12, 12, 12, 22, 16])  # the payment register: 106 over 9 columns
    assert is_landscape([width for _key, width in ROSTER_COLUMNS])  # the roster: 136 characters
    assert is_landscape([20] * 6)


def test_the_page_header_escapes_ampersands_and_keeps_no_picture_code():
    assert header_text("A&B") == '&C&"-,Bold"A&&B'
    text = header_text("R&G &[Picture]")
    assert "&&\u200bG" in text and "&&\u200b[Picture]" in text
    assert len(header_text("x" * 400)) < 255


def test_a_narrow_sheet_prints_portrait_and_a_wide_one_landscape(app, tmp_path):
    with app.test_request_context(), force_locale("zh"):
        narrow, wide = tmp_path / "narrow.xlsx", tmp_path / "wide.xlsx"
        sheet = Sheet(narrow, "名册", [Column("姓名", 10), Column("学籍号", 22)], subtitle="t")
        sheet.append(["张三", "G1"])
        sheet.close()
        sheet = Sheet(wide, "学生名单", [Column(key, width) for key, width in ROSTER_COLUMNS], max_rows=2)
        for n in range(3):  # a second sheet is set up the same way
            sheet.append([f"学生{n}"] * len(ROSTER_COLUMNS))
        sheet.close()
    (only,) = sheets(narrow.read_bytes())
    assert_printable(only, header_row=4, title="名册", landscape=False)
    assert "第 &P 页" in only.oddFooter.center.text  # the footer in the request's language
    books = sheets(wide.read_bytes())
    assert len(books) == 2
    for found in books:
        assert_printable(found, header_row=4, title="学生名单", landscape=True)
    assert [found.print_area.rsplit("!", 1)[1] for found in books] == ["$A$1:$K$6", "$A$1:$K$5"]  # to the last row


def test_the_roster_job_writes_a_printable_landscape_file_and_both_downloads_keep_its_chinese_name(
        client, world, jwt, as_user, session):  # noqa: F811  (fixtures)
    headers = jwt("school_a")
    job_id = client.post("/api/v1/job/start/pupil_roster", json={}, headers=headers).get_json()["id"]
    over_api = client.get(f"/api/v1/job/{job_id}/download", headers=headers)
    assert over_api.status_code == 200
    (sheet,) = sheets(over_api.data)
    assert_printable(sheet, header_row=4, title=sheet["A1"].value, landscape=True)
    name = session.get(Job, job_id).result_name
    assert name.endswith(f"-{job_id}.xlsx") and not name.isascii()
    on_page = as_user("school_a").get(f"/jobs/{job_id}/download")
    for response in (over_api, on_page):
        disposition = response.headers["Content-Disposition"]
        assert f"filename*=UTF-8''{quote(name, safe='')}" in disposition
        assert f'filename="zizhu-pupil-roster-{job_id}.xlsx"' in disposition


def test_the_notice_prints_portrait_with_its_title_inside_the_page(app):
    notice = SimpleNamespace(
        title="2026年秋季学期家庭经济困难学生认定结果公示 & 名单", school=SimpleNamespace(name="城关小学"),
        term=SimpleNamespace(name="2026秋"), starts_on=date(2026, 9, 7), ends_on=date(2026, 9, 11), working_days=5,
        contact="校办 0571-1234 " * 8, objection_days=5,
        entries=[SimpleNamespace(name="张三", grade=3, class_name="1班", tier_name="特别困难", aid_item="生活补助")])
    with app.test_request_context(), force_locale("zh"):
        (sheet,) = sheets(notice_workbook(notice))
    assert_printable(sheet, header_row=5, title="名单", landscape=False)
    assert "&&" in sheet.oddHeader.center.text  # the title's `&` printed as itself
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert {"A1:F1", "A2:F2", "A3:F3"} <= merged  # the title spans the table's columns, on the page
    last = max(r.min_row for r in sheet.merged_cells.ranges)
    assert sheet.row_dimensions[last].height > 15  # the long objection sentence wraps inside the page


@pytest.fixture
def bank(session, place, make_user, clock):
    return Bank(session, place, make_user, clock)


def test_the_payment_register_and_the_reconciliation_print_and_download_with_chinese_names(bank, session, client,
                                                                                           jwt):
    batch = bank.approved(2)
    (register,) = sheets(register_workbook(bank.district(), batch.id))
    assert_printable(register, header_row=4, title=register["A1"].value, landscape=False)
    reconciled, failed = sheets(reconciliation_workbook(bank.district(), batch_ids=[batch.id]))
    assert_printable(reconciled, header_row=4, title=reconciled["A1"].value, landscape=True)
    assert_printable(failed, header_row=1, title=failed.title, landscape=True)
    session.commit()
    response = client.get(f"/api/v1/disbursement_batch/{batch.id}/register", headers=jwt("district"))
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert "filename*=UTF-8''%E5%8F%91%E6%94%BE%E5%90%8D%E5%86%8C" in disposition  # 发放名册
    assert f'filename="zizhu-payment-register-{batch.id}.xlsx"' in disposition


def test_the_in_kind_registers_print(session, place, clock):
    aid = InKind(session, place, clock)
    made = aid.distribution(aid.entitled(2, item="supplies"))
    aid.meals(days=3, pupils=2)
    (distribution,) = sheets(distribution_workbook(aid.district(), made.id))
    assert_printable(distribution, header_row=4, title=distribution["A1"].value, landscape=True)
    (meals,) = sheets(meal_workbook(aid.district(), aid.place.school.id, aid.term.id))
    assert_printable(meals, header_row=4, title=meals["A1"].value, landscape=False)


@pytest.mark.parametrize(("name", "fallback", "expected"), [
    ("学生名单-14.xlsx", None, "zizhu-14.xlsx"),
    ("学生名单-14.xlsx", "zizhu-pupil-roster-14", "zizhu-pupil-roster-14.xlsx"),
    ("发放清单-城关小学-2026秋-3.csv", "zizhu-bank-file-3", "zizhu-bank-file-3.csv"),
    ("Résumé 2026.XLSX", None, "Resume-2026.xlsx"),
])
def test_a_download_name_keeps_its_chinese_and_falls_back_to_a_meaningful_ascii_name(name, fallback, expected):
    disposition = content_disposition(name, fallback)
    assert disposition.startswith(f'attachment; filename="{expected}"')
    assert f"filename*=UTF-8''{quote(name, safe='')}" in disposition


def test_an_ascii_name_needs_no_second_name_and_nothing_unsafe_gets_through():
    assert content_disposition("notice-3.xlsx") == 'attachment; filename="notice-3.xlsx"'
    tricky = content_disposition('名单"; filename="x.exe\r\n/../a.xlsx')
    assert '"x.exe' not in tricky and "\r" not in tricky and "\n" not in tricky and "/" not in tricky
    assert ascii_name("-14.xlsx") == "zizhu-14.xlsx" and not ascii_name("名单.xlsx").startswith("-")


def test_every_download_goes_through_the_one_helper_that_keeps_the_chinese_name():
    """send_file or a hand-made Content-Disposition elsewhere would drop the Chinese (`-14.xlsx`)."""
    root = Path(__file__).resolve().parents[2] / "app"
    helper = root / "reports" / "downloads.py"
    offenders = [f"{path.relative_to(root)}:{n}" for path in sorted(root.rglob("*.py")) if path != helper
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                 if "send_file(" in line or "Content-Disposition" in line]
    assert not offenders, f"use app.reports.downloads.attachment: {offenders}"
