"""Many rows in one statement: rows sharing their values are written from distinct cases, on both databases."""
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.commands import bulk_writes
from app.models import AuditEvent, Household, HukouType
from tests.factories import make_household

HOUSEHOLD, EVENT = Household.__table__, AuditEvent.__table__


def _convert(session, table, keys, values):
    return bulk_writes.converter(session.connection().dialect, table, keys)(values)


def test_update_cases_writes_each_row_its_case_on_its_version(session):
    rows = [make_household(session) for _ in range(5)]
    session.commit()
    keys = ("guardian_name", "hukou_type", "changed_on")
    moment = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)
    cases = [_convert(session, HOUSEHOLD, keys, ("甲", HukouType.URBAN, moment)),
             _convert(session, HOUSEHOLD, keys, ("乙", HukouType.RURAL, moment))]
    # rows 0, 2, 4 take case 1, row 1 case 0, row 3 case 0 on a version it no longer has
    given = [(1, rows[0].id, 1), (0, rows[1].id, 1), (1, rows[2].id, 1), (0, rows[3].id, 7), (1, rows[4].id, 1)]
    written = bulk_writes.update_cases(session.connection(), HOUSEHOLD, keys, cases, given)
    session.commit()
    assert written == 4
    found = {row.id: (row.guardian_name, row.hukou_type, row.version)
             for row in session.execute(select(HOUSEHOLD).where(HOUSEHOLD.c.id.in_([r.id for r in rows])))}
    rural, urban = HukouType.RURAL, HukouType.URBAN
    assert [found[r.id] for r in rows] == [("乙", rural, 2), ("甲", urban, 2), ("乙", rural, 2),
                                           ("王建国", rural, 1), ("乙", rural, 2)]


def test_update_cases_of_nothing_writes_nothing(session):
    assert bulk_writes.update_cases(session.connection(), HOUSEHOLD, ("guardian_name",), [], []) == 0


@pytest.mark.parametrize("count", [1, 7, 2500])
def test_insert_cases_inserts_every_row_in_order_with_its_case(session, count):
    case_keys = ("occurred_at", "action", "entity", "summary", "new_values")
    moment = datetime(2026, 12, 6, 8, 0, tzinfo=UTC)
    cases = [_convert(session, EVENT, case_keys, (moment, "workflow", "application", f"assess: v1 {n}",
                                                   {"score": str(n), "名": "王"})) for n in range(3)]
    rows = [(n * 7 % 3, str(10_000 + n), n) for n in range(count)]
    before = session.execute(select(EVENT.c.id).order_by(EVENT.c.id.desc()).limit(1)).scalar() or 0
    bulk_writes.insert_cases(session.connection(), EVENT, case_keys, cases, ("entity_id", "school_id"), rows)
    session.commit()
    stored = session.execute(select(EVENT.c.entity_id, EVENT.c.school_id, EVENT.c.summary, EVENT.c.new_values,
                                    EVENT.c.occurred_at).where(EVENT.c.id > before).order_by(EVENT.c.id)).all()
    assert [(r.entity_id, r.school_id, r.summary, r.new_values) for r in stored] == [
        (str(10_000 + n), n, f"assess: v1 {n * 7 % 3}", {"score": str(n * 7 % 3), "名": "王"}) for n in range(count)]
    assert {r.occurred_at.replace(tzinfo=r.occurred_at.tzinfo or UTC) for r in stored} == {moment}
