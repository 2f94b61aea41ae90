"""Where jobs write: result files and each run's working folder, readable by the owner only.

A worker killed mid-export leaves xlsxwriter's temporary files behind, with pupils' names in them:
they are written into the run's own working folder, never the system's temp folder, and every
working folder of a run that is no longer going is removed (after the run, by the worker's
recovery sweep, and by the retention job).
"""
import os
import shutil
import time
from pathlib import Path

FILE_MODE, FOLDER_MODE = 0o600, 0o700
WORK_PREFIX = "work-"


def private_folder(path: Path) -> Path:
    """`path` as a folder only its owner may open (created when missing)."""
    path.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    os.chmod(path, FOLDER_MODE)
    return path


def private_file(path: Path) -> Path:
    """An empty file at `path` only its owner may read; a writer that opens it keeps that mode."""
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, FILE_MODE))
    os.chmod(path, FILE_MODE)
    return path


def private_file_kept(path: Path) -> Path:
    """`path` readable by its owner only, its content kept (created empty when missing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE))
    os.chmod(path, FILE_MODE)
    return path


def work_folder_name(job_id: int, attempt: int) -> str:
    """The name of one run's working folder: work-<job id>-<attempt>."""
    return f"{WORK_PREFIX}{job_id}-{attempt}"


def remove_folder(path: Path | None) -> None:
    """Delete a working folder and all it holds (nothing when it is gone already)."""
    if path is not None:
        shutil.rmtree(path, ignore_errors=True)


def purge_work_folders(root: Path, running: set[str], grace: float = 60.0) -> int:
    """Remove the working folders under `root` of runs not in `running` and untouched for `grace`
    seconds (a run that started since `running` was read keeps its folder); returns how many."""
    removed, cutoff = 0, time.time() - grace
    for path in root.glob(f"{WORK_PREFIX}*"):
        if path.is_dir() and path.name not in running and path.stat().st_mtime < cutoff:
            remove_folder(path)
            removed += 1
    return removed
