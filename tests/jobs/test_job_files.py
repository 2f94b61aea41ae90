"""What jobs leave on disk: temporary files only in the run's own folder, purged; private modes."""
import os
import stat
import tempfile
import time
from pathlib import Path

import pytest
from sqlalchemy import inspect

from app.context import system_context
from app.jobs import JobResult
from app.jobs.files import work_folder_name
from app.jobs.recovery import recover
from app.jobs.retention import purge_results
from app.jobs.runner import execute, jobs_dir
from app.models import Job, JobStatus
from app.reports.xlsx import Column, Sheet
from app.runner import run


def _job(session, owner, status=JobStatus.QUEUED, **values) -> Job:
    job = Job(kind="test_kind", user_id=owner.id, status=status, **values)
    session.add(job)
    session.commit()
    return job


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _system_temp() -> set[str]:
    return set(os.listdir(tempfile.gettempdir()))


def test_an_export_writes_its_temporary_files_in_its_own_folder_and_leaves_none(session, owner, kind, app):
    seen = {}

    def work(job):
        path = job.output(".xlsx")
        before = _system_temp()
        sheet = Sheet(path, "名单", [Column("姓名")], tmpdir=job.workdir)
        for n in range(50):
            sheet.append([f"学生{n}"])
        seen["work"], seen["inside"] = job.workdir, list(job.workdir.iterdir())
        seen["new_in_system_temp"] = _system_temp() - before
        seen["work_mode"] = _mode(job.workdir)
        sheet.close()
        return JobResult(file=path, download_name="x.xlsx", rows=50)

    job = _job(session, owner)
    kind(work)
    execute(job.id)
    session.expire_all()
    job = session.get(Job, inspect(job).identity[0])
    assert job.status == JobStatus.SUCCEEDED
    assert seen["inside"] and not seen["new_in_system_temp"]  # constant-memory rows went to the folder
    assert seen["work_mode"] == 0o700 and not seen["work"].exists()  # removed after the run
    assert _mode(jobs_dir() / job.result_file) == 0o600 and _mode(jobs_dir()) == 0o700


def test_a_failed_export_leaves_no_temporary_file_either(session, owner, kind):
    seen = {}

    def work(job):
        seen["file"] = job.output(".xlsx")
        sheet = Sheet(seen["file"], "名单", [Column("姓名")], tmpdir=job.workdir)
        sheet.append(["王小明"])
        seen["work"] = job.workdir
        raise RuntimeError("disk full")

    job = _job(session, owner)
    kind(work)
    execute(job.id)
    assert not seen["work"].exists() and not seen["file"].exists()


def _left_behind(job_id: int, attempt: int, age: float = 3600) -> Path:
    """A working folder as a killed worker leaves it: a temporary file with a pupil's name."""
    folder = jobs_dir() / work_folder_name(job_id, attempt)
    folder.mkdir()
    (folder / "tmpabc123").write_text("王小明")
    past = time.time() - age
    os.utime(folder, (past, past))
    return folder


def test_worker_recovery_removes_the_folder_of_a_killed_run_but_not_of_a_running_one(session, owner, clock):
    killed = _job(session, owner, JobStatus.RUNNING, attempts=1, worker="gone:1", heartbeat_at=clock.now())
    clock.move(hours=1)
    alive = _job(session, owner, JobStatus.RUNNING, attempts=2, worker="here:1", heartbeat_at=clock.now())
    killed_folder, alive_folder = _left_behind(killed.id, 1), _left_behind(alive.id, 2)
    run(system_context(session, clock), recover, 60, include_queued=False)
    assert not killed_folder.exists()
    assert alive_folder.exists()
    alive_folder.joinpath("tmpabc123").unlink()
    alive_folder.rmdir()


def test_retention_removes_a_left_behind_folder_but_spares_one_just_created(session, owner, clock):
    ended = _job(session, owner, JobStatus.FAILED, attempts=1)
    old, fresh = _left_behind(ended.id, 1), _left_behind(ended.id + 1000, 1, age=0)
    run(system_context(session, clock), purge_results, 7)
    assert not old.exists() and fresh.exists()
    fresh.joinpath("tmpabc123").unlink()
    fresh.rmdir()


@pytest.mark.parametrize("kind_key", ["pupil_roster", "pupil_check"])
def test_the_pupil_exports_keep_their_temporary_files_out_of_the_system_temp_folder(
        as_user, world, session, monkeypatch, kind_key):
    folders = []
    real = tempfile.mkstemp

    def spy(*args, **kwargs):
        folders.append(kwargs.get("dir"))
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", spy)
    as_user("school_a").post(f"/jobs/new/{kind_key}", data={}, follow_redirects=True)
    job = session.query(Job).one()
    assert job.status == JobStatus.SUCCEEDED
    assert folders and all(Path(d).name == work_folder_name(job.id, 1) for d in folders), folders
    assert not (jobs_dir() / work_folder_name(job.id, 1)).exists()
    assert _mode(jobs_dir() / job.result_file) == 0o600
