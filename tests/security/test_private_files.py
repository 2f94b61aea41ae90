"""The SQLite database, the instance folder and the job queue's file are readable by their owner only."""
import os
import stat

from sqlalchemy import create_engine, text

from app.jobs.queue import make_huey


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_sqlite_database_and_its_instance_folder_become_owner_only_on_connect(app, tmp_path, monkeypatch):
    instance, elsewhere = tmp_path / "instance", tmp_path / "elsewhere"
    instance.mkdir(mode=0o755)
    elsewhere.mkdir(mode=0o755)
    os.chmod(instance, 0o755)
    os.chmod(elsewhere, 0o755)
    for folder in (instance, elsewhere):
        (folder / "zizhu.db").touch(mode=0o644)
        os.chmod(folder / "zizhu.db", 0o644)
    monkeypatch.setitem(app.config, "INSTANCE_DIR", instance)
    with app.app_context():
        for folder in (instance, elsewhere):
            engine = create_engine(f"sqlite:///{folder / 'zizhu.db'}")
            with engine.begin() as conn:
                conn.execute(text("CREATE TABLE t (x INTEGER)"))
            engine.dispose()
    assert _mode(instance / "zizhu.db") == 0o600 and _mode(instance) == 0o700
    assert _mode(elsewhere / "zizhu.db") == 0o600
    assert _mode(elsewhere) == 0o755  # a folder that is not the instance folder is left alone


def test_the_job_queue_file_is_owner_only(tmp_path):
    path = tmp_path / "jobs-queue.db"
    path.touch(mode=0o644)
    os.chmod(path, 0o644)
    make_huey(f"sqlite:///{path}")
    assert _mode(path) == 0o600
    fresh = tmp_path / "sub" / "queue.db"
    make_huey(f"sqlite:///{fresh}")
    assert _mode(fresh) == 0o600
