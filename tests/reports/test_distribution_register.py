"""The distribution register (实物发放登记表: the pupils, what each is given and its value, an empty signature
column, absent pupils marked, A4 set-up) and the canteen's meal register of a term, each scoped and audited."""
import re
from decimal import Decimal

import pytest

from app.commands import canteen_meals, in_kind
from app.errors import NotFound
from app.models import AuditEvent
from app.reports.distribution_register import (
    distribution_headers,
    distribution_workbook,
    meal_headers,
    meal_workbook,
)
from app.security.scope import Scope
from tests.commands.test_in_kind import InKind
from tests.context import context
from tests.xlsx_read import cells, parts

M = Decimal


@pytest.fixture
def aid(session, place, clock):
    return InKind(session, place, clock)


def _other_school(aid):
    return context(aid.session, Scope(district_id=aid.place.school.district_id, school_id=aid.place.other_school.id),
                   clock=aid.clock)


def test_the_register_lists_the_pupils_with_an_empty_signature_column_and_the_total(aid, session):
    pupils = aid.entitled(3)
    made = aid.distribution(pupils, quantity=2, unit_value="12.50")
    absent = made.lines[1]
    in_kind.confirm_distribution(aid.school(), made.id, absent=[absent.id])
    session.commit()
    rows = cells(distribution_workbook(aid.school(), made.id))
    session.commit()
    assert aid.supplies.name in rows[0][0] and aid.place.school.name in rows[1][0] and aid.term.name in rows[1][0]
    headers = distribution_headers()
    assert rows[3] == headers and headers[1:4] == ["学生姓名", "年级", "班级"] and headers[8] == "签字"
    lines = rows[4:7]
    assert [r[0] for r in lines] == ["1", "2", "3"]
    assert sorted(r[1] for r in lines) == sorted(p.name for p in pupils)
    assert all(r[5] == "Schoolbag and stationery set" and r[6] == "2" and M(r[7]) == M("25.00") for r in lines)
    assert all(r[8] is None for r in lines)  # the signature column, left for the pupil
    assert [r[9] is not None for r in lines].count(True) == 1  # the absent pupil is marked
    assert M(rows[7][7]) == M("50.00")  # what the pupils present received
    events = session.query(AuditEvent).filter_by(action="export", entity="distribution").all()
    assert [e.row_count for e in events] == [3]


def test_the_registers_are_set_up_for_a4_with_the_header_on_every_page(aid, session):
    made = aid.distribution(aid.entitled(2, item="supplies"))
    record = aid.meals(days=3, pupils=2)
    for data in (distribution_workbook(aid.district(), made.id),
                 meal_workbook(aid.district(), aid.place.school.id, aid.term.id)):
        found = parts(data)
        sheet = found["xl/worksheets/sheet1.xml"]
        assert 'paperSize="9"' in sheet and 'fitToHeight="0"' in sheet and "<pageSetUpPr fitToPage=\"1\"/>" in sheet
        assert re.search(r"<oddFooter>&amp;C.*&amp;P.*&amp;N.*</oddFooter>", sheet)
        assert re.search(r'<definedName name="_xlnm.Print_Titles"[^>]*>[^<]*\$4:\$4</definedName>',
                         found["xl/workbook.xml"])
    assert record.amount == M("30.00")


def test_the_meal_register_lists_the_months_with_days_pupils_rate_and_amount(aid, session):
    aid.entitled(4, item="living_subsidy")
    record = aid.meals(days=19, pupils=4)
    canteen_meals.confirm_meal_record(aid.school(), record.id)
    session.commit()
    rows = cells(meal_workbook(aid.school(), aid.place.school.id, aid.term.id))
    assert rows[3] == meal_headers() and len(rows[3]) == 9
    [line] = [r for r in rows[4:] if r[0] == "1"]
    assert line[1] == f"{record.month:%Y-%m}" and (line[2], line[3]) == ("19", "4")
    assert M(line[4]) == M("5.00") and M(line[5]) == M("380.00") and line[6] == record.canteen and line[8] is None
    assert M(rows[5][5]) == M("380.00")


def test_another_school_gets_no_register(aid, session):
    made = aid.distribution(aid.entitled(1))
    with pytest.raises(NotFound):
        distribution_workbook(_other_school(aid), made.id)
    with pytest.raises(NotFound):
        meal_workbook(_other_school(aid), aid.place.school.id, aid.term.id)
