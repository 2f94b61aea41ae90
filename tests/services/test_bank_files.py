"""Bank file rules (issue 13, item 4): the seeded layouts read, a batch's lines rendered with exact amounts and
control totals, CSV in GBK the same bytes every time, formulas neutralised, the bank's answer read row by row
(every problem named by its row) and matched with the batch: paid, failed, unknown, amount unlike, repeated."""
import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.services import bank_answers
from app.services import bank_files as rules
from app.services.bank_answers import AnswerFileError, Returned
from app.services.bank_files import BankFileError, PaymentLine, Rendering

M = Decimal
SEED = Path(__file__).resolve().parents[2] / "seed" / "bank_layouts.json"
FACTS = rules.BatchFacts(7, "城关小学 2026年秋季学期 生活补助", "城关小学", "2026年秋季学期",
                         "家庭经济困难学生生活补助")


def seeded() -> dict[str, rules.Layout]:
    data = json.loads(SEED.read_text(encoding="utf-8"))
    return {spec["code"]: rules.layout_of(spec["code"], spec["file_format"], spec["columns"],
                                          title_row=spec["title_row"], total_row=spec["total_row"])
            for spec in data["layouts"]}


def line(n: int, amount="312.50", name="王建国", **kw) -> PaymentLine:
    values = dict(reference=f"ZZ0000007{n:06d}", payee_name=name, payee_id_number="990101198001010011",
                  bank_name="农村信用社", bank_account=f"62170000123456{n:05d}", amount=M(amount))
    return PaymentLine(**{**values, **kw})


def csv_file(lines, layout=None) -> bytes:
    return rules.write_csv(Rendering(layout or seeded()["agent_bank_csv"], FACTS, lines))


def test_the_seed_has_two_usable_layouts_one_default_and_says_they_differ_per_county():
    data = json.loads(SEED.read_text(encoding="utf-8"))
    assert len(data["layouts"]) >= 2 and [s["is_default"] for s in data["layouts"]].count(True) == 1
    notes = " ".join(data["notes"])
    assert "differ from county to county" in notes and "A district adds its own layout" in notes
    assert all(len(s["notes"]) <= 200 and len(s["code"]) <= 32 and len(s["name"]) <= 100 for s in data["layouts"])
    layouts = seeded()
    yikatong, bank = layouts["yikatong_xlsx"], layouts["agent_bank_csv"]
    assert [c.title for c in yikatong.columns] == [
        "序号", "姓名", "身份证号码", "一卡通账号", "发放金额", "补贴项目", "备注"]
    assert [c.field for c in bank.columns] == ["bank_account", "payee_name", "amount", "reference"]
    assert yikatong.title and bank.title is None and yikatong.total and bank.total
    assert "状态" in yikatong.status_titles and "失败原因" in bank.reason_titles


@pytest.mark.parametrize("columns, code", [
    ([{"field": "amount", "title": "金额"}], "missing_column"),
    ([{"field": "reference", "title": "摘要"}, {"field": "amount", "title": "金额"}, {"field": "salary", "title": "x"}],
     "unknown_field"),
    ([{"field": "reference", "title": "摘要"}, {"field": "amount", "title": "金额"},
      {"part": "title", "text": "{school.__class__}"}], "unknown_placeholder"),
    ([{"field": "reference", "title": "摘要"}, {"field": "amount", "title": "金额"}, {"part": "footer"}], "bad_entry"),
    ("not a list", "bad_columns"),
])
def test_a_layout_that_cannot_be_used_is_refused_with_its_reason(columns, code):
    with pytest.raises(rules.LayoutError) as refused:
        rules.layout_of("x", "csv_gbk", columns)
    assert refused.value.code == code


def test_the_csv_is_gbk_with_a_header_the_lines_and_a_total_row_of_count_and_sum():
    data = csv_file([line(1), line(2, "625.00"), line(3, "0.10")])
    rows = list(csv.reader(io.StringIO(data.decode("gbk"), newline="")))
    assert rows[0] == ["账号", "户名", "金额", "摘要"]
    assert rows[1] == ["6217000012345600001", "王建国", "312.50", "ZZ0000007000001"]
    assert [r[2] for r in rows[1:4]] == ["312.50", "625.00", "0.10"]
    assert rows[-1] == ["总笔数", "3", "总金额", "937.60"]
    assert data.endswith(b"\r\n") and b"\r\n" in data


def test_the_same_lines_give_the_same_bytes():
    lines = [line(n, str(M("100.00") + n)) for n in range(1, 200)]
    assert csv_file(lines) == csv_file(list(lines))


def test_text_that_a_spreadsheet_would_run_as_a_formula_is_neutralised():
    lines = [line(1, name="=HYPERLINK(\"http://x\")"), line(2, name="+1"), line(3, name="-2"), line(4, name="@SUM(A1)"),
             line(5, name="王="), line(6, name=" =1+1")]
    rows = list(csv.reader(io.StringIO(csv_file(lines).decode("gbk"), newline="")))
    assert [r[1] for r in rows[1:7]] == ["'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@SUM(A1)", "王=", "'=1+1"]
    assert [rules.neutralise(t) for t in ("-", "\tx", "\rx", "312.50")] == ["'-", "'\tx", "'\rx", "312.50"]


