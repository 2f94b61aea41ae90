"""The set-up's ECharts step: instant when the pinned version is served, a clear stop without npm."""
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "install-echarts.sh"


def _run(version: str, path: str) -> subprocess.CompletedProcess:
    return subprocess.run(["/bin/sh", str(SCRIPT), version], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PATH": path}, timeout=60)


def test_without_npm_the_set_up_names_the_one_command_to_run(tmp_path):
    done = _run("0.0.0-absent", str(tmp_path))  # no npm (nor anything else) on the PATH
    assert done.returncode == 1
    assert "npm is missing" in done.stderr and "sudo apt-get install -y npm" in done.stderr


def test_the_pinned_version_already_served_needs_no_npm(tmp_path):
    served = ROOT / "app" / "static" / "vendor" / "echarts"
    if not (served / "echarts.min.js").exists():
        pytest.skip("ECharts is not installed: `make install` puts it there before any test runs")
    version = (served / "VERSION").read_text().strip()
    done = _run(version, str(tmp_path))  # no npm (nor anything else) on the PATH
    assert done.returncode == 0 and done.stdout == "" and done.stderr == ""
