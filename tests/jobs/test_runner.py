"""The runner: progress, cancellation between chunks, failures explained, interrupted jobs requeued.

Time moves on the app's clock (the `clock` fixture), never by sleeping: a heartbeat is "stale" when
the clock has moved past the limit, and waits are on conditions with generous bounds.
"""
import time
from datetime import timedelta

from sqlalchemy import inspect, select, update

from app.context import system_context
from app.errors import DomainError
from app.extensions import db
from app.jobs import KINDS, JobResult
from app.jobs.recovery import MAX_ATTEMPTS, recover
from app.jobs.runner import execute
from app.jobs.status import describe, stalled
from app.models import AuditEvent, Job, JobStatus
from app.runner import run

WAIT_SECONDS = 60  # a bound for a busy machine, not a duration: the waits end as soon as the condition holds


def _queued(session, owner, kind="test_kind") -> Job:
    job = Job(kind=kind, user_id=owner.id, status=JobStatus.QUEUED)
    session.add(job)
    session.commit()
    return job


def _reload(session, job) -> Job:
    """The job as stored now (the runner may have detached and expired the test's object)."""
    session.expire_all()
    return session.get(Job, inspect(job).identity[0])


def _recover(session, clock, *, include_queued=False, stale_after=120) -> list[int]:
    """The worker's recovery step, through the runner, on the app's clock."""
    return run(system_context(session, clock), recover, stale_after, include_queued=include_queued)