def test_a_character_gbk_lacks_is_refused_naming_the_row_and_the_line():
    with pytest.raises(BankFileError) as refused:
        csv_file([line(1), line(2, name="王𠮷")])
    assert refused.value.code == "not_gbk"
    assert refused.value.rows == [(3, "ZZ0000007000002", "𠮷")]


def test_a_line_without_what_the_bank_needs_is_refused_every_such_line_named():
    layout = seeded()["yikatong_xlsx"]
    rendering = Rendering(layout, FACTS, [line(1), line(2, payee_id_number=None), line(3, payee_id_number=" ")])
    with pytest.raises(BankFileError) as refused:
        list(rendering.rows())
    assert refused.value.code == "required_empty"
    assert refused.value.rows == [(4, "ZZ0000007000002", "身份证号码"), (5, "ZZ0000007000003", "身份证号码")]


@pytest.mark.parametrize("amount", [M("0"), M("-1.00"), M("1.005"), 312.5])
def test_an_amount_that_is_not_positive_fen_is_refused(amount):
    rendering = Rendering(seeded()["agent_bank_csv"], FACTS, [line(1)._replace(amount=amount)])
    with pytest.raises(BankFileError) as refused:
        list(rendering.rows())
    assert refused.value.code == "bad_amount"


def test_the_rendering_counts_and_sums_exactly_and_fills_the_title():
    layout = seeded()["yikatong_xlsx"]
    rendering = Rendering(layout, FACTS, [line(n, "0.10") for n in range(1, 11)])
    rows = list(rendering.rows())
    assert rendering.count == 10 and rendering.total == M("1.00")
    assert rows[0] == [1, "王建国", "990101198001010011", "6217000012345600001", M("0.10"), FACTS.aid_item,
                       "ZZ0000007000001"]
    assert rendering.total_row() == ["合计", "共10笔", "", "", M("1.00"), "", ""]
    assert rendering.title.startswith("家庭经济困难学生生活补助")
    assert "城关小学" in rendering.title and "第7批" in rendering.title


@given(st.decimals(min_value=M("0.01"), max_value=M("99999999.99"), places=2))
def test_a_number_cell_is_written_only_when_it_reads_back_as_the_same_amount(amount):
    try:
        number = rules.exact_number(amount)
    except ValueError:
        assert M(f"{float(amount):.16g}") != amount
    else:
        assert M(f"{number:.16g}") == amount


def test_amounts_that_print_back_inexactly_have_no_number_cell():
    assert [rules.exact_number(M(a)) for a in ("312.50", "625.00", "1250.00", "1.01")] == [312.5, 625.0, 1250.0, 1.01]
    for amount in ("0.07", "8.53"):
        with pytest.raises(ValueError):
            rules.exact_number(M(amount))


# ---- the bank's answer ----


def answer_csv(rows: list[list[str]], *, encoding="gbk", header=("账号", "户名", "金额", "摘要", "状态", "失败原因"),
               total=None) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    if total:
        writer.writerow(total)
    return buffer.getvalue().encode(encoding)


def parse(data: bytes):
    layouts = seeded()
    return bank_answers.parse_answers([layouts["agent_bank_csv"], layouts["yikatong_xlsx"]],
                                      bank_answers.csv_rows(data))


def test_an_answer_in_gbk_or_utf8_is_read_with_its_status_words_and_rows():
    rows = [["621700001", "王建国", "312.50", "ZZ0000007000001", "成功", ""],
            ["621700002", "李四", "1,250.00", "ZZ0000007000002", "退回", "账户已销户"],
            ["621700003", "张三", "625", "ZZ0000007000003", " 已发放 ", ""],
            ["621700004", "赵六", "￥625.00", "ZZ0000007000004", "交易失败", ""]]
    for encoding in ("gbk", "utf-8", "utf-8-sig"):
        layout, found = parse(answer_csv(rows, encoding=encoding, total=["总笔数", "4", "总金额", "2812.50"]))
        assert layout.code == "agent_bank_csv"
        assert found == [Returned(2, "ZZ0000007000001", True, M("312.50")),
                         Returned(3, "ZZ0000007000002", False, M("1250.00"), "账户已销户"),
                         Returned(4, "ZZ0000007000003", True, M("625.00")),
                         Returned(5, "ZZ0000007000004", False, M("625.00"))]


def test_every_bad_row_is_named_and_nothing_is_returned():
    rows = [["1", "王建国", "312.50", "ZZ0000007000001", "成功", ""],
            ["2", "李四", "三百", "ZZ0000007000002", "成功", ""],
            ["3", "张三", "312.50", "", "成功", ""],
            ["4", "赵六", "312.505", "ZZ0000007000004", "待定", ""],
            ["5", "孙七", "312.50", "ZZ0000007000005", "", ""]]
    with pytest.raises(AnswerFileError) as refused:
        parse(answer_csv(rows))
    assert [(p.code, p.row) for p in refused.value.problems] == [
        ("bad_amount", 3), ("missing_reference", 4), ("bad_amount", 5), ("unknown_status", 5), ("missing_status", 6)]
    assert refused.value.problems[0].value == "三百" and refused.value.problems[3].value == "待定"


