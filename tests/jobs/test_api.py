"""Jobs over REST: start, follow, download, cancel; one's own only; options checked."""
from app.models import Job, JobStatus, User


def test_school_officer_runs_an_export_over_the_api(client, world, jwt, session):
    headers = jwt("school_a")
    resp = client.post("/api/v1/job/start/pupil_roster", json={"grade": "3"}, headers=headers)
    assert resp.status_code == 201, resp.get_json()
    job_id = resp.get_json()["id"]
    status = client.get(f"/api/v1/job/{job_id}/status", headers=headers).get_json()
    assert status["status"] == "succeeded" and status["rows_done"] == 1 and status["percent"] == 100
    listed = client.get("/api/v1/job/", headers=headers).get_json()
    assert [row["id"] for row in listed["result"]] == [job_id]
    download = client.get(f"/api/v1/job/{job_id}/download", headers=headers)
    assert download.status_code == 200 and download.data[:2] == b"PK"
    assert client.post(f"/api/v1/job/{job_id}/cancel", headers=headers).status_code == 409


def test_another_users_job_is_not_found_over_the_api(client, world, jwt, session):
    resp = client.post("/api/v1/job/start/pupil_check", json={}, headers=jwt("district"))
    job_id = resp.get_json()["id"]
    other = jwt("school_a")
    for url in (f"/api/v1/job/{job_id}", f"/api/v1/job/{job_id}/status", f"/api/v1/job/{job_id}/download"):
        assert client.get(url, headers=other).status_code == 404
    assert client.post(f"/api/v1/job/{job_id}/cancel", headers=other).status_code == 404


def test_options_outside_the_scope_and_unknown_kinds_are_refused(client, world, jwt, session):
    headers = jwt("district")
    resp = client.post("/api/v1/job/start/pupil_roster", json={"school_id": str(world.c.id)}, headers=headers)
    assert resp.status_code == 422 and "school_id" in resp.get_json()["message"]
    assert client.post("/api/v1/job/start/no_such", json={}, headers=headers).status_code == 404
    assert client.post("/api/v1/job/start/pupil_roster", json={}, headers=jwt("leader")).status_code == 404
    assert session.query(Job).count() == 0


def test_a_waiting_job_is_cancelled_over_the_api(client, world, jwt, session):
    headers = jwt("auditor")
    user_id = session.query(User.id).filter_by(username="auditor").scalar()
    job = Job(kind="pupil_roster", user_id=user_id, status=JobStatus.QUEUED)
    session.add(job)
    session.commit()
    resp = client.post(f"/api/v1/job/{job.id}/cancel", headers=headers)
    assert resp.status_code == 200 and resp.get_json()["status"] == "cancelled"


def test_an_auditor_cannot_cancel_someone_elses_job_over_the_api(client, world, jwt, session):
    resp = client.post("/api/v1/job/start/pupil_check", json={}, headers=jwt("district"))
    job_id = resp.get_json()["id"]
    owner_id = session.query(Job.user_id).filter_by(id=job_id).scalar()
    session.add(Job(kind="pupil_roster", user_id=owner_id, status=JobStatus.QUEUED))
    session.commit()
    queued_id = session.query(Job.id).filter_by(status=JobStatus.QUEUED).scalar()
    assert client.post(f"/api/v1/job/{queued_id}/cancel", headers=jwt("auditor")).status_code == 403
    session.expire_all()
    assert session.get(Job, queued_id).status == JobStatus.QUEUED
