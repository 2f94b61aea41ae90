"""The statistical reports page: a leader chooses the term (and a school), downloads each report as xlsx and
opens it to print; a school's leader sees only that school; a long list of aided pupils goes to a background
job; a school officer prints their school's; a class teacher (no reports) is kept out."""
import uuid
from io import BytesIO

import openpyxl
import pytest

from app.commands import disbursement
from app.models import AuditEvent, DisbursementLine, Job, JobStatus
from tests.context import context
from tests.views.test_money_pages import _funded, pupils  # noqa: F401 (the fixture)

KEYS = ("aided_pupils", "identification", "aid_summary", "funds_use")


@pytest.fixture
def paid(app, session, place, pupils, make_user):  # noqa: F811
    """The batch of the entitled pupils paid; a district leader and a leader of the school."""
    sm = app.appbuilder.sm
    _account, _item, term, batch = _funded(session, place, batch_key=uuid.uuid4().hex)
    disbursement.submit(context(session, place.scope, user=sm.find_user(username="school1")), batch.id)
    district = context(session, place.district_scope, user=sm.find_user(username="district"))
    disbursement.approve(district, batch.id)
    disbursement.mark_exported(district, batch.id)
    lines = session.query(DisbursementLine).filter_by(batch_id=batch.id).all()
    disbursement.record_answers(district, batch.id, [disbursement.Answer(x.reference, True, x.amount) for x in lines])
    session.commit()
    make_user("leader", "Leader", district=place.school.district)
    make_user("leader1", "Leader", school=place.school)
    return term, lines


def test_the_district_finds_the_reports_with_xlsx_and_print_links(client, login, place, paid):
    term, _lines = paid
    login("district")
    page = client.get("/reports/statistics/").get_data(as_text=True)
    assert "/reports/statistics/" in client.get("/").get_data(as_text=True)  # in the menu
    for key in KEYS:
        assert f'data-report="{key}"' in page and f"/reports/statistics/{key}.xlsx?term={term.id}" in page
        assert f"/reports/statistics/{key}/print?term={term.id}" in page
    assert place.other_school.name in page  # a district leader may choose a school
    assert "<script src=\"http" not in page


def test_each_report_downloads_with_a_chinese_name_and_is_audited(client, login, session, paid):
    term, lines = paid
    login("district")
    for key in KEYS:
        resp = client.get(f"/reports/statistics/{key}.xlsx?term={term.id}")
        assert resp.status_code == 200 and resp.mimetype.endswith("spreadsheetml.sheet")
        assert "filename*=UTF-8''" in resp.headers["Content-Disposition"]
        sheet = openpyxl.load_workbook(BytesIO(resp.get_data())).active
        assert sheet.freeze_panes == "A5" and sheet.print_title_rows == "$4:$4"
        printed = client.get(f"/reports/statistics/{key}/print?term={term.id}")
        assert printed.status_code == 200 and "@page" in printed.get_data(as_text=True)
    events = session.query(AuditEvent).filter_by(action="export", entity="statistical_report").all()
    assert len(events) == 8 and all(e.row_count is not None for e in events)
    assert sorted(e.summary.split(",")[0] for e in events) == sorted(f"{k} {how}" for k in KEYS
                                                                    for how in ("xlsx", "print"))
    page = client.get(f"/reports/statistics/aided_pupils/print?term={term.id}").get_data(as_text=True)
    assert page.count("<tr>") >= len(lines)


def test_a_school_leader_sees_only_the_school(client, login, place, paid):
    term, _lines = paid
    login("leader1")
    page = client.get("/reports/statistics/").get_data(as_text=True)
    assert 'id="zz-school"' not in page  # no school to choose
    printed = client.get(f"/reports/statistics/identification/print?term={term.id}").get_data(as_text=True)
    assert place.school.name in printed and place.other_school.name not in printed
    other = client.get(f"/reports/statistics/identification/print?term={term.id}&school={place.other_school.id}")
    assert other.status_code == 200 and place.other_school.name not in other.get_data(as_text=True)


