"""The fuzz loop of one target, run in a child process under a memory limit by ``tests/fuzz/test_fuzz.py``.

``python -m tests.fuzz.runner --target "excel import" --examples 600 --found DIR`` feeds that many mutated
files to the target; ``--replay FILE…`` feeds the given files instead. Exit 0: every case ended in a clean
result or a clear refusal that changed nothing. Exit 1: a case failed; its input is kept in ``--found`` and
the traceback printed. A case that makes the process use more memory than its limit fails the same way
(a ``MemoryError`` is not a refusal), and one that aborts the process is caught by the parent.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import tempfile
import traceback
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kehoach_desktop.domain.errors import UserFacingError
from tests.fuzz.targets import FUZZ_TARGETS, FuzzTarget


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


def fuzz(target: FuzzTarget, examples: int, found: Path, folder: Path) -> Counter[str]:
    outcomes: Counter[str] = Counter()
    case_path = folder / f"case{target.suffix}"
    mutators = target.mutators()
    families = tuple(sorted(mutators))

    @settings(max_examples=examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def case(data: st.DataObject) -> None:
        payload = target.seeds[data.draw(st.integers(0, len(target.seeds) - 1), label="seed")]
        for _ in range(data.draw(st.integers(1, 2), label="rounds")):
            family = data.draw(st.sampled_from(families), label="family")
            payload = mutators[family](data, payload)
        try:
            outcomes[feed(target, case_path, payload)] += 1
        except Exception:
            found.mkdir(parents=True, exist_ok=True)
            kept = found / f"{hashlib.sha256(payload).hexdigest()[:16]}{target.suffix}"
            kept.write_bytes(payload)
            print(f"failing input kept as {kept}", flush=True)
            raise

    case()
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--target", required=True, choices=sorted(FUZZ_TARGETS))
    parser.add_argument("--examples", type=int, default=100)
    parser.add_argument("--found", type=Path, default=Path(tempfile.gettempdir()) / "kehoach-fuzz-found")
    parser.add_argument("--replay", type=Path, nargs="*", default=None)
    args = parser.parse_args(argv)
    os.environ.setdefault("KEHOACH_PORTABLE", tempfile.mkdtemp(prefix="kehoach-fuzz-app-"))
    with tempfile.TemporaryDirectory(prefix="kehoach-fuzz-") as folder:
        target = FUZZ_TARGETS[args.target](Path(folder))
        try:
            if args.replay is not None:
                for path in args.replay:
                    print(f"{path.name}: {feed(target, Path(folder) / f'case{target.suffix}', path.read_bytes())}")
                return 0
            outcomes = fuzz(target, args.examples, args.found, Path(folder))
        except Exception:
            traceback.print_exc()
            return 1
        finally:
            target.close()
    print(f"{args.target}: {sum(outcomes.values())} cases: {dict(outcomes.most_common())}")
    return 0 if sum(outcomes.values()) >= args.examples // 2 else 1


if __name__ == "__main__":
    sys.exit(main())
