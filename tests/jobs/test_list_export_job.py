"""The list export job: a school's large export of pupils waits for the district's approval (when
EXPORT_APPROVAL_ROWS is set) and runs once approved; the district's own export never waits."""
from datetime import timedelta

import pytest

from app.formatting import format_date
from app.jobs.queue import job_queue
from app.models import AuditEvent, Job, JobStatus
from tests.factories import make_student
from tests.xlsx_read import cells

HEADER_ROWS = 4


@pytest.fixture
def approval(app, monkeypatch, world, session):
    """Approval above 2 rows; three more pupils in school A (four in all)."""
    monkeypatch.setitem(app.config, "EXPORT_APPROVAL_ROWS", 2)
    for name in ("甲", "乙", "丙"):
        make_student(session, school=world.a, household=world.household["A"], name=name)
    session.commit()


def _names(client, job_id) -> list[str]:
    download = client.get(f"/jobs/{job_id}/download")
    assert download.status_code == 200
    return [row[0] for row in cells(download.get_data())[HEADER_ROWS:]]


def test_a_schools_large_pupil_export_waits_for_the_district_and_runs_after_approval(
        client, as_user, approval, session):
    as_user("school_a")
    resp = client.post("/studentmodelview/export?_oc_StudentModelView=name&_od_StudentModelView=asc")
    assert resp.status_code == 302
    job = session.query(Job).one()
    assert job.status == JobStatus.WAITING_APPROVAL and job.params["rows"] == 4
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "data-status=\"waiting_approval\"" in page
    assert client.get(f"/jobs/{job.id}/download").status_code == 302  # no file yet

    as_user("district")
    listed = client.get("/exports/approvals/").get_data(as_text=True)
    assert f'data-job="{job.id}"' in listed
    assert client.post(f"/exports/approvals/{job.id}/approve").status_code == 302
    session.expire_all()
    job = session.get(Job, job.id)
    assert job.status == JobStatus.SUCCEEDED, job.error_detail
    assert job.result_rows == 4 and job.params["approved_by"] is not None
    assert session.query(AuditEvent).filter_by(action="approve", entity="job", entity_id=str(job.id)).count() == 2

    as_user("school_a")
    assert _names(client, job.id) == sorted(["A学生", "甲", "乙", "丙"])


def test_the_districts_own_large_export_does_not_wait(client, as_user, approval, session):
    as_user("district")
    resp = client.post("/studentmodelview/export")
    assert resp.status_code == 200  # small enough to come at once, and no approval for the district
    assert session.query(Job).count() == 0
    event = session.query(AuditEvent).filter_by(action="export", entity="student").one()
    assert event.row_count == 5


def test_a_small_school_export_does_not_wait(client, as_user, approval, session):
    as_user("school_a")
    assert client.post("/studentmodelview/export?_flt_0_name=甲").status_code == 200
    assert session.query(Job).count() == 0


def test_a_large_export_of_a_list_without_personal_data_does_not_wait(client, as_user, approval, session):
    as_user("school_a")
    assert client.post("/termmodelview/export").status_code == 200
    assert session.query(Job).count() == 0


def test_without_a_threshold_nothing_waits(app, client, as_user, approval, session, monkeypatch):
    monkeypatch.setitem(app.config, "EXPORT_APPROVAL_ROWS", None)
    as_user("school_a")
    assert client.post("/studentmodelview/export").status_code == 200
    assert session.query(Job).count() == 0


def test_a_school_cannot_approve_and_another_district_cannot_see_it(client, as_user, approval, session,
                                                                    make_user, world):
    as_user("school_a")
    client.post("/studentmodelview/export")
    job = session.query(Job).one()
    assert client.post(f"/exports/approvals/{job.id}/approve").status_code == 404  # a school approves nothing
    make_user("district_e", "DistrictOfficer", district=world.e)
    as_user("district_e")
    assert f'data-job="{job.id}"' not in client.get("/exports/approvals/").get_data(as_text=True)
    assert client.post(f"/exports/approvals/{job.id}/approve").status_code == 404
    as_user("leader")  # the district's leader may not change pupils' records: no approval
    client.post(f"/exports/approvals/{job.id}/approve")
    session.expire_all()
    assert session.get(Job, job.id).status == JobStatus.WAITING_APPROVAL


def test_approving_twice_runs_the_export_once(client, as_user, approval, session):
    as_user("school_a")
    client.post("/studentmodelview/export")
    job = session.query(Job).one()
    as_user("district")
    client.post(f"/exports/approvals/{job.id}/approve")
    client.post(f"/exports/approvals/{job.id}/approve")
    assert session.query(AuditEvent).filter_by(action="export", entity="student").count() == 1


def test_the_owner_can_cancel_a_waiting_export(client, as_user, approval, session):
    as_user("school_a")
    client.post("/studentmodelview/export")
    job = session.query(Job).one()
    client.post(f"/jobs/{job.id}/cancel")
    session.expire_all()
    assert session.get(Job, job.id).status == JobStatus.CANCELLED


