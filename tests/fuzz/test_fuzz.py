"""Hostile files, fuzzed: every mutated file ends in a clean result or a clear refusal that changed nothing.

CI runs :data:`EXAMPLES` cases per target, each target in a child process under a memory limit
(``tests/fuzz/runner.py``, ``tests/limited.py``); by hand, ``HYPOTHESIS_PROFILE=long python -m pytest
tests/fuzz`` (or ``python tests/fuzz/run_long.py``) runs many more. A case that fails is written to
``<tmp>/found/`` and named in the failure: copy it into ``tests/fuzz/regressions/<target>/`` so that it is
replayed forever.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz.mutations import FAMILIES, mutate
from tests.fuzz.targets import FUZZ_TARGETS
from tests.limited import run_limited

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
pytestmark = [pytest.mark.slow, pytest.mark.timeout(0 if PROFILE == "long" else 300)]  # a long run takes hours
EXAMPLES = {name: int(count * float(os.environ.get("FUZZ_SCALE", "1"))) for name, count in
            {"package import": 2500, "template file": 3000, "workspace file": 1000, "excel import": 600}.items()}
LONG_FACTOR = 20
REGRESSIONS = Path(__file__).resolve().parent / "regressions"


def examples_for(name: str) -> int:
    count = EXAMPLES.get(name, 500)
    return count * LONG_FACTOR if PROFILE == "long" else count


FUZZ_MEMORY_MB = 1200  # a case needing more fails (a MemoryError is no refusal): the importers need far less


def _describe_found(found: Path) -> str:
    kept = sorted(found.glob("*")) if found.exists() else []
    return "\n".join(f"failing input kept as {path}: copy it into {REGRESSIONS}/<target>/" for path in kept)


@pytest.mark.parametrize("name", sorted(FUZZ_TARGETS))
def test_mutated_files_end_cleanly_or_in_a_clear_refusal(name: str, tmp_path: Path) -> None:
    """Each target's cases run in a child under a memory limit (tests/fuzz/runner.py): a case that bloats, hangs
    or aborts the process fails here instead of taking the machine or pytest with it."""
    found = tmp_path / "found"
    run = run_limited(["-m", "tests.fuzz.runner", "--target", name, "--examples", str(examples_for(name)),
                       "--found", str(found)], memory_mb=FUZZ_MEMORY_MB,
                      timeout=10 ** 6 if PROFILE == "long" else 280)
    print(f"{name}: {run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ''} (peak {run.peak_mb:.0f} MB, "
          f"{run.seconds:.0f} s)")
    assert run.returncode == 0 and not run.timed_out, run.describe() + "\n" + _describe_found(found)


def _regression_cases() -> dict[str, list[Path]]:
    cases = {}
    for name in sorted(FUZZ_TARGETS):
        folder = REGRESSIONS / name.replace(" ", "-")
        cases[name] = [path for path in sorted(folder.glob("*")) if path.is_file() and path.name != "README.md"]
    return cases


@pytest.mark.parametrize("name", sorted(FUZZ_TARGETS))
def test_inputs_that_once_failed_end_cleanly_or_in_a_clear_refusal(name: str) -> None:
    """Every kept input of a target, replayed in one child under the same memory limit."""
    paths = _regression_cases()[name]
    if not paths:
        pytest.skip(f"no regression file kept for {name} yet")
    run = run_limited(["-m", "tests.fuzz.runner", "--target", name, "--replay", *map(str, paths)],
                      memory_mb=FUZZ_MEMORY_MB, timeout=280)
    print(run.stdout)
    assert run.returncode == 0 and not run.timed_out, run.describe()
    assert len(run.stdout.strip().splitlines()) == len(paths)


def test_mutate_changes_the_file() -> None:
    """The mutators do mutate (a fuzz run of unchanged files would prove nothing)."""
    original = bytes(range(256)) * 8

    @settings(max_examples=50, deadline=None, database=None)
    @given(data=st.data())
    def case(data: st.DataObject) -> None:
        for family in ("flip", "truncate", "splice"):
            assert FAMILIES[family](data, original) != original
        assert mutate(data, original, ("flip",))  # and the chain of several works

    case()
