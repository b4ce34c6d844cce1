"""Real PDF readers (poppler, qpdf) run on our files, for the tests."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

READERS = ("pdffonts", "pdftotext", "pdfinfo", "qpdf", "pdfsig")
needs_readers = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in READERS),
    reason="poppler-utils and qpdf are needed (apt-get install poppler-utils qpdf; .ci/run installs them)")


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=120)


def fonts(path: Path) -> list[tuple[str, bool]]:
    """(font name, embedded) for every font pdffonts lists."""
    lines = run("pdffonts", path).stdout.splitlines()[2:]
    result = []
    for line in lines:
        parts = line.split()
        # name type [type…] encoding emb sub uni object ID: "emb" is the 5th field from the end
        result.append((parts[0], parts[-5] == "yes"))
    return result


def text(path: Path, first: int | None = None, last: int | None = None) -> str:
    args: list[str | Path] = ["pdftotext", "-enc", "UTF-8"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    return run(*args, path, "-").stdout


def page_sizes(path: Path) -> list[tuple[float, float]]:
    out = run("pdfinfo", "-f", "1", "-l", "9999", path).stdout
    sizes = []
    for line in out.splitlines():
        if line.startswith("Page") and "size:" in line:
            numbers = line.split("size:")[1].split()
            sizes.append((float(numbers[0]), float(numbers[2])))
    return sizes