def test_a_file_whose_total_row_disagrees_with_its_rows_is_refused():
    rows = [["1", "王建国", "312.50", "ZZ0000007000001", "成功", ""]]
    with pytest.raises(AnswerFileError) as refused:
        parse(answer_csv(rows, total=["总笔数", "2", "总金额", "625.00"]))
    assert [(p.code, p.row) for p in refused.value.problems] == [("total_mismatch", 3)]


def test_a_file_without_the_answer_columns_or_rows_is_refused():
    with pytest.raises(AnswerFileError) as refused:
        parse(answer_csv([["1", "王建国", "312.50", "ZZ1"]], header=("账号", "户名", "金额", "摘要")))
    assert refused.value.problems[0].code == "no_header" and "状态" in refused.value.problems[0].value
    with pytest.raises(AnswerFileError) as refused:
        parse(answer_csv([]))
    assert refused.value.problems[0].code == "no_rows"
    with pytest.raises(AnswerFileError) as refused:
        parse(b"\xff\xfe\xff\xfe\x00\x81")
    assert refused.value.problems[0].code in ("encoding", "no_header")


def test_the_problems_listed_are_capped_and_the_rest_counted():
    rows = [[str(n), "王", "x", f"ZZ{n}", "成功", ""] for n in range(30)]
    with pytest.raises(AnswerFileError) as refused:
        parse(answer_csv(rows))
    assert len(refused.value.problems) == rules.MAX_PROBLEMS and refused.value.more == 10


def test_the_yikatong_answer_with_its_title_and_total_rows_is_read():
    layout = seeded()["yikatong_xlsx"]
    rows = [(1, ["生活补助“一卡通”发放清单", None, None]),
            (2, ["序号", "姓名", "身份证号码", "一卡通账号", "发放金额", "补贴项目", "备注", "状态", "失败原因"]),
            (3, [1, "王建国", "990101198001010011", "6217", 312.5, "生活补助", "ZZ0000007000001", "成功", None]),
            (4, [None] * 9),
            (5, [2, "李四", "990101198001010011", "6218", 625, "生活补助", "ZZ0000007000002", "失败", "户名不符"]),
            (6, ["合计", "共2笔", None, None, 937.5, None, None, None, None])]
    used, found = bank_answers.parse_answers([layout], rows)
    assert used is layout
    assert found == [Returned(3, "ZZ0000007000001", True, M("312.50")),
                     Returned(5, "ZZ0000007000002", False, M("625.00"), "户名不符")]


@pytest.mark.parametrize("value, amount", [("312.50", "312.50"), ("1,250", "1250.00"), (312.5, "312.50"),
                                           (625, "625.00"), ("￥12.3元", "12.30"), (0.1, "0.10")])
def test_amounts_are_read_exactly(value, amount):
    assert bank_answers.parse_amount(value) == M(amount)


@pytest.mark.parametrize("value", ["", None, "-5", "0", "1e3", "12.345", "abc", True, 0.005])
def test_what_is_not_an_amount_is_not_read_as_one(value):
    assert bank_answers.parse_amount(value) is None


def test_answers_are_matched_with_the_batch_one_of_each_case():
    expected = {"A1": (M("312.50"), "pending"), "A2": (M("312.50"), "pending"), "A3": (M("625.00"), "pending"),
                "A4": (M("312.50"), "paid"), "A5": (M("312.50"), "failed"), "A6": (M("312.50"), "pending")}
    answers = [Returned(2, "A1", True, M("312.50")), Returned(3, "A2", False, M("312.50"), "账户冻结"),
               Returned(4, "ZZ-NOT-OURS", True, M("312.50")), Returned(5, "A3", True, M("312.00")),
               Returned(6, "A1", True, M("312.50")), Returned(7, "A4", True, M("312.50")),
               Returned(8, "A5", True, M("312.50"))]
    found = bank_answers.match(answers, expected)
    assert [a.reference for a in found.paid] == ["A1"] and [a.reference for a in found.failed] == ["A2"]
    assert [a.reference for a in found.unknown] == ["ZZ-NOT-OURS"]
    assert [(a.reference, amount) for a, amount in found.mismatched] == [("A3", M("625.00"))]
    assert [(a.row, first) for a, first in found.duplicates] == [(6, 2)]
    assert [a.reference for a in found.answered_before] == ["A4"]
    assert [(a.reference, status) for a, status in found.conflicting] == [("A5", "failed")]
    assert found.missing == ["A6"] and found.refused
    assert (found.paid_amount, found.failed_amount) == (M("312.50"), M("312.50"))
    clean = bank_answers.match(answers[:2], expected)
    assert not clean.refused and clean.missing == ["A3", "A6"]
