"""Formula-looking text is neutralised in every xlsx the system writes (OWASP: a leading apostrophe)."""
import pytest

from app.reports.xlsx import Column, Sheet, safe_text
from tests.xlsx_read import cells


@pytest.mark.parametrize("text", ["=1+1", "+86 138", "-2", "@SUM(A1)", "\tx", "\rx",
                                  '=HYPERLINK("http://x","y")'])
def test_text_that_a_spreadsheet_would_run_gets_a_leading_apostrophe(text):
    assert safe_text(text) == "'" + text


@pytest.mark.parametrize("text", ["张三", "G110", "1=1", "a-b", "", "'=x already quoted"])
def test_ordinary_text_is_kept_as_it_is(text):
    assert safe_text(text) == text


def test_the_sheet_writes_formula_text_as_quoted_text_and_numbers_as_numbers(tmp_path):
    path = tmp_path / "f.xlsx"
    sheet = Sheet(path, "t", [Column("a"), Column("b"), Column("c")])
    sheet.append(["=cmd|' /C calc'!A0", -3, "@x"])
    sheet.close()
    row = cells(path.read_bytes())[4]
    assert row[0] == "'=cmd|' /C calc'!A0" and row[2] == "'@x"
    assert row[1] == "-3"