def _wait_until(condition, what: str):
    """Poll `condition` until it holds (at most WAIT_SECONDS); its value."""
    deadline = time.monotonic() + WAIT_SECONDS
    while not (value := condition()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
    return value


def test_progress_is_recorded_and_result_kept(session, owner, kind, app):
    seen = []

    def work(job):
        path = job.output(".txt")
        path.write_text("x")
        for done in (0, 5, 10):
            job.progress(done, 10)
            seen.append(job.session.execute(select(Job.status).where(Job.id == job.job_id)).scalar())
        return JobResult(file=path, download_name="x.txt", rows=10, summary={"rows": 10})

    job = _queued(session, owner, kind(work))
    execute(job.id)
    job = _reload(session, job)
    assert job.status == JobStatus.SUCCEEDED and job.rows_done == 10 and job.rows_total == 10
    assert job.attempts == 1 and job.result_name == "x.txt" and seen[0] == JobStatus.RUNNING
    assert describe(job)["percent"] == 100 and describe(job)["has_file"]


def test_cancel_requested_stops_the_job_at_the_next_chunk_and_discards_the_file(session, owner, kind):
    written = []

    def work(job):
        path = job.output(".txt")
        path.write_text("partial")
        written.append(path)
        job.progress(1, 3)
        with db.engine.begin() as conn:  # the owner presses "cancel" meanwhile
            conn.execute(update(Job).where(Job.id == job.job_id).values(cancel_requested=True))
        job.progress(3, 3)
        raise AssertionError("not reached")

    job = _queued(session, owner, kind(work))
    execute(job.id)
    job = _reload(session, job)
    assert job.status == JobStatus.CANCELLED and not written[0].exists()
    assert describe(job)["has_file"] is False


def test_a_refused_job_explains_why_in_the_users_language(session, owner, kind, app):
    from flask_babel import lazy_gettext as _l

    def work(job):
        raise DomainError(_l("This job has already finished."))

    job = _queued(session, owner, kind(work))
    execute(job.id)
    job = _reload(session, job)
    assert job.status == JobStatus.FAILED and job.error_code == "refused"
    with app.test_request_context(headers={"Accept-Language": "zh"}):
        assert describe(job)["message"] not in ("", None)


def test_an_unexpected_error_fails_the_job_with_its_number(session, owner, kind, app, clock):
    def work(job):
        raise RuntimeError("boom")

    job, owner_id = _queued(session, owner, kind(work)), owner.id
    execute(job.id)
    job = _reload(session, job)
    assert job.status == JobStatus.FAILED and job.error_code == "internal"
    with app.test_request_context():
        message = describe(job)["message"]
    assert str(job.id) in message and "boom" not in message
    event = session.query(AuditEvent).filter_by(action="job", entity_id=str(job.id)).one()
    assert event.summary == "test_kind: failed" and event.username == "owner"
    assert event.user_id == owner_id and event.occurred_at == clock.now()  # the owner, on the app's clock


def test_a_delivered_twice_job_runs_once(session, owner, kind):
    runs = []

    def work(job):
        runs.append(job.job_id)
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


def test_recover_requeues_stale_running_jobs_and_gives_up_after_three_attempts(session, owner, clock):
    silent = clock.now()
    stale = Job(kind="pupil_roster", user_id=owner.id, status=JobStatus.RUNNING, heartbeat_at=silent,
                attempts=1)
    worn = Job(kind="pupil_roster", user_id=owner.id, status=JobStatus.RUNNING, heartbeat_at=silent,
               attempts=MAX_ATTEMPTS)
    session.add_all([stale, worn])
    session.commit()
    assert _recover(session, clock) == []  # heard of just now
    clock.move(minutes=10)
    fresh = Job(kind="pupil_roster", user_id=owner.id, status=JobStatus.RUNNING, heartbeat_at=clock.now(),
                attempts=1)
    waiting = Job(kind="pupil_roster", user_id=owner.id, status=JobStatus.QUEUED)
    session.add_all([fresh, waiting])
    session.commit()
    assert _recover(session, clock) == [stale.id]
    session.expire_all()
    assert stale.status == JobStatus.QUEUED and worn.status == JobStatus.FAILED
    assert worn.error_code == "interrupted" and fresh.status == JobStatus.RUNNING
    assert _recover(session, clock, include_queued=True) == sorted([stale.id, waiting.id])
    event = session.query(AuditEvent).filter_by(action="job", entity_id=str(worn.id)).one()
    assert event.username == "owner" and event.occurred_at == clock.now()


def test_a_job_is_stalled_once_the_clock_passes_the_stale_limit(session, owner, app, clock):
    job = Job(kind="pupil_roster", user_id=owner.id, status=JobStatus.RUNNING, heartbeat_at=clock.now(),
              attempts=1)
    session.add(job)
    session.commit()
    limit = app.config["JOBS_STALE_SECONDS"]
    clock.move(seconds=limit)
    assert not stalled(job)
    clock.move(seconds=1)
    assert stalled(job)


def test_old_result_files_are_deleted_and_the_download_says_so(session, owner, app, clock):
    from app.jobs.retention import purge_results
    from app.jobs.runner import jobs_dir

    with app.test_request_context():
        folder = jobs_dir()
    old_file, new_file = folder / "job-old.xlsx", folder / "job-new.xlsx"
    old_file.write_bytes(b"PK")
    new_file.write_bytes(b"PK")
    old = Job(kind="pupil_roster", user_id=owner.id, status=JobStatus.SUCCEEDED, result_file=old_file.name,
              finished_at=clock.now())
    session.add(old)
    session.commit()
    clock.move(days=7)
    new = Job(kind="pupil_roster", user_id=owner.id, status=JobStatus.SUCCEEDED, result_file=new_file.name,
              finished_at=clock.now())
    session.add(new)
    session.commit()
    clock.move(days=1)
    assert run(system_context(session, clock), purge_results, 7) == 1
    session.expire_all()
    assert not old_file.exists() and new_file.exists()
    assert old.result_file is None and new.result_file == new_file.name
    assert describe(old)["has_file"] is False


def test_a_run_that_lost_its_job_stops_without_recording_anything(session, owner, kind):
    written = []

    def work(job):
        path = job.output(".txt")
        path.write_text("x")
        written.append(path)
        with db.engine.begin() as conn:  # recovery thought this run dead and a new one claimed it
            conn.execute(update(Job).where(Job.id == job.job_id).values(attempts=Job.attempts + 1))
        job.progress(1, 1)
        raise AssertionError("not reached")

    job = _queued(session, owner, kind(work))
    execute(job.id)
    job = _reload(session, job)
    assert job.status == JobStatus.RUNNING and job.finished_at is None  # left to the new owner
    assert not written[0].exists()
    assert session.query(AuditEvent).filter_by(action="job", entity_id=str(job.id)).count() == 0


def test_a_cancelled_job_whose_worker_died_ends_cancelled_not_requeued(session, owner, clock):
    job = Job(kind="pupil_roster", user_id=owner.id, status=JobStatus.RUNNING, heartbeat_at=clock.now(),
              attempts=1, cancel_requested=True)
    session.add(job)
    session.commit()
    clock.move(minutes=10)
    assert _recover(session, clock, include_queued=True) == []
    assert _reload(session, job).status == JobStatus.CANCELLED


def test_two_recoveries_requeue_a_stale_job_once(session, owner, clock):
    job = Job(kind="pupil_roster", user_id=owner.id, status=JobStatus.RUNNING, heartbeat_at=clock.now(),
              attempts=1, worker="elsewhere:1")
    session.add(job)
    session.commit()
    clock.move(minutes=10)
    assert _recover(session, clock) == [job.id]
    assert _recover(session, clock) == []
    assert _reload(session, job).status == JobStatus.QUEUED


def test_the_heartbeat_stays_fresh_during_a_long_step_without_progress(session, owner, kind, app, clock,
                                                                      monkeypatch):
    monkeypatch.setitem(app.config, "JOBS_STALE_SECONDS", 4)  # a beat every second
    beats = []

    def heartbeat(job_id):
        with db.engine.connect() as conn:
            return conn.execute(select(Job.heartbeat_at).where(Job.id == job_id)).scalar()

    def work(job):
        start = heartbeat(job.job_id)
        later = clock.move(minutes=5)  # a long step: the app's clock moves on, no progress is reported
        _wait_until(lambda: heartbeat(job.job_id) == later, "a heartbeat stamped at the moved time")
        beats.append((start, later))
        assert not stalled(db.session.get(Job, job.job_id, populate_existing=True))
        return JobResult()

    job = _queued(session, owner, kind(work))
    execute(job.id)
    start, later = beats[0]
    assert later - start == timedelta(minutes=5) and _reload(session, job).status == JobStatus.SUCCEEDED


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
