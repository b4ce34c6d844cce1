"""Hostile files, fuzzed: every mutated file ends in a clean result or a clear refusal that changed nothing.

CI runs :data:`EXAMPLES` cases per target (about a minute in all); by hand,
``HYPOTHESIS_PROFILE=long python -m pytest tests/fuzz`` (or ``python tests/fuzz/run_long.py``)
runs many more. A case that fails is written to ``<tmp>/found/`` and named in the failure:
copy it into ``tests/fuzz/regressions/<target>/`` so that it is replayed forever.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kehoach_desktop.domain.errors import UserFacingError
from tests.fuzz.mutations import FAMILIES, mutate
from tests.fuzz.targets import FUZZ_TARGETS, FuzzTarget

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
pytestmark = [pytest.mark.slow, pytest.mark.timeout(0 if PROFILE == "long" else 300)]  # a long run takes hours
EXAMPLES = {name: int(count * float(os.environ.get("FUZZ_SCALE", "1"))) for name, count in
            {"package import": 2500, "template file": 3000, "workspace file": 1000, "excel import": 600}.items()}
LONG_FACTOR = 20
REGRESSIONS = Path(__file__).resolve().parent / "regressions"


def examples_for(name: str) -> int:
    count = EXAMPLES.get(name, 500)
    return count * LONG_FACTOR if PROFILE == "long" else count


@pytest.fixture
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[FuzzTarget]:
    made = FUZZ_TARGETS[request.param](tmp_path)
    yield made
    made.close()


def _clean(path: Path) -> None:
    for side in ("", "-wal", "-shm", ".lock"):
        Path(str(path) + side).unlink(missing_ok=True)


def feed(target: FuzzTarget, path: Path, payload: bytes) -> str:
    """One case: the outcome's name; any exception other than a UserFacingError escapes (a bug)."""
    _clean(path)
    path.write_bytes(payload)
    try:
        outcome = target.attempt(path)
    except UserFacingError as error:
        assert error.message.strip(), "a refusal without words"
        target.check_unchanged()
        return "refused: " + type(error).__name__
    target.reset_after_success()
    return outcome


@pytest.mark.parametrize("target", sorted(FUZZ_TARGETS), indirect=True)
def test_mutated_files_end_cleanly_or_in_a_clear_refusal(target: FuzzTarget, tmp_path: Path) -> None:
    outcomes: Counter[str] = Counter()
    found = tmp_path / "found"
    case_path = tmp_path / f"case{target.suffix}"
    mutators = target.mutators()
    families = tuple(sorted(mutators))

    @settings(max_examples=examples_for(target.name), deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def case(data: st.DataObject) -> None:
        payload = target.seeds[data.draw(st.integers(0, len(target.seeds) - 1), label="seed")]
        for _ in range(data.draw(st.integers(1, 2), label="rounds")):
            family = data.draw(st.sampled_from(families), label="family")
            payload = mutators[family](data, payload)
        try:
            outcomes[feed(target, case_path, payload)] += 1
        except Exception:
            found.mkdir(exist_ok=True)
            kept = found / f"{hashlib.sha256(payload).hexdigest()[:16]}{target.suffix}"
            kept.write_bytes(payload)
            print(f"failing input kept as {kept}")
            raise

    case()
    total = sum(outcomes.values())
    print(f"\n{target.name}: {total} cases: {dict(outcomes.most_common())}")
    assert total >= examples_for(target.name) // 2  # hypothesis ran the cases asked for (less duplicates)


def _regression_cases() -> list[tuple[str, Path]]:
    cases = []
    for name in sorted(FUZZ_TARGETS):
        folder = REGRESSIONS / name.replace(" ", "-")
        cases += [(name, path) for path in sorted(folder.glob("*")) if path.is_file() and path.name != "README.md"]
    return cases


@pytest.mark.parametrize(("name", "path"), _regression_cases(), ids=lambda v: getattr(v, "name", v))
def test_inputs_that_once_failed_end_cleanly_or_in_a_clear_refusal(name: str, path: Path, tmp_path: Path) -> None:
    target = FUZZ_TARGETS[name](tmp_path)
    try:
        feed(target, tmp_path / f"case{target.suffix}", path.read_bytes())
    finally:
        target.close()


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
