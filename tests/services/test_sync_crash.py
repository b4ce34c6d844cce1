"""Crash safety: an import killed at random moments leaves an intact workspace, all or nothing applied."""

from __future__ import annotations

import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kehoach_desktop.services import sync
from kehoach_desktop.services.session import new_demo_workspace
from tests.services.package_tools import new_city

pytestmark = pytest.mark.slow
TRIALS = 30
TABLES = ("responsible_units", "plans", "plan_revisions", "plan_sections", "tasks", "materials", "events")


def _import_command(workspace: Path, package: Path) -> list[str]:
    return [sys.executable, "-m", "kehoach_desktop", "--lang", "en", "package", "import", "--workspace",
            str(workspace), "--trust-new-keys", str(package)]


def _state(workspace: Path) -> tuple[str, dict[str, int], int]:
    connection = sqlite3.connect(workspace)
    try:
        check = connection.execute("PRAGMA integrity_check").fetchone()[0]
        counts = {t: connection.execute(f"SELECT count(*) FROM {t} WHERE unit_code = '006'").fetchone()[0]
                  for t in TABLES}
        received = connection.execute("SELECT count(*) FROM received_packages").fetchone()[0]
    finally:
        connection.close()
    return check, counts, received


def test_import_killed_at_random_moments_is_all_or_nothing(tmp_path: Path) -> None:
    district = new_demo_workspace(tmp_path / "district.khws", scale=10)
    package = tmp_path / "district.khsync"
    exported = sync.export_sync_package(uow_factory=district.uow_factory, out=package)
    district.close()
    expected = {t: exported.record_counts[t] for t in TABLES}
    assert expected["materials"] >= 2000
    pristine = tmp_path / "pristine.khws"
    new_city(pristine).close()

    timing = tmp_path / "timing.khws"
    shutil.copy(pristine, timing)
    started = time.perf_counter()
    subprocess.run(_import_command(timing, package), check=True, capture_output=True, timeout=120)
    full = time.perf_counter() - started

    rng = random.Random(7)
    outcomes = {"applied": 0, "nothing": 0}
    for trial in range(TRIALS):
        workspace = tmp_path / f"city-{trial}.khws"
        shutil.copy(pristine, workspace)
        process = subprocess.Popen(_import_command(workspace, package), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2 * full, 1.4 * full))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        check, counts, received = _state(workspace)
        assert check == "ok", (trial, check)
        if received:
            assert counts == expected, trial
            outcomes["applied"] += 1
        else:
            assert set(counts.values()) == {0}, (trial, counts)
            outcomes["nothing"] += 1
        workspace.unlink()
        for leftover in workspace.parent.glob(workspace.name + "*"):
            leftover.unlink()
    # the random moments fell both before and after the commit: the test saw both outcomes
    assert outcomes["applied"] and outcomes["nothing"], outcomes
