"""The README's first two commands make and use a virtual environment, and CI runs the same test command."""

from __future__ import annotations

import re

from tests.conftest import REPO_ROOT


def first_commands() -> list[str]:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", readme, re.S)
    assert block is not None
    return [line.split("  #")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_the_first_commands_install_into_a_virtual_environment() -> None:
    start, test = first_commands()
    # A PEP 668 Python (Debian 12, Ubuntu 24.04) refuses `pip install` outside a virtual environment.
    assert start == "python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/kehoach --demo"
    assert test == 'python3 -m venv .venv && .venv/bin/pip install -e ".[test]" && .venv/bin/python -m pytest'


def test_ci_runs_the_readmes_test_command_in_the_same_environment() -> None:
    ci = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line.strip() for line in ci.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert 'python3 -m venv .venv && .venv/bin/pip install --quiet -e ".[test,packaging,postgres]"' in commands
    assert ".venv/bin/python -m pytest" in commands
    # nothing is installed into, or run with, the interpreter outside the environment
    assert not [c for c in commands if re.match(r"python3? ", c) and not c.startswith("python3 -m venv .venv")]
    assert ".venv/bin/python packaging/check_builds.py --out dist" in commands
