"""Excel export of every list page: the list's filters and order, the user's scope, masked values,
formula text neutralised, audited with its row count; a large list goes to a background job."""
import pytest

from app.models import AuditEvent, Job, JobStatus, Student
from app.services.masking import mask_student_no
from tests.factories import make_household, make_student
from tests.security import conftest as security
from tests.xlsx_read import cells

world, as_user = security.world, security.as_user  # the two-district world's fixtures

HEADER_ROWS = 4


def _export(client, path, query=""):
    """POST the list's export button; the response."""
    return client.post(f"{path}export?{query}" if query else f"{path}export")


def _rows(resp) -> list[list]:
    """The data rows of the exported workbook."""
    assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
    assert resp.mimetype.endswith("spreadsheetml.sheet")
    return cells(resp.get_data())[HEADER_ROWS:]


@pytest.fixture
def pupils(session, world):
    """Five more pupils of school A with names and grades to sort and filter by."""
    made = [make_student(session, school=world.a, household=world.household["A"], name=name, grade=grade,
                         class_name="2班")
            for name, grade in (("丙", 4), ("甲", 2), ("乙", 4), ("=1+1", 5), ("丁", 1))]
    session.commit()
    return made


def test_the_list_page_offers_the_export_button_with_its_filters(client, as_user, world):
    as_user("school_a")
    page = client.get("/studentmodelview/list/?_flt_0_grade=3").get_data(as_text=True)
    assert "zz-list-export" in page and "/studentmodelview/export?_flt_0_grade=3" in page


def test_a_filtered_sorted_export_holds_the_lists_rows_in_its_order(client, as_user, world, pupils):
    as_user("school_a")
    query = "_flt_0_grade=4&_oc_StudentModelView=name&_od_StudentModelView=desc"
    page = client.get(f"/studentmodelview/list/?{query}").get_data(as_text=True)
    rows = _rows(_export(client, "/studentmodelview/", query))
    names = [row[0] for row in rows]
    assert names == ["乙", "丙"]  # the two grade-4 pupils, by name descending as the list sorts them
    assert page.index("乙") < page.index("丙")


def test_the_export_has_the_lists_columns_with_their_labels_and_formatted_cells(client, as_user, world):
    as_user("school_a")
    book = cells(_export(client, "/studentmodelview/").get_data())
    header, row = book[HEADER_ROWS - 1], book[HEADER_ROWS]
    assert header[0] == "姓名" and "学籍号" in header and "学校" in header
    assert row[0] == "A学生" and world.a.name in row and "在读" in row  # the status's label, not "enrolled"


def test_a_school_exports_only_its_own_pupils(client, as_user, world):
    as_user("school_a")
    names = [row[0] for row in _rows(_export(client, "/studentmodelview/"))]
    assert names == ["A学生"]
    as_user("district")
    names = sorted(row[0] for row in _rows(_export(client, "/studentmodelview/")))
    assert names == ["A学生", "B学生"]


def test_masked_columns_are_masked_never_the_full_value(client, as_user, world):
    as_user("school_a")
    data = _export(client, "/studentmodelview/").get_data()
    pupil = world.pupil["A"]
    assert mask_student_no(pupil.student_no) in _rows_of(data)[0]
    assert pupil.student_no.encode() not in data and pupil.id_number.encode() not in data
    data = _export(client, "/householdmodelview/").get_data()
    assert b"13800138000" not in data and b"6217990000000001234" not in data


def _rows_of(data: bytes) -> list[list]:
    return cells(data)[HEADER_ROWS:]


def test_formula_text_is_written_with_a_leading_apostrophe(client, as_user, world, pupils):
    as_user("school_a")
    names = [row[0] for row in _rows(_export(client, "/studentmodelview/", "_flt_0_grade=5"))]
    assert names == ["'=1+1"]


def test_every_export_is_audited_with_its_row_count_and_filters(client, as_user, world, pupils, session):
    as_user("school_a")
    _rows(_export(client, "/studentmodelview/", "_flt_0_grade=4"))
    event = session.query(AuditEvent).filter_by(action="export", entity="student").one()
    assert event.row_count == 2 and event.school_id == world.a.id
    assert event.summary.startswith("list StudentModelView 2 rows: ") and "4" in event.summary


