"""The bank file layouts page: the district copies a layout, edits the copy (a refusal shown beside the columns,
the text kept as typed), makes it the default and puts it aside; a school reads only; another district's
layout answers 404; two officers choosing the default at once leave one."""
import json
import re

from app.models import BankFileLayout, FileFormat
from tests.factories import make_district
from tests.race import page_client, race
from tests.views.test_money_pages import _form_token

THREADS = 4


def _layout(session, code) -> BankFileLayout:
    session.expire_all()
    return session.query(BankFileLayout).filter_by(code=code).one()


def _own(session, district_id) -> list[BankFileLayout]:
    session.expire_all()
    return session.query(BankFileLayout).filter_by(district_id=district_id).order_by(BankFileLayout.id).all()


def _copy(client, session, place, code="agent_bank_csv", name="县农商行代发") -> BankFileLayout:
    shared = _layout(session, code)
    resp = client.post(f"/money/bank-layouts/{shared.id}/copy", data={"name": name})
    assert resp.status_code == 302
    made = _own(session, place.school.district_id)[-1]
    assert resp.location.endswith(f"/money/bank-layouts/{made.id}")
    return made


def _edit_form(client, layout_id) -> dict:
    html = client.get(f"/money/bank-layouts/{layout_id}").get_data(as_text=True)
    form = _form_token(html, "zz-layout-form")
    form.update(name=re.search(r'id="zz-layout-name"[^>]*value="([^"]*)"', html).group(1), file_format="csv_gbk",
                title_row="", total_row="1", notes="")
    return form


def test_the_district_copies_edits_and_makes_a_layout_its_default(client, session, place, login):
    login("district")
    assert 'id="zz-bank-layouts"' in client.get("/money/").get_data(as_text=True)  # the link on the money page
    page = client.get("/money/bank-layouts/").get_data(as_text=True)
    assert page.count('class="form-inline zz-copy"') == 2 and "yikatong_xlsx" in page and "agent_bank_csv" in page
    mine = _copy(client, session, place)
    columns = [{"field": "bank_account", "title": "卡号"}, {"field": "payee_name", "title": "姓名"},
               {"field": "amount", "title": "金额"}, {"field": "reference", "title": "用途"}]
    form = _edit_form(client, mine.id)
    form.update(name="县农商行代发（2026）", columns=json.dumps(columns, ensure_ascii=False))
    assert client.post(f"/money/bank-layouts/{mine.id}", data=form).status_code == 302
    saved = _layout(session, mine.code)
    assert (saved.name, saved.columns, saved.title_row, saved.file_format) == (
        "县农商行代发（2026）", columns, False, FileFormat.CSV_GBK)
    page = client.get("/money/bank-layouts/").get_data(as_text=True)
    client.post(f"/money/bank-layouts/{mine.id}/default", data=_form_token(page, f'zz-default-{mine.id}'))
    assert _layout(session, mine.code).is_default
    page = client.get("/money/bank-layouts/").get_data(as_text=True)
    row = page.split(f'data-layout="{mine.id}"', 1)[1].split("</tr>", 1)[0]
    assert 'class="label label-primary zz-default"' in row and "zz-make-default" not in row
    client.post(f"/money/bank-layouts/{mine.id}/deactivate", data=_form_token(page, f"zz-active-{mine.id}"))
    assert (_layout(session, mine.code).active, _layout(session, mine.code).is_default) == (False, False)


def test_bad_columns_are_shown_beside_the_field_as_typed_and_nothing_is_saved(client, session, place, login):
    login("district")
    client.get("/lang/en")
    mine = _copy(client, session, place)
    before = (mine.columns, mine.version)
    for typed, words in (('[{"field": "reference", "title": "摘要"', "not valid JSON"),
                         ('[{"field": "nope", "title": "x"}]', "nope"),
                         ('[{"field": "reference", "title": "摘要"}]', "amount")):
        form = _edit_form(client, mine.id)
        form["columns"] = typed
        resp = client.post(f"/money/bank-layouts/{mine.id}", data=form)
        html = resp.get_data(as_text=True)
        assert resp.status_code == 200 and 'id="columns-errors"' in html
        errors = html.split('id="columns-errors"', 1)[1].split("</ul>", 1)[0]
        assert words in errors
        textarea = html.split('id="zz-layout-columns"', 1)[1].split("</textarea>", 1)[0]
        assert typed.replace('"', "&#34;") in textarea or typed.replace('"', "&quot;") in textarea
        row = _layout(session, mine.code)
        assert (row.columns, row.version) == before


def test_a_school_officer_reads_the_layouts_but_changes_none(client, session, place, login):
    login("school1")
    page = client.get("/money/bank-layouts/")
    assert page.status_code == 200 and "zz-copy" not in page.get_data(as_text=True)
    assert 'id="zz-bank-layouts"' not in client.get("/money/").get_data(as_text=True)
    shared = _layout(session, "agent_bank_csv")
    assert client.post(f"/money/bank-layouts/{shared.id}/copy", data={"name": "x"}).status_code in (302, 403)
    assert _own(session, place.school.district_id) == []


def test_another_districts_layout_answers_404(client, session, place, login):
    other = make_district(session)
    theirs = BankFileLayout(code="other_county", name="外县格式", district_id=other.id, file_format=FileFormat.XLSX,
                            columns=_layout(session, "agent_bank_csv").columns)
    session.add(theirs)
    session.commit()
    login("district")
    assert "other_county" not in client.get("/money/bank-layouts/").get_data(as_text=True)
    assert client.get(f"/money/bank-layouts/{theirs.id}").status_code == 404
    assert client.post(f"/money/bank-layouts/{theirs.id}", data={"name": "抢", "columns": "[]"}).status_code == 404
    assert client.post(f"/money/bank-layouts/{theirs.id}/default").status_code == 404
    assert _layout(session, "other_county").name == "外县格式"


def test_a_shared_layout_shows_read_only_and_is_not_saved(client, session, place, login):
    login("district")
    shared = _layout(session, "yikatong_xlsx")
    html = client.get(f"/money/bank-layouts/{shared.id}").get_data(as_text=True)
    assert 'id="zz-layout-shared"' in html and "<fieldset disabled>" in html
    form = _edit_form(client, shared.id)
    form.update(name="改名", columns=json.dumps(shared.columns))
    client.get("/lang/en")
    resp = client.post(f"/money/bank-layouts/{shared.id}", data=form)
    assert resp.status_code == 200 and "is not edited; copy it to make a layout of your own" in resp.get_data(
        as_text=True)
    assert _layout(session, "yikatong_xlsx").name == shared.name


def test_two_officers_making_two_layouts_default_at_once_leave_one(app, client, session, place, login):
    login("district")
    mine = [_copy(client, session, place).id, _copy(client, session, place, code="yikatong_xlsx").id]
    clients = [page_client(app, "district") for _ in range(THREADS)]
    answers = race(clients, lambda c, i: c.post(f"/money/bank-layouts/{mine[i % 2]}/default"))
    assert all(a.status == 302 for a in answers)
    defaults = [row.id for row in _own(session, place.school.district_id) if row.is_default]
    assert len(defaults) == 1 and defaults[0] in mine
