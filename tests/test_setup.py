"""Setting up: importing config writes nothing; create_app keeps the development secret key."""
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from app import create_app

ROOT = Path(__file__).resolve().parent.parent


def _import_config(instance: Path, **env: str) -> str:
    """Import config in a fresh interpreter with APP_INSTANCE_DIR=instance; its SECRET_KEY as repr."""
    clean = {k: v for k, v in os.environ.items() if k not in ("APP_SECRET_KEY", "APP_ENV")}
    done = subprocess.run(
        [sys.executable, "-c", "import config; print(repr(config.SECRET_KEY))"],
        cwd=ROOT, env={**clean, "APP_INSTANCE_DIR": str(instance), **env},
        capture_output=True, text=True, check=True,
    )
    return done.stdout.strip()


def _app(instance: Path, **settings):
    """create_app with its instance folder, queue and job files under instance."""
    return create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "INSTANCE_DIR": instance,
                       "JOBS_QUEUE_URL": "immediate://", "JOBS_DIR": str(instance / "jobs"),
                       "SECRET_KEY": None, **settings})


def test_importing_config_writes_no_file(tmp_path):
    instance = tmp_path / "instance"
    assert _import_config(instance) == "None"
    assert not instance.exists()


def test_config_reads_the_secret_key_from_the_environment(tmp_path):
    instance = tmp_path / "instance"
    assert _import_config(instance, APP_SECRET_KEY="k" * 64, APP_ENV="production") == repr("k" * 64)
    assert not instance.exists()


def test_development_app_keeps_a_private_key_in_the_instance_folder(tmp_path):
    instance = tmp_path / "instance"
    first = _app(instance).config["SECRET_KEY"]
    key_file = instance / "secret_key"
    assert len(first) == 64 and key_file.read_text() == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert _app(instance).config["SECRET_KEY"] == first
    assert sorted(p.name for p in instance.iterdir()) == ["secret_key"]


def test_a_given_secret_key_is_used_and_no_file_written(tmp_path):
    assert _app(tmp_path, SECRET_KEY="g" * 64).config["SECRET_KEY"] == "g" * 64
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize("key", [None, ""])
def test_production_has_no_secret_key_fallback(tmp_path, key):
    with pytest.raises(RuntimeError, match="APP_SECRET_KEY"):
        _app(tmp_path, APP_ENV="production", SECRET_KEY=key)
    assert not (tmp_path / "secret_key").exists()