def test_the_audit_trail_reads_a_list_export_by_the_lists_title_and_row_count(client, as_user, world, pupils,
                                                                              session):
    as_user("school_a")
    _rows(_export(client, "/studentmodelview/", "_flt_0_grade=4"))
    _rows(_export(client, "/studentmodelview/"))
    as_user("auditor")
    rows = _rows(_export(client, "/auditeventmodelview/", "_flt_0_action=export"))
    summaries = [row[5] for row in rows if row[3] == "学生"]
    assert len(summaries) == 2 and all("StudentModelView" not in s and not s.startswith("list ") for s in summaries)
    assert all("学生" in s for s in summaries)  # the list's title in the reader's language
    unfiltered, filtered = summaries  # newest first
    assert "未筛选" in unfiltered and "6" in unfiltered
    assert "未筛选" not in filtered and "2" in filtered and "4" in filtered
    page = client.get("/auditeventmodelview/list/?_flt_0_action=export").get_data(as_text=True)
    assert "StudentModelView" not in page and "学生" in page


def test_the_export_needs_the_lists_read_permission(client, as_user, world):
    as_user("leader")  # a leader reads no pupil list
    assert _export(client, "/studentmodelview/").status_code in (302, 403)


def test_sorting_an_export_by_a_masked_column_is_refused(client, as_user, world):
    as_user("district")
    resp = _export(client, "/studentmodelview/", "_oc_StudentModelView=student_no&_od_StudentModelView=asc")
    assert resp.status_code == 400


def test_a_large_list_goes_to_a_background_job_with_the_same_rows(app, client, as_user, world, pupils,
                                                                  session, monkeypatch):
    monkeypatch.setitem(app.config, "EXPORT_INLINE_ROWS", 1)
    as_user("school_a")
    resp = _export(client, "/studentmodelview/", "_flt_0_grade=4&_oc_StudentModelView=name&_od_StudentModelView=asc")
    assert resp.status_code == 302 and "/jobs/" in resp.location
    job = session.query(Job).one()
    assert job.kind == "list_export" and job.status == JobStatus.SUCCEEDED, job.error_detail
    assert job.result_rows == 2
    download = client.get(f"/jobs/{job.id}/download")
    assert [row[0] for row in _rows(download)] == ["丙", "乙"]


def test_the_approval_page_lists_nothing_for_a_school(client, as_user, world):
    as_user("school_a")
    assert client.get("/exports/approvals/").status_code == 200


def test_a_list_without_pupils_exports_too(client, as_user, world, session):
    as_user("district")
    rows = _rows(_export(client, "/schoolmodelview/"))
    assert sorted(row[1] for row in rows) == sorted([world.a.name, world.b.name])


def test_a_class_teacher_exports_only_their_class(client, as_user, world, session):
    other = make_student(session, school=world.a, household=make_household(session, district=world.d),
                         name="别班", grade=4, class_name="9班")
    session.commit()
    as_user("teacher_a")
    names = [row[0] for row in _rows(_export(client, "/studentmodelview/"))]
    assert names == ["A学生"] and other.name not in names
    assert session.query(Student).filter_by(name="别班").count() == 1


def test_a_list_with_a_to_many_column_is_read_through_its_records(client, as_user, world):
    as_user("school_a")  # the household list shows its special groups (many-to-many)
    rows = _rows(_export(client, "/householdmodelview/"))
    text = " ".join(str(cell) for row in rows for cell in row if cell)
    assert "A家长" in text and "B家长" not in text and "****" in text


def test_a_relation_column_shows_the_related_records_name(client, as_user, world):
    as_user("district")
    rows = _rows(_export(client, "/householdmembermodelview/"))
    assert {row[0] for row in rows} >= {"A母亲", "B母亲"} and "C母亲" not in {row[0] for row in rows}
    mother = next(row for row in rows if row[0] == "A母亲")
    assert mother[2].startswith("A家长")  # the household by its name, not its key


def test_rows_read_in_small_chunks_keep_the_lists_order(app, client, as_user, world, pupils, monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_CHUNK_ROWS", 2)
    as_user("district")
    query = "_oc_StudentModelView=name&_od_StudentModelView=asc"
    names = [row[0] for row in _rows(_export(client, "/studentmodelview/", query))]
    assert [n.lstrip("'") for n in names] == sorted(["A学生", "B学生", "丙", "甲", "乙", "=1+1", "丁"])
    members = _rows(_export(client, "/householdmembermodelview/"))
    assert all(isinstance(row[2], str) and "家长" in row[2] for row in members)


def test_the_audit_trail_exports_as_it_is_filtered(client, as_user, world, pupils):
    as_user("auditor")
    page = client.get("/auditeventmodelview/list/").get_data(as_text=True)
    assert "zz-list-export" in page
    rows = _rows(_export(client, "/auditeventmodelview/"))
    assert rows and all(len(row) >= 5 for row in rows)
    _rows(_export(client, "/auditeventmodelview/"))
    latest = _rows(_export(client, "/auditeventmodelview/", "_flt_0_action=export"))[0]
    assert latest[3] == "审计记录" and "AuditEventModelView" not in latest[5]  # the trail's own export, in words
