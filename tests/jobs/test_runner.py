"""The runner: progress, cancellation between chunks, failures explained, interrupted jobs requeued."""
from datetime import timedelta

from sqlalchemy import inspect, select, update

from app.errors import DomainError
from app.extensions import db
from app.jobs import KINDS, JobResult
from app.jobs.recovery import MAX_ATTEMPTS, recover
from app.jobs.runner import execute
from app.jobs.status import describe
from app.models import AuditEvent, Job, JobStatus
from app.models.base import utcnow


def _queued(session, owner, kind="test_kind") -> Job:
    job = Job(kind=kind, user_id=owner.id, status=JobStatus.QUEUED)
    session.add(job)
    session.commit()
    return job


def _reload(session, job) -> Job:
    """The job as stored now (the runner may have detached and expired the test's object)."""
    session.expire_all()
    return session.get(Job, inspect(job).identity[0])


def test_progress_is_recorded_and_result_kept(session, owner, kind, app):
    seen = []

    def work(ctx):
        path = ctx.output(".txt")
        path.write_text("x")
        for done in (0, 5, 10):
            ctx.progress(done, 10)
            seen.append(ctx.session.execute(select(Job.status).where(Job.id == ctx.job_id)).scalar())
        return JobResult(file=path, download_name="x.txt", rows=10, summary={"rows": 10})

    job = _queued(session, owner, kind(work))
    execute(job.id)
    job = _reload(session, job)
    assert job.status == JobStatus.SUCCEEDED and job.rows_done == 10 and job.rows_total == 10
    assert job.attempts == 1 and job.result_name == "x.txt" and seen[0] == JobStatus.RUNNING
    assert describe(job)["percent"] == 100 and describe(job)["has_file"]


def test_cancel_requested_stops_the_job_at_the_next_chunk_and_discards_the_file(session, owner, kind):
    written = []

    def work(ctx):
        path = ctx.output(".txt")
        path.write_text("partial")
        written.append(path)
        ctx.progress(1, 3)
        with db.engine.begin() as conn:  # the owner presses "cancel" meanwhile
            conn.execute(update(Job).where(Job.id == ctx.job_id).values(cancel_requested=True))
        ctx.progress(3, 3)
        raise AssertionError("not reached")

    job = _queued(session, owner, kind(work))
    execute(job.id)
    job = _reload(session, job)
    assert job.status == JobStatus.CANCELLED and not written[0].exists()
    assert describe(job)["has_file"] is False


def test_a_refused_job_explains_why_in_the_users_language(session, owner, kind, app):
    from flask_babel import lazy_gettext as _l

    def work(ctx):
        raise DomainError(_l("This job has already finished."))

    job = _queued(session, owner, kind(work))
    execute(job.id)
    job = _reload(session, job)
    assert job.status == JobStatus.FAILED and job.error_code == "refused"
    with app.test_request_context(headers={"Accept-Language": "zh"}):
        assert describe(job)["message"] not in ("", None)


def test_an_unexpected_error_fails_the_job_with_its_number(session, owner, kind, app):
    def work(ctx):
        raise RuntimeError("boom")

    job = _queued(session, owner, kind(work))
    execute(job.id)
    job = _reload(session, job)
    assert job.status == JobStatus.FAILED and job.error_code == "internal"
    with app.test_request_context():
        message = describe(job)["message"]
    assert str(job.id) in message and "boom" not in message
    event = session.query(AuditEvent).filter_by(action="job", entity_id=str(job.id)).one()
    assert event.summary == "test_kind: failed" and event.username == "owner"


def test_a_delivered_twice_job_runs_once(session, owner, kind):
    runs = []

    def work(ctx):
        runs.append(ctx.job_id)
        return JobResult()

    job = _queued(session, owner, kind(work))
    execute(job.id)
    execute(job.id)
    assert runs == [job.id]


def test_a_cancelled_waiting_job_never_starts(session, owner, kind):
    runs = []
    job = _queued(session, owner, kind(lambda ctx: runs.append(1)))
    job.cancel_requested = True
    session.commit()
    execute(job.id)
    assert runs == [] and _reload(session, job).status == JobStatus.CANCELLED


def test_recover_requeues_stale_running_jobs_and_gives_up_after_three_attempts(session, owner):
    old = utcnow() - timedelta(minutes=10)
    stale = Job(kind="pupil_roster", user_id=owner.id, status=JobStatus.RUNNING, heartbeat_at=old,
                attempts=1)
    worn = Job(kind="pupil_roster", user_id=owner.id, status=JobStatus.RUNNING, heartbeat_at=old,
               attempts=MAX_ATTEMPTS)
    fresh = Job(kind="pupil_roster", user_id=owner.id, status=JobStatus.RUNNING, heartbeat_at=utcnow(),
                attempts=1)
    waiting = Job(kind="pupil_roster", user_id=owner.id, status=JobStatus.QUEUED)
    session.add_all([stale, worn, fresh, waiting])
    session.commit()
    assert recover(session, 120, include_queued=False) == [stale.id]
    session.expire_all()
    assert stale.status == JobStatus.QUEUED and worn.status == JobStatus.FAILED
    assert worn.error_code == "interrupted" and fresh.status == JobStatus.RUNNING
    assert recover(session, 120, include_queued=True) == sorted([stale.id, waiting.id])


