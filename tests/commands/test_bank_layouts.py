"""A district's own bank file layouts: copied from one it can use, edited (checked as a bank file reads them),
made its default (one per district, even when two officers choose at once), put aside; the shared ones never
edited, a layout a file was made in keeps its columns, a school or another district refused."""
import copy
import csv
import io
import json
import threading

import pytest

from app.commands import bank_layouts
from app.commands.bank_layouts import LayoutRefused
from app.errors import FieldErrors, NotFound, Stale
from app.models import AuditEvent, BankFile, BankFileLayout, FileFormat
from tests.commands.test_bank_files import Bank, refused
from tests.context import context
from tests.factories import make_district

THREADS = 4  # officers making a layout the default at once


@pytest.fixture
def bank(session, place, make_user, clock):
    return Bank(session, place, make_user, clock)


def _copy(bank, code="agent_bank_csv", **kw):
    made = bank_layouts.copy_layout(bank.district(), bank.layout(code).id, **kw)
    bank.session.commit()
    return made


def _save(bank, row, ctx=None, **changes):
    values = dict(name=row.name, file_format=row.file_format.value, columns=copy.deepcopy(row.columns),
                  title_row=row.title_row, total_row=row.total_row, notes=row.notes, version=row.version)
    values.update(changes)
    saved = bank_layouts.save_layout(ctx or bank.district(), row.id, **values)
    bank.session.commit()
    return saved


def _own_defaults(session, district_id) -> list[str]:
    session.expire_all()
    return [c for (c,) in session.query(BankFileLayout.code).filter_by(district_id=district_id, is_default=True)]


def test_a_copy_edited_and_made_default_is_the_layout_a_batchs_bank_file_is_made_in(bank, session):
    mine = _copy(bank, code="agent_bank_csv", name="县农商行代发")
    assert (mine.district_id, mine.is_default, mine.active) == (bank.place.school.district_id, False, True)
    assert mine.code.startswith(f"d{mine.district_id}_agent_bank_csv")
    columns = [{"field": "seq", "title": "序号"}, {"field": "bank_account", "title": "卡号", "required": True},
               {"field": "payee_name", "title": "姓名", "required": True}, {"field": "amount", "title": "金额"},
               {"field": "reference", "title": "用途"}, {"part": "total", "cells": ["合计", "{count}", "", "{sum}"]}]
    _save(bank, mine, columns=json.dumps(columns, ensure_ascii=False), notes="2026 年新版")
    bank_layouts.set_default(bank.district(), mine.id)
    session.commit()
    batch = bank.approved()
    name, data = bank.export(batch)  # no layout chosen: the district's own default
    rows = list(csv.reader(io.StringIO(data.decode("gbk"), newline="")))
    assert name.endswith(".csv") and rows[0] == ["序号", "卡号", "姓名", "金额", "用途"]
    assert [r[4] for r in rows[1:-1]] == bank.references(batch)
    assert rows[-1] == ["合计", "3", "", f"{batch.total:.2f}"]
    assert session.query(BankFile).one().layout_id == mine.id
    events = session.query(AuditEvent).filter_by(entity="bank_file_layout", entity_id=str(mine.id)).all()
    assert sorted(e.action for e in events) == ["create", "update", "update"]


def test_a_copy_takes_the_code_given_and_refuses_one_taken(bank, session):
    mine = _copy(bank, code="yikatong_xlsx", name="一卡通（本县）")
    again = bank_layouts.copy_layout(bank.district(), mine.id, code="county-1", name="")
    session.commit()
    assert (again.code, again.name, again.columns) == ("county-1", "一卡通（本县）", mine.columns)
    for code, pattern in (("county-1", "has this code already"), ("yikatong_xlsx", "has this code already"),
                          ("有 空格", "letters, digits")):
        with refused(FieldErrors, pattern) as caught:
            bank_layouts.copy_layout(bank.district(), mine.id, code=code, name="x")
        assert set(caught.value.errors) == {"code"}
        session.rollback()
    assert session.query(BankFileLayout).filter(BankFileLayout.district_id.isnot(None)).count() == 2


@pytest.mark.parametrize("columns, pattern", [
    ('[{"field": "reference", "title": "摘要"', "not valid JSON"),
    ('{"field": "reference"}', "list of entries"),
    ('[{"field": "nope", "title": "x"}, {"field": "amount", "title": "金额"}, {"field": "reference", "title": "r"}]',
     "“nope” is unknown; the fields are: seq, payee_name"),
    ('[{"field": "amount", "title": "金额"}, {"field": "payee_name", "title": "户名"}]', "field reference"),
    ('[{"field": "reference", "title": "摘要"}]', "field amount"),
    ('[{"field": "reference", "title": "摘要"}, {"field": "amount", "title": ""}]', "field amount needs a title"),
    ('[{"field": "reference", "title": "r"}, {"field": "amount", "title": "a"}, {"field": "amount", "title": "b"}]',
     "two columns"),
    ('[{"field": "reference", "title": "r"}, {"field": "amount", "title": "a"}, {"part": "title", "text": "{x}"}]',
     "unknown placeholder"),
    ('[{"field": "reference", "title": "r"}, {"field": "amount", "title": "a"}, {"part": "total", "cells": '
     '["a", "b", "c"]}]', "total row"),
    ('[1, 2]', "entry #1"),
])
def test_columns_a_bank_file_cannot_be_made_from_are_refused_on_the_field_and_nothing_is_saved(
        bank, session, columns, pattern):
    mine = _copy(bank)
    before = (copy.deepcopy(mine.columns), mine.version)
    with refused(FieldErrors, pattern) as caught:
        _save(bank, mine, columns=columns, name="改过的名字")
    assert set(caught.value.errors) == {"columns"}
    session.rollback()
    session.expire_all()
    row = session.get(BankFileLayout, mine.id)
    assert (row.columns, row.version, row.name) == (*before, mine.name)


