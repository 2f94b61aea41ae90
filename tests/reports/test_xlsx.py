"""The xlsx sheet writer: typed cells, text kept as text, overflow onto a next sheet."""
import io
import zipfile
from datetime import date
from decimal import Decimal

from app.reports.xlsx import Column, Sheet


def _parts(path) -> dict:
    with zipfile.ZipFile(path) as book:
        return {name: book.read(name).decode() for name in book.namelist() if name.endswith(".xml")}


def test_rows_beyond_a_sheet_go_on_a_next_sheet_with_headers(tmp_path):
    path = tmp_path / "x.xlsx"
    sheet = Sheet(path, "名册", [Column("姓名"), Column("学籍号")], subtitle="t", max_rows=2)
    for n in range(5):
        sheet.append([f"学生{n}", "G0012345678901234567"])
    assert sheet.close() == 5
    parts = _parts(path)
    assert {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml"} <= set(parts)
    assert "名册 (3)" in parts["xl/workbook.xml"]
    assert parts["xl/worksheets/sheet3.xml"].count("学生4") == 1


def test_numbers_dates_and_money_are_typed_but_codes_stay_text(tmp_path):
    path = tmp_path / "y.xlsx"
    sheet = Sheet(path, "t", [Column("a")] * 4)
    sheet.append(["00123", 3, date(2026, 9, 1), Decimal("312.50")])
    sheet.close()
    body = _parts(path)["xl/worksheets/sheet1.xml"]
    assert "00123" in body and "<v>3</v>" in body and "<v>312.5</v>" in body
    assert io.BytesIO(path.read_bytes()).read(2) == b"PK"
