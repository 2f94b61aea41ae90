"""The xlsx sheet writer: typed cells, text kept as text, money to the fen, overflow onto a next sheet, a
totals row outside the filter, ruled cells for a printed report, in memory or streamed to a file."""
import io
import zipfile
from datetime import date
from decimal import Decimal

import openpyxl

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


def _book(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def test_a_totals_row_is_bold_below_the_data_outside_the_filter_and_inside_the_print_area(tmp_path):
    path = tmp_path / "t.xlsx"
    sheet = Sheet(path, "汇总", [Column("学校"), Column("金额", kind="money")])
    sheet.append(["城关小学", Decimal("1.50")])
    sheet.append(["东关小学", Decimal("2.25")])
    assert sheet.close(["合计", Decimal("3.75")]) == 2  # the totals are no data row
    found = _book(path.read_bytes()).active
    assert [c.value for c in found[7]] == ["合计", 3.75] and found["A7"].font.b and found["B7"].font.b
    assert not found["A6"].font.b
    assert found.auto_filter.ref == "A4:B6"  # sorting or filtering leaves the totals where they are
    assert found.print_area.endswith("!$A$1:$B$7")


def test_without_totals_the_filter_and_print_area_end_at_the_last_row(tmp_path):
    path = tmp_path / "n.xlsx"
    sheet = Sheet(path, "名单", [Column("姓名"), Column("学籍号")])
    sheet.append(["张三", "G1"])
    sheet.close()
    found = _book(path.read_bytes()).active
    assert found.auto_filter.ref == "A4:B5" and found.print_area.endswith("!$A$1:$B$5") and found.max_row == 5


def test_the_totals_go_on_a_next_sheet_when_the_last_one_is_full(tmp_path):
    path = tmp_path / "full.xlsx"
    sheet = Sheet(path, "名单", [Column("姓名"), Column("金额", kind="money")], max_rows=2)
    for n in range(2):
        sheet.append([f"学生{n}", Decimal("1.00")])
    sheet.close(["合计", Decimal("2.00")])
    first, second = _book(path.read_bytes()).worksheets
    assert first.max_row == 6 and first.auto_filter.ref == "A4:B6"
    assert [c.value for c in second[5]] == ["合计", 2] and second.max_row == 5
    assert [c.value for c in second[4]] == ["姓名", "金额"] and not second.auto_filter.ref


def test_a_money_column_holds_numbers_to_the_fen_shown_with_two_places(tmp_path):
    path = tmp_path / "m.xlsx"
    sheet = Sheet(path, "t", [Column("金额", kind="money"), Column("整数", kind="money"), Column("分数")])
    sheet.append([Decimal("1.005"), 3, Decimal("1.005")])
    sheet.append([Decimal("12345678.90"), 2.675, 7])
    sheet.close()
    found = _book(path.read_bytes()).active
    assert [c.value for c in found[5]] == [1.01, 3, 1.005]  # half up to the fen in a money column only
    assert [c.value for c in found[6]] == [12345678.9, 2.68, 7]
    assert found["A5"].number_format == found["B5"].number_format == "#,##0.00"
    assert found["C6"].number_format == "General"  # an int elsewhere stays a plain number


def test_a_ruled_sheet_boxes_every_cell_and_centres_its_title_a_list_stays_plain(tmp_path):
    columns = [Column("学校"), Column("人数", kind="int"), Column("金额", kind="money")]
    for ruled in (True, False):
        path = tmp_path / f"r{ruled}.xlsx"
        sheet = Sheet(path, "资助统计汇总表", columns, subtitle="t", ruled=ruled)
        sheet.append(["城关小学", 3, Decimal("9.00")])
        sheet.close(["合计", "", Decimal("9.00")])
        found = _book(path.read_bytes()).active
        boxed = {found.cell(row, col).border.left.style for row in (5, 6) for col in (1, 2, 3)}
        assert boxed == ({"thin"} if ruled else {None}), ruled  # the totals' empty cell too
        assert (found["A1"].alignment.horizontal == "center") is ruled
        assert found["C5"].number_format == "#,##0.00" and found["A6"].font.b and found["C6"].font.b


def test_a_download_is_built_in_memory_and_a_file_streams_in_constant_memory(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    buffer = io.BytesIO()
    small = Sheet(buffer, "t", [Column("a")], tmpdir=work)
    assert small.book.in_memory and not small.book.constant_memory
    small.append(["x"])
    small.close(["合计"])
    big = Sheet(tmp_path / "big.xlsx", "t", [Column("a")], tmpdir=work)
    assert big.book.constant_memory and big.book.tmpdir == str(work)
    big.append(["x"])
    big.close(["合计"])
    assert buffer.getvalue() and (tmp_path / "big.xlsx").exists() and not list(work.iterdir())
    assert [c.value for c in _book(buffer.getvalue()).active[6]] == ["合计"]
