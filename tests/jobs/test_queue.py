"""The queue under the jobs: SQLite file, Redis, or immediate, chosen by APP_JOBS_URL."""
import os

import pytest
from huey import RedisHuey, SqliteHuey

from app.jobs.queue import JobQueue, make_huey
from app.models import Job, JobStatus


def test_queue_is_chosen_by_url(tmp_path):
    assert isinstance(make_huey(f"sqlite:///{tmp_path / 'q.db'}"), SqliteHuey)
    assert make_huey("immediate://").immediate
    assert isinstance(make_huey("redis://127.0.0.1:6379/15"), RedisHuey)
    with pytest.raises(ValueError):
        make_huey("amqp://127.0.0.1")


def test_sqlite_queue_keeps_a_job_until_a_worker_takes_it(app, session, make_user, tmp_path):
    _check_round_trip(app, session, make_user, f"sqlite:///{tmp_path / 'queue.db'}")


@pytest.mark.skipif(not os.environ.get("APP_TEST_REDIS_URL"), reason="APP_TEST_REDIS_URL not set (CI sets it)")
def test_redis_queue_carries_a_job_to_the_worker(app, session, make_user):
    _check_round_trip(app, session, make_user, os.environ["APP_TEST_REDIS_URL"])


def _check_round_trip(app, session, make_user, url):
    """Enqueue a real job on `url`, see it waiting, then let a worker step take and run it."""
    user = make_user("exporter", "Auditor")
    job = Job(kind="pupil_roster", user_id=user.id, status=JobStatus.QUEUED, params={})
    session.add(job)
    session.commit()
    app.config["JOBS_QUEUE_URL"] = url
    try:
        queue = JobQueue(app)
    finally:
        app.config["JOBS_QUEUE_URL"] = "immediate://"
    queue.huey.flush()
    queue.enqueue(job.id)
    assert queue.huey.pending_count() == 1
    session.expire_all()
    assert session.get(Job, job.id).status == JobStatus.QUEUED  # nothing ran in this process
    queue.huey.execute(queue.huey.dequeue())  # what the worker does with the message
    session.expire_all()
    assert session.get(Job, job.id).status == JobStatus.SUCCEEDED
    assert queue.huey.pending_count() == 0
