"""Fuzz for longer than CI does (twenty times the cases): ``python tests/fuzz/run_long.py [pytest args]``.

The same as ``HYPOTHESIS_PROFILE=long python -m pytest tests/fuzz``. Failing inputs are kept
in the test's temporary folder (``…/found/``); copy them into ``tests/fuzz/regressions/<target>/``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

if __name__ == "__main__":
    os.environ["HYPOTHESIS_PROFILE"] = "long"
    here = Path(__file__).resolve().parent
    sys.exit(pytest.main([str(here), "-s", "-p", "no:cacheprovider", *sys.argv[1:]]))
