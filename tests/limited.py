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


# The child limits itself and reports its own high-water mark: the kernel's rusage of a forked child would count the
# pages of pytest it was forked from (ru_maxrss survives exec), which is not the file's cost.
_WRAPPER = """
import atexit, resource, runpy, sys
limit, report = int(sys.argv[1]), sys.argv[2]
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
def _report():
    with open("/proc/self/status") as status, open(report, "w") as out:
        out.write(next(line for line in status if line.startswith("VmHWM")).split()[1])
atexit.register(_report)
kind, target, *rest = sys.argv[3:]
sys.argv = [target, *rest]
if kind == "-m":
    runpy.run_module(target, run_name="__main__", alter_sys=True)
else:
    exec(compile(target, "<limited>", "exec"), {"__name__": "__main__"})
"""


def _high_water_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            return int(next(line for line in status if line.startswith("VmHWM")).split()[1])
    except (OSError, StopIteration, ValueError):
        return 0


def run_limited(args: list[str], *, memory_mb: int = 500, timeout: float = HANG_GUARD_S,
                env: dict[str, str] | None = None, cwd: Path = REPO_ROOT) -> LimitedRun:
    """``python -m module args…`` or ``python -c code args…`` with at most ``memory_mb`` of address space
    (``cwd`` comes first on ``sys.path``: the bench runs another checkout's code with it)."""
    if sys.platform != "linux":  # pragma: no cover - RLIMIT_AS and /proc; CI runs on Linux
        pytest.skip("the memory limit and its measure use RLIMIT_AS and /proc (Linux)")
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "peak"
        out_path, err_path = Path(folder) / "out", Path(folder) / "err"
        with out_path.open("wb") as out, err_path.open("wb") as err:
            start = time.perf_counter()
            child = subprocess.Popen([sys.executable, "-c", _WRAPPER, str(memory_mb << 20), str(report), *args],
                                     stdout=out, stderr=err, cwd=cwd, env={**os.environ, **(env or {})})
            deadline = start + timeout
            timed_out = False
            polled = 0
            while child.poll() is None:
                polled = max(polled, _high_water_kb(child.pid))
                if time.perf_counter() > deadline:
                    timed_out = True
                    child.send_signal(signal.SIGKILL)
                    child.wait()
                    break
                time.sleep(0.02)
            seconds = time.perf_counter() - start
        peak_kb = int(report.read_text()) if report.exists() and report.read_text().strip() else polled
        return LimitedRun(child.returncode, out_path.read_text("utf-8", "replace"),
                          err_path.read_text("utf-8", "replace"), seconds, max(peak_kb, polled) / 1024, timed_out)


def run_cli(args: list[str], *, memory_mb: int = 500, lang: str = "vi", cwd: Path = REPO_ROOT,
            timeout: float = HANG_GUARD_S) -> LimitedRun:
    """``kehoach …`` in a child under the memory limit (in Vietnamese unless told)."""
    return run_limited(["-m", "kehoach_desktop", "--lang", lang, *args], memory_mb=memory_mb, cwd=cwd, timeout=timeout)