def test_a_school_outside_the_scope_or_an_unknown_report_is_not_found(client, login, paid):
    term, _lines = paid
    login("leader")
    assert client.get(f"/reports/statistics/funds_use.xlsx?term={term.id}&school=999999").status_code == 404
    assert client.get(f"/reports/statistics/nothing.xlsx?term={term.id}").status_code == 404


def test_a_long_list_of_aided_pupils_is_written_in_the_background(app, client, login, session, paid, monkeypatch):
    term, lines = paid
    monkeypatch.setitem(app.config, "EXPORT_INLINE_ROWS", 1)
    login("district")
    page = client.get(f"/reports/statistics/?term={term.id}").get_data(as_text=True)
    assert 'id="zz-aided-background"' in page
    assert client.get(f"/reports/statistics/aided_pupils.xlsx?term={term.id}").status_code == 302
    resp = client.post("/reports/statistics/aided_pupils/background", data={"term": term.id})
    assert resp.status_code == 302 and "/jobs/" in resp.location
    job = session.query(Job).one()
    assert job.kind == "aided_pupils_list" and job.status == JobStatus.SUCCEEDED, job.error_detail
    assert job.result_rows == 3
    download = client.get(f"/jobs/{job.id}/download")
    sheet = openpyxl.load_workbook(BytesIO(download.get_data())).active
    assert sheet.max_row == 4 + 3 + 1  # title rows, three lines, the totals
    (event,) = [e for e in session.query(AuditEvent).filter_by(action="export") if f"job {job.id}" in (e.summary or "")]
    assert (event.entity, event.row_count) == ("statistical_report", 3)  # audited as the page's downloads are


def test_a_school_officer_prints_the_reports_of_their_school_only(client, login, place, paid, make_user):
    term, lines = paid
    login("school1")
    page = client.get(f"/reports/statistics/?term={term.id}").get_data(as_text=True)
    assert 'id="zz-school"' not in page and all(f'data-report="{key}"' in page for key in KEYS)
    listed = client.get(f"/reports/statistics/aided_pupils/print?term={term.id}&school={place.other_school.id}")
    shown = listed.get_data(as_text=True)
    assert listed.status_code == 200 and place.school.name in shown and place.other_school.name not in shown
    assert shown.count("<tr>") >= len(lines)
    assert client.get(f"/reports/statistics/funds_use.xlsx?term={term.id}").status_code == 200
    client.get("/logout/")
    make_user("teacher1", "ClassTeacher", school=place.school)
    login("teacher1")
    assert client.get("/reports/statistics/").status_code in (302, 403)  # a class teacher has no reports


def test_a_leader_reads_the_figures_but_never_the_list_naming_pupils(client, login, paid):
    term, lines = paid
    login("leader")
    page = client.get(f"/reports/statistics/?term={term.id}").get_data(as_text=True)
    assert 'data-report="funds_use"' in page and 'data-report="aided_pupils"' not in page
    for path in (f"aided_pupils.xlsx?term={term.id}", f"aided_pupils/print?term={term.id}"):
        assert client.get(f"/reports/statistics/{path}").status_code == 404
    assert client.post("/reports/statistics/aided_pupils/background", data={"term": term.id}).status_code == 404
    assert client.get(f"/reports/statistics/funds_use.xlsx?term={term.id}").status_code == 200


def test_the_audit_trail_names_each_report_with_its_term_and_rows(client, login, session, paid, make_user):
    term, _lines = paid
    make_user("auditor1", "Auditor")
    login("district")
    client.get(f"/reports/statistics/aid_summary.xlsx?term={term.id}")
    client.get(f"/reports/statistics/identification/print?term={term.id}")
    login("auditor1")
    page = client.get("/auditeventmodelview/list/?_flt_0_action=export").get_data(as_text=True)
    assert "资助统计汇总表" in page and "认定结果汇总表" in page and term.name in page
    assert term.school_year.name in page
    assert "aid_summary" not in page and "identification print" not in page
