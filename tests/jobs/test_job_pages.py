"""Starting, following, cancelling and downloading jobs through the pages, under each scope."""
import io
import re
import zipfile

from app.models import AuditEvent, Job, JobStatus


def _start(client, kind="pupil_roster", **form):
    """POST the start form; returns the response of the job page it redirects to."""
    return client.post(f"/jobs/new/{kind}", data=form, follow_redirects=True)


def _xlsx_text(data: bytes) -> str:
    """All the text inside an xlsx file (sheet XML and shared strings)."""
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        return "".join(book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xml"))


def test_school_officer_exports_only_own_school_masked(as_user, world, session):
    client = as_user("school_a")
    page = _start(client)
    assert page.status_code == 200
    job = session.query(Job).one()
    assert job.status == JobStatus.SUCCEEDED and job.result_rows == 1 and job.school_id == world.a.id
    download = client.get(f"/jobs/{job.id}/download")
    assert download.status_code == 200
    text = _xlsx_text(download.data)
    assert "A学生" in text and "B学生" not in text and "C学生" not in text
    assert world.pupil["A"].id_number not in text  # masked
    assert re.search(r"\d{4}\*{12}[\dX]{2}", text)  # an ID number may end in X


def test_district_officer_export_can_be_limited_to_one_school(as_user, world, session):
    client = as_user("district")
    _start(client, school_id=str(world.b.id))
    job = session.query(Job).one()
    text = _xlsx_text(client.get(f"/jobs/{job.id}/download").data)
    assert "B学生" in text and "A学生" not in text


def test_district_officer_cannot_reach_another_district_through_the_school_option(as_user, world, session):
    client = as_user("district")
    resp = _start(client, school_id=str(world.c.id))
    assert resp.status_code == 200
    assert session.query(Job).count() == 0  # not a valid choice for this user


def test_job_page_shows_progress_and_status_json(as_user, world, session):
    client = as_user("school_a")
    _start(client, "pupil_check")
    job = session.query(Job).one()
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "zz-job" in page and "100%" in page
    info = client.get(f"/jobs/{job.id}/status").get_json()
    assert info["status"] == "succeeded" and info["percent"] == 100 and info["rows_done"] == 1
    assert info["summary"]["checked"] == 1


def test_other_users_job_is_not_found_but_auditor_sees_it(as_user, world, session):
    client = as_user("district")
    _start(client)
    job_id = session.query(Job.id).scalar()
    client = as_user("school_a")
    for url in (f"/jobs/{job_id}", f"/jobs/{job_id}/status", f"/jobs/{job_id}/download"):
        assert client.get(url).status_code == 404
    assert client.post(f"/jobs/{job_id}/cancel").status_code == 404
    assert f"#{job_id}" not in client.get("/jobmodelview/list/").get_data(as_text=True)
    client = as_user("auditor")
    assert client.get(f"/jobs/{job_id}/status").status_code == 200
    assert f"#{job_id}" in client.get("/jobmodelview/list/").get_data(as_text=True)


def test_leader_cannot_start_a_pupil_export(as_user, world, session):
    client = as_user("leader")
    assert client.get("/jobs/new/pupil_roster").status_code == 404
    assert "/jobs/new/pupil_roster" not in client.get("/jobmodelview/list/").get_data(as_text=True)


def test_cancel_a_waiting_job_stops_it_at_once(as_user, world, session):
    client = as_user("school_a")
    user_id = session.query(AuditEvent.user_id).filter_by(username="school_a").first()[0]
    job = Job(kind="pupil_roster", user_id=user_id, school_id=world.a.id, status=JobStatus.QUEUED)
    session.add(job)
    session.commit()
    client.post(f"/jobs/{job.id}/cancel", follow_redirects=True)
    session.expire_all()
    assert job.status == JobStatus.CANCELLED and job.cancel_requested
    again = client.post(f"/jobs/{job.id}/cancel", follow_redirects=True).get_data(as_text=True)
    assert "already finished" in again or "已经结束" in again


def test_starting_and_ending_a_job_is_audited(as_user, world, session):
    client = as_user("school_a")
    _start(client)
    job = session.query(Job).one()
    client.get(f"/jobs/{job.id}/download")
    events = session.query(AuditEvent).filter(AuditEvent.username == "school_a",
                                              AuditEvent.action.in_(("job", "export"))).all()
    details = sorted(e.summary for e in events)
    assert "pupil_roster: started" in details and "pupil_roster: succeeded" in details
    assert any(d.startswith("pupil roster, job") for d in details)
    assert any(d.startswith("download ") for d in details)
    assert all(e.school_id == world.a.id for e in events)


def test_only_the_owner_can_cancel_even_an_auditor_cannot(as_user, world, session):
    from app.models import User

    owner_id = session.query(User.id).filter_by(username="district").scalar()
    job = Job(kind="pupil_roster", user_id=owner_id, status=JobStatus.QUEUED)
    session.add(job)
    session.commit()
    client = as_user("auditor")
    assert "zz-job-cancel" not in client.get(f"/jobs/{job.id}").get_data(as_text=True)
    client.post(f"/jobs/{job.id}/cancel")
    session.expire_all()
    assert session.get(Job, job.id).status == JobStatus.QUEUED


def test_a_result_is_not_handed_out_after_the_owner_moved_school(as_user, world, session):
    from app.models import User, UserScope

    client = as_user("school_a")
    _start(client)
    job = session.query(Job).one()
    assert client.get(f"/jobs/{job.id}/download").status_code == 200
    user_id = session.query(User.id).filter_by(username="school_a").scalar()
    session.query(UserScope).filter_by(user_id=user_id).update({"school_id": world.b.id})
    session.commit()
    resp = client.get(f"/jobs/{job.id}/download")
    assert resp.status_code == 302 and not resp.data.startswith(b"PK")


def test_the_data_check_ignores_former_pupils(as_user, world, session):
    from app.models import StudentStatus

    pupil = world.pupil["A"]
    pupil.student_no = "L" + pupil.id_number[:6] + "20170301" + "0001"  # temporary: a problem
    session.commit()
    client = as_user("school_a")
    _start(client, "pupil_check")
    assert session.query(Job).order_by(Job.id.desc()).first().summary["problems"] == 1
    pupil.status = StudentStatus.GRADUATED
    session.commit()
    _start(client, "pupil_check")
    session.expire_all()
    latest = session.query(Job).order_by(Job.id.desc()).first()
    assert latest.summary == {"checked": 0, "pupils": 0, "problems": 0}


def test_a_class_teachers_export_holds_only_their_classes(as_user, world, session):
    from tests.factories import make_student

    make_student(session, school=world.a, name="别班学生", grade=4, class_name="2班")
    session.commit()
    client = as_user("teacher_a")
    _start(client)
    job = session.query(Job).one()
    text = _xlsx_text(client.get(f"/jobs/{job.id}/download").data)
    assert "A学生" in text and "别班学生" not in text and job.result_rows == 1
