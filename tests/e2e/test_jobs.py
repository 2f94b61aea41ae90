"""A long job in a real worker: progress advances, it survives restarts, it can be cancelled.

Nothing here races a clock: every wait polls a condition up to a generous bound (a busy machine only
makes it slower), the worker is paused with SIGSTOP where the test must read a state the job would
otherwise move past, and a killed worker's job is found by its dead process, not by waiting out the
heartbeat limit (kept far above any pause a loaded machine causes).
"""
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.conftest import DEMO_PASSWORD, sign_in

ROOT = Path(__file__).resolve().parents[2]
WAIT = 60  # seconds: the bound of every wait, never a duration
# the job page shows the end by itself (it polls, then reloads once): wait for it, never reload over it
SUCCEEDED = '.zz-job-status[data-status="succeeded"]'


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(predicate, timeout: float, what: str):
    """Poll `predicate` until it returns something truthy; fail naming `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


class Deployment:
    """A web process and a job worker, separate OS processes on one SQLite database and queue."""

    def __init__(self, folder: Path):
        self.folder, self.port = folder, _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.db_path = folder / "zizhu.db"
        self.env = {**os.environ, "APP_INSTANCE_DIR": str(folder), "APP_SECRET_KEY": "jobs-e2e",
                    "APP_DATABASE_URL": f"sqlite:///{self.db_path}",
                    "APP_JOBS_URL": f"sqlite:///{folder / 'queue.db'}", "APP_JOBS_DIR": str(folder / "jobs"),
                    "APP_JOBS_CHUNK_ROWS": "10", "APP_JOBS_PAUSE_SECONDS": "0.3",
                    "APP_JOBS_STALE_SECONDS": "600", "APP_JOBS_WORKERS": "2"}
        self.env.pop("APP_TEST_DATABASE_URL", None)
        self.web = self.worker = None

    def _spawn(self, *args) -> subprocess.Popen:
        log = open(self.folder / f"{args[0]}.log", "ab")  # noqa: SIM115  (kept open by the child)
        return subprocess.Popen([sys.executable, "-m", "flask", "--app", "run.py", *args], cwd=ROOT,
                                env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def start_web(self) -> None:
        self.web = self._spawn("run", "--host", "127.0.0.1", "--port", str(self.port), "--no-debugger")
        _wait_for(self._answers, WAIT, "the web process")

    def _answers(self) -> bool:
        try:
            return urllib.request.urlopen(f"{self.base}/login/", timeout=2).status == 200
        except OSError:
            return False

    def start_worker(self) -> None:
        self.worker = self._spawn("aid", "worker")

    @staticmethod
    def stop(process, kill: bool = False) -> None:
        if process and process.poll() is None:
            process.kill() if kill else process.terminate()
            process.wait(timeout=WAIT)

    def pause_worker(self) -> None:
        """Freeze the worker where it is (SIGSTOP): its job neither moves on nor ends."""
        os.kill(self.worker.pid, signal.SIGSTOP)

    def resume_worker(self) -> None:
        """Let a frozen worker go on."""
        os.kill(self.worker.pid, signal.SIGCONT)

    def job(self, job_id: int) -> dict:
        """The job's row, read straight from the database (whatever the web process does)."""
        with sqlite3.connect(self.db_path) as conn:
            conn.row_factory = sqlite3.Row
            return dict(conn.execute("SELECT * FROM job WHERE id = ?", (job_id,)).fetchone())


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """Migrate and seed a demo district, then start the web process and the worker."""
    from flask_migrate import upgrade

    from app import create_app
    from app.clock import clock_of
    from app.demo.seed import seed_demo
    from app.extensions import db
    from app.seeding import init_all

    run = Deployment(tmp_path_factory.mktemp("jobs-e2e"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{run.db_path}", "SECRET_KEY": "x",
                      "JOBS_QUEUE_URL": "immediate://"})
    today = clock_of(app).today()  # the China day both processes live in
    with app.app_context():
        upgrade()
        init_all(app.appbuilder, db.session, today)
        seed_demo(app.appbuilder, db.session, schools=3, pupils=300, password=DEMO_PASSWORD,
                  seed=7, today=today)
        db.session.remove()
        db.engine.dispose()
    run.start_web()
    run.start_worker()
    yield run
    run.stop(run.web)
    run.stop(run.worker)


def _start_job(page, base: str, kind: str) -> int:
    """Start a job from its form; returns its number from the progress page's URL."""
    page.goto(f"{base}/jobs/new/{kind}")
    page.click("#zz-job-start button[type=submit]")
    page.wait_for_url("**/jobs/*")
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


def _percent(page) -> int:
    return int(page.get_attribute("#zz-job .progress-bar", "aria-valuenow") or 0)


def test_progress_advances_and_the_job_survives_a_web_restart(deployment, page):
    sign_in(page, deployment.base, "district")
    job_id = _start_job(page, deployment.base, "pupil_roster")
    seen: list[int] = []
    _wait_for(lambda: seen.append(_percent(page)) or len(set(seen) - {0, 100}) >= 2, WAIT,
              "progress on the page")
    assert seen == sorted(seen)  # the bar only ever moves forward

    deployment.pause_worker()  # the job stands still while the web process goes down
    try:
        deployment.stop(deployment.web)
        before = deployment.job(job_id)
        assert before["status"] == "running" and before["rows_done"] < before["rows_total"]
    finally:
        deployment.resume_worker()
    _wait_for(lambda: deployment.job(job_id)["rows_done"] > before["rows_done"], WAIT,
              "work while the web is down")
    deployment.start_web()
    page.wait_for_selector(SUCCEEDED, timeout=WAIT * 1000)  # the page picks its job up again by itself
    with page.expect_download() as download:
        page.click(".zz-job-download")
    assert Path(download.value.path()).read_bytes()[:2] == b"PK"  # an xlsx (zip) file
    assert deployment.job(job_id)["attempts"] == 1
    assert page.outside_requests == []


def test_a_running_job_can_be_cancelled_from_its_page(deployment, page):
    sign_in(page, deployment.base, "district")
    job_id = _start_job(page, deployment.base, "pupil_check")
    _wait_for(lambda: deployment.job(job_id)["status"] == "running", WAIT, "the job to start")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click(".zz-job-cancel button")
    _wait_for(lambda: deployment.job(job_id)["status"] == "cancelled", WAIT, "the job to stop")
    job = deployment.job(job_id)
    assert job["rows_done"] < job["rows_total"] and job["result_file"] is None


def test_a_job_interrupted_by_a_worker_crash_is_run_again(deployment, page):
    sign_in(page, deployment.base, "district")
    job_id = _start_job(page, deployment.base, "pupil_roster")
    _wait_for(lambda: deployment.job(job_id)["rows_done"] > 0, WAIT, "the job to make progress")
    deployment.stop(deployment.worker, kill=True)  # SIGKILL: no chance to clean up
    assert deployment.job(job_id)["status"] == "running"
    # the new worker finds the job's worker process gone at start-up: no waiting for a stale heartbeat
    deployment.start_worker()
    _wait_for(lambda: deployment.job(job_id)["status"] == "succeeded", WAIT, "the requeued job")
    assert deployment.job(job_id)["attempts"] == 2
    page.wait_for_selector(SUCCEEDED, timeout=WAIT * 1000)