def test_old_result_files_are_deleted_and_the_download_says_so(session, owner, app, tmp_path):
    from app.jobs.retention import purge_results
    from app.jobs.runner import jobs_dir

    with app.test_request_context():
        folder = jobs_dir()
    old_file, new_file = folder / "job-old.xlsx", folder / "job-new.xlsx"
    old_file.write_bytes(b"PK")
    new_file.write_bytes(b"PK")
    old = Job(kind="pupil_roster", user_id=owner.id, status=JobStatus.SUCCEEDED, result_file=old_file.name,
              finished_at=utcnow() - timedelta(days=8))
    new = Job(kind="pupil_roster", user_id=owner.id, status=JobStatus.SUCCEEDED, result_file=new_file.name,
              finished_at=utcnow() - timedelta(days=1))
    session.add_all([old, new])
    session.commit()
    assert purge_results(session, 7) == 1
    session.expire_all()
    assert not old_file.exists() and new_file.exists()
    assert old.result_file is None and new.result_file == new_file.name
    assert describe(old)["has_file"] is False


def test_a_run_that_lost_its_job_stops_without_recording_anything(session, owner, kind):
    written = []

    def work(ctx):
        path = ctx.output(".txt")
        path.write_text("x")
        written.append(path)
        with db.engine.begin() as conn:  # recovery thought this run dead and a new one claimed it
            conn.execute(update(Job).where(Job.id == ctx.job_id).values(attempts=Job.attempts + 1))
        ctx.progress(1, 1)
        raise AssertionError("not reached")

    job = _queued(session, owner, kind(work))
    execute(job.id)
    job = _reload(session, job)
    assert job.status == JobStatus.RUNNING and job.finished_at is None  # left to the new owner
    assert not written[0].exists()
    assert session.query(AuditEvent).filter_by(action="job", entity_id=str(job.id)).count() == 0


def test_a_cancelled_job_whose_worker_died_ends_cancelled_not_requeued(session, owner):
    old = utcnow() - timedelta(minutes=10)
    job = Job(kind="pupil_roster", user_id=owner.id, status=JobStatus.RUNNING, heartbeat_at=old,
              attempts=1, cancel_requested=True)
    session.add(job)
    session.commit()
    assert recover(session, 120, include_queued=True) == []
    assert _reload(session, job).status == JobStatus.CANCELLED


def test_two_recoveries_requeue_a_stale_job_once(session, owner):
    job = Job(kind="pupil_roster", user_id=owner.id, status=JobStatus.RUNNING,
              heartbeat_at=utcnow() - timedelta(minutes=10), attempts=1, worker="elsewhere:1")
    session.add(job)
    session.commit()
    assert recover(session, 120, include_queued=False) == [job.id]
    assert recover(session, 120, include_queued=False) == []
    assert _reload(session, job).status == JobStatus.QUEUED


def test_the_heartbeat_stays_fresh_during_a_long_step_without_progress(session, owner, kind, app, monkeypatch):
    import time

    monkeypatch.setitem(app.config, "JOBS_STALE_SECONDS", 4)  # a beat every second
    beats = []

    def work(ctx):
        start = db.session.execute(select(Job.heartbeat_at).where(Job.id == ctx.job_id)).scalar()
        time.sleep(2.5)
        db.session.rollback()
        beats.append((start, db.session.execute(select(Job.heartbeat_at).where(Job.id == ctx.job_id)).scalar()))
        return JobResult()

    job = _queued(session, owner, kind(work))
    execute(job.id)
    start, later = beats[0]
    assert later > start and _reload(session, job).status == JobStatus.SUCCEEDED


def test_an_owner_who_lost_the_permission_gets_a_refused_job(session, kind, make_user, app):
    from tests.factories import make_district

    leader = make_user("former_officer", "Leader", district=make_district(session))
    runs = []
    monkey_kind = kind(lambda ctx: runs.append(1))
    KINDS[monkey_kind] = KINDS[monkey_kind].__class__(
        monkey_kind, "Test", "", ("can_read", "Student"), KINDS[monkey_kind].run)
    job = _queued(session, leader, monkey_kind)
    execute(job.id)
    job = _reload(session, job)
    assert runs == [] and job.status == JobStatus.FAILED and job.error_code == "refused"