def test_the_district_sees_the_waiting_export_on_its_workbench(client, as_user, approval, session):
    as_user("school_a")
    client.post("/studentmodelview/export")
    as_user("district")
    page = client.get("/").get_data(as_text=True)
    assert "/exports/approvals/" in page


def test_an_approved_export_writes_no_more_than_was_approved(client, as_user, approval, session, world):
    as_user("school_a")
    client.post("/studentmodelview/export")
    job = session.query(Job).one()
    make_student(session, school=world.a, household=world.household["A"], name="丁")  # a fifth pupil since
    session.commit()
    as_user("district")
    client.post(f"/exports/approvals/{job.id}/approve")
    session.expire_all()
    job = session.get(Job, job.id)
    assert job.status == JobStatus.FAILED and job.result_file is None


def test_exports_waiting_for_approval_leave_the_school_its_running_jobs(app, client, as_user, approval, session,
                                                                      monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_PER_USER", 3)
    as_user("school_a")
    for _ in range(3):
        client.post("/studentmodelview/export")
    assert session.query(Job).filter_by(status=JobStatus.WAITING_APPROVAL).count() == 3
    monkeypatch.setitem(app.config, "EXPORT_INLINE_ROWS", 0)  # the terms' list now goes to a job
    resp = client.post("/termmodelview/export")
    assert resp.status_code == 302 and "/jobs/" in resp.location
    ran = session.query(Job).filter(Job.status != JobStatus.WAITING_APPROVAL).one()
    assert ran.status == JobStatus.SUCCEEDED, ran.error_detail


def test_one_waiting_export_more_than_allowed_is_refused(app, client, as_user, approval, session, monkeypatch):
    monkeypatch.setitem(app.config, "EXPORT_APPROVALS_PER_USER", 1)
    as_user("school_a")
    assert "/jobs/" in client.post("/studentmodelview/export").location
    resp = client.post("/studentmodelview/export", headers={"Referer": "/studentmodelview/list/"})
    assert resp.status_code == 302 and "/jobs/" not in resp.location
    assert session.query(Job).count() == 1


def test_the_approvals_page_shows_when_each_request_expires(app, client, as_user, approval, session, clock):
    as_user("school_a")
    client.post("/studentmodelview/export")
    job = session.query(Job).one()
    as_user("district")
    page = client.get("/exports/approvals/").get_data(as_text=True)
    expires = format_date(job.created_on + timedelta(days=app.config["EXPORT_APPROVAL_EXPIRES_DAYS"]))
    assert f'<td class="zz-export-expires">{expires}</td>' in page
    assert "zz-approve-export" in page and "zz-export-expired" not in page


def test_an_expired_request_cannot_be_approved_and_the_hourly_sweep_ends_it(app, client, as_user, approval,
                                                                           session, clock):
    days = app.config["EXPORT_APPROVAL_EXPIRES_DAYS"]
    as_user("school_a")
    client.post("/studentmodelview/export")
    job = session.query(Job).one()
    clock.move(days=days)
    as_user("district")
    page = client.get("/exports/approvals/").get_data(as_text=True)
    assert "zz-export-expired" in page and "zz-approve-export" not in page
    client.post(f"/exports/approvals/{job.id}/approve")
    session.expire_all()
    assert session.get(Job, job.id).status == JobStatus.WAITING_APPROVAL
    assert session.query(AuditEvent).filter_by(action="export", entity="student").count() == 0

    job_queue()._purge()  # the hourly task
    session.expire_all()
    job = session.get(Job, job.id)
    assert job.status == JobStatus.CANCELLED and job.error_code == "approval_expired"
    assert f'data-job="{job.id}"' not in client.get("/exports/approvals/").get_data(as_text=True)
    as_user("school_a")
    status = client.get(f"/jobs/{job.id}/status").get_json()
    assert status["status"] == "cancelled" and str(days) in status["message"]


def test_the_worker_writes_a_queued_export_outside_any_request(app, client, as_user, session, monkeypatch):
    """The worker process runs a job with an app context and no request (immediate mode, as elsewhere in
    the tests, would run it inside the export's own request and hide what only the worker meets)."""
    import threading

    queued = []
    monkeypatch.setattr(job_queue(), "enqueue", queued.append)
    monkeypatch.setitem(app.config, "EXPORT_INLINE_ROWS", 0)
    as_user("district")
    assert client.post("/studentmodelview/export").status_code == 302
    job = session.query(Job).one()
    assert queued == [job.id] and job.status == JobStatus.QUEUED
    worker = threading.Thread(target=job_queue()._execute, args=(job.id,))
    worker.start()
    worker.join(timeout=120)
    assert not worker.is_alive()
    session.expire_all()
    job = session.get(Job, job.id)
    assert job.status == JobStatus.SUCCEEDED, job.error_detail
    assert "A学生" in _names(client, job.id)