def test_a_bad_format_and_an_empty_name_are_refused_naming_each_field(bank, session):
    mine = _copy(bank)
    with pytest.raises(FieldErrors) as caught:
        _save(bank, mine, file_format="pdf", name=" ")
    assert set(caught.value.errors) == {"file_format", "name"}
    session.rollback()


def test_a_school_officer_changes_no_layout(bank, session):
    mine = _copy(bank)
    for command, args in ((bank_layouts.copy_layout, {"code": "", "name": "x"}), (bank_layouts.set_default, {}),
                          (bank_layouts.deactivate, {})):
        with refused(LayoutRefused, "Only the district office"):
            command(bank.school(), mine.id, **args)
        session.rollback()
    with refused(LayoutRefused, "Only the district office"):
        _save(bank, mine, ctx=bank.school(), name="学校改的")
    session.rollback()
    session.expire_all()
    assert session.get(BankFileLayout, mine.id).name == mine.name and not _own_defaults(session, mine.district_id)


def test_another_districts_layout_is_not_found(bank, session):
    other = make_district(session)
    theirs = BankFileLayout(code="other_county", name="外县格式", district_id=other.id, file_format=FileFormat.XLSX,
                            columns=bank.layout("agent_bank_csv").columns)
    session.add(theirs)
    session.commit()
    for command, args in ((bank_layouts.copy_layout, {"code": "", "name": "x"}), (bank_layouts.set_default, {}),
                          (bank_layouts.activate, {})):
        with pytest.raises(NotFound):
            command(bank.district(), theirs.id, **args)
        session.rollback()
    with pytest.raises(NotFound):
        _save(bank, theirs, name="抢来的")
    session.rollback()


def test_a_shared_layout_is_copied_never_edited(bank, session):
    shared = bank.layout("yikatong_xlsx")
    for command in (lambda: _save(bank, shared, name="改名"),
                    lambda: bank_layouts.set_default(bank.district(), shared.id),
                    lambda: bank_layouts.deactivate(bank.district(), shared.id)):
        with refused(LayoutRefused, "offered to every district .* copy it"):
            command()
        session.rollback()
    session.expire_all()
    assert (shared.name, shared.active, shared.is_default) == (bank.layout("yikatong_xlsx").name, True, True)


def test_a_layout_a_bank_file_was_made_in_keeps_its_columns_but_may_be_renamed(bank, session):
    mine = _copy(bank)
    batch = bank.approved()
    _, first = bank.export(batch, mine.code)
    changed = [{**c, "title": "收款人"} if c.get("field") == "payee_name" and not c.get("part") else c
               for c in mine.columns]
    for change in ({"columns": changed}, {"file_format": "xlsx"}, {"total_row": False}):
        with refused(LayoutRefused, "Bank files were made .* Copy it"):
            _save(bank, mine, **change)
        session.rollback()
        session.expire_all()
    _save(bank, session.get(BankFileLayout, mine.id), name="代发（已用）", notes="2025 年起用")
    assert bank.export(batch, mine.code)[1] == first  # the same file again


def test_a_form_opened_before_another_save_is_refused(bank, session):
    mine = _copy(bank)
    opened = mine.version
    _save(bank, mine, name="甲")
    with pytest.raises(Stale):
        _save(bank, mine, name="乙", version=opened)
    session.rollback()
    session.expire_all()
    assert session.get(BankFileLayout, mine.id).name == "甲"


def test_the_default_moves_and_a_layout_put_aside_leaves_the_shared_default(bank, session):
    first, second = _copy(bank), _copy(bank, code="yikatong_xlsx")
    district = first.district_id
    bank_layouts.set_default(bank.district(), first.id)
    session.commit()
    bank_layouts.set_default(bank.district(), second.id)
    session.commit()
    assert _own_defaults(session, district) == [second.code]
    bank_layouts.deactivate(bank.district(), second.id)
    session.commit()
    assert _own_defaults(session, district) == []
    with refused(LayoutRefused, "not in use"):
        bank_layouts.set_default(bank.district(), second.id)
    session.rollback()
    bank.export(bank.approved(1))  # the shared default again
    assert session.query(BankFile).one().layout.code == "yikatong_xlsx"
    with pytest.raises(NotFound):
        bank.export(bank.approved(1), second.code)  # put aside: no longer offered
    session.rollback()
    bank_layouts.activate(bank.district(), second.id)
    session.commit()
    assert session.get(BankFileLayout, second.id).active and _own_defaults(session, district) == []


def test_officers_making_different_layouts_default_at_once_leave_exactly_one(app, bank, session):
    """Real threads released together, each its own session and transaction: the district's lock orders
    them; on SQLite and PostgreSQL one default remains, whichever came last."""
    from app.extensions import db
    from app.runner import run

    mine = [_copy(bank).id for _ in range(2)]
    barrier, errors = threading.Barrier(THREADS, timeout=60), []

    def officer(layout_id: int) -> None:
        try:
            with app.app_context():
                ctx = context(db.session, bank.place.district_scope, clock=bank.clock)
                barrier.wait()
                try:
                    run(ctx, bank_layouts.set_default, layout_id)
                finally:
                    db.session.remove()
        except Exception as err:  # noqa: BLE001  (reported in the test's thread)
            errors.append(err)

    threads = [threading.Thread(target=officer, args=(mine[i % 2],), daemon=True) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert not any(t.is_alive() for t in threads) and not errors, errors
    assert len(_own_defaults(session, bank.place.school.district_id)) == 1
