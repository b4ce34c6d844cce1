"""Run Python in a child process under a memory limit, and measure what it took.

A hostile file that makes native code abort (python-calamine did: "memory allocation of
549755813888 bytes failed", exit 134) or allocate gigabytes would take pytest down with it;
in a child under ``RLIMIT_AS`` it is a failed test instead, and the child's own peak memory
(``wait4``'s rusage, of that child alone) and time are the figures the hostile-file tests
report. The timeout is a guard against hangs, not a speed check.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
HANG_GUARD_S = 180.0  # far above the 30 s any file may take: only a hang reaches it, even on a loaded machine


@dataclass(frozen=True)
class LimitedRun:
    returncode: int  # negative: killed by that signal (an abort is -6, or 134 through a shell)
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float  # the child's maximum resident set size
    timed_out: bool

    @property
    def crashed(self) -> bool:
        return self.returncode < 0 or self.returncode > 3 or self.timed_out or "Traceback" in self.stderr

    def describe(self) -> str:
        return (f"exit {self.returncode}, {self.seconds:.2f} s, peak {self.peak_mb:.0f} MB"
                f"{' (timed out)' if self.timed_out else ''}\nstdout: {self.stdout[-2000:]}\n"
                f"stderr: {self.stderr[-3000:]}")


def _limit_memory(limit_mb: int) -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (limit_mb << 20, limit_mb << 20))


def run_limited(args: list[str], *, memory_mb: int = 500, timeout: float = HANG_GUARD_S,
                env: dict[str, str] | None = None) -> LimitedRun:
    """``python args…`` (the test's interpreter) with at most ``memory_mb`` of address space."""
    if sys.platform == "win32":  # pragma: no cover - the limits are POSIX; CI runs on Linux
        pytest.skip("RLIMIT_AS and wait4 exist on POSIX only")
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen([sys.executable, *args], stdout=out, stderr=err, cwd=REPO_ROOT,
                                 env={**os.environ, **(env or {})},
                                 preexec_fn=lambda: _limit_memory(memory_mb))
        deadline = start + timeout
        timed_out = False
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                timed_out = True
                child.send_signal(signal.SIGKILL)
                _pid, status, usage = os.wait4(child.pid, 0)
                break
            time.sleep(0.02)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return LimitedRun(child.returncode, out.read().decode("utf-8", "replace"),
                          err.read().decode("utf-8", "replace"), seconds, usage.ru_maxrss / 1024, timed_out)


def run_cli(args: list[str], *, memory_mb: int = 500, lang: str = "vi") -> LimitedRun:
    """``kehoach …`` in a child under the memory limit (in Vietnamese unless told)."""
    return run_limited(["-m", "kehoach_desktop", "--lang", lang, *args], memory_mb=memory_mb)
