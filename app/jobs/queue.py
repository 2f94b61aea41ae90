"""The task queue under the jobs: huey on SQLite (embedded, no server) or on Redis (production)."""
import logging
import threading
from pathlib import Path
from urllib.parse import urlparse

from flask import Flask, current_app
from huey import RedisHuey, SqliteHuey, crontab

from app.clock import clock_of
from app.context import system_context
from app.extensions import db
from app.jobs.files import private_file_kept
from app.runner import run

log = logging.getLogger(__name__)
TASK_NAME = "zizhu.run_job"


def make_huey(url: str, name: str = "zizhu"):
    """A huey for `url`: sqlite:///path (a file beside the database), redis://…, or immediate://.

    immediate:// runs each task at once, waited for (tests and one-off scripts; see JobQueue.enqueue).
    """
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        filename = url.removeprefix("sqlite:///")
        private_file_kept(Path(filename))
        return SqliteHuey(name, filename=filename)
    if parsed.scheme in ("redis", "rediss", "unix"):
        return RedisHuey(name, url=url)
    if parsed.scheme == "immediate":
        return SqliteHuey(name, immediate=True)
    raise ValueError(f"APP_JOBS_URL: unsupported queue {parsed.scheme!r}")


class JobQueue:
    """The app's huey and its tasks; reach it as `current_app.extensions['zizhu.jobs']`."""

    def __init__(self, app: Flask):
        self.app = app
        self.huey = make_huey(app.config["JOBS_QUEUE_URL"])
        self._run = self.huey.task(name=TASK_NAME)(self._execute)
        self.huey.periodic_task(crontab(minute="*"), name="zizhu.recover_jobs")(self._recover_stale)
        self.huey.on_startup(name="zizhu.recover_on_startup")(self._recover_on_startup)
        self.huey.periodic_task(crontab(minute="7"), name="zizhu.purge_results")(self._purge)

    def _execute(self, job_id: int) -> None:
        """Task body: run the job inside an app context of this process."""
        from app.jobs.runner import execute

        with self.app.app_context():
            execute(job_id)

    def enqueue(self, job_id: int) -> None:
        """Hand job `job_id` to the worker. In immediate mode run it now, but as the worker would: in a
        thread of its own with an app context and no request (waited for), so that a job needing the
        caller's request fails in the tests as it would in the worker."""
        if not self.huey.immediate:
            self._run(job_id)
            return
        worker = threading.Thread(target=self._run, args=(job_id,), name=f"job-{job_id}")
        worker.start()
        worker.join()

    def _system_context(self):
        """The system's context on this app's session and clock (the periodic tasks')."""
        return system_context(db.session, clock_of(self.app))

    def _recover(self, include_queued: bool) -> None:
        """Requeue jobs that a stopped worker left behind."""
        from app.jobs.recovery import recover

        with self.app.app_context():
            ids = run(self._system_context(), recover, self.app.config["JOBS_STALE_SECONDS"],
                      include_queued=include_queued)
            db.session.remove()
        for job_id in ids:
            log.info("requeued job %s", job_id)
            self._run(job_id)

    def _purge(self) -> None:
        """Every hour: result files past JOBS_KEEP_DAYS are deleted, exports waiting for approval past
        EXPORT_APPROVAL_EXPIRES_DAYS expired, old idempotency keys forgotten, public notices past their
        end date withdrawn, planner statistics refreshed; each step in a transaction of its own, a
        failed one logged without stopping the others."""
        from app.commands.idempotency import purge_keys
        from app.commands.list_exports import expire_waiting_exports
        from app.commands.notices import withdraw_expired
        from app.commands.statistics import refresh_planner_statistics
        from app.jobs.retention import purge_results

        config = self.app.config
        steps = ((purge_results, config["JOBS_KEEP_DAYS"]),
                 (expire_waiting_exports, config["EXPORT_APPROVAL_EXPIRES_DAYS"]), (purge_keys,),
                 (withdraw_expired,), (refresh_planner_statistics,))
        with self.app.app_context():
            for command, *args in steps:
                try:
                    run(self._system_context(), command, *args)
                except Exception:  # the next hour tries again; the other steps still run
                    log.exception("hourly task %s failed", command.__name__)
            db.session.remove()

    def _recover_stale(self) -> None:
        """Every minute: running jobs without a heartbeat go back to the queue."""
        self._recover(include_queued=False)

    def _recover_on_startup(self) -> None:
        """When a worker starts: stale running jobs and every queued job are queued again."""
        self._recover(include_queued=True)


def init_app(app: Flask) -> None:
    """Create the app's job queue and load the job kinds."""
    from app.jobs import batches, checks, exports, list_export, scoring, todos  # noqa: F401  (kinds, to-dos)

    app.extensions["zizhu.jobs"] = JobQueue(app)


def job_queue() -> JobQueue:
    """The current app's job queue."""
    return current_app.extensions["zizhu.jobs"]
