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


MM = 72 / 25.4


def ink_in_margins(path: Path, *, dpi: int = 50, bottom_mm: float = 15.0) -> list[str]:
    """Where a page has ink (a pixel darker than light grey) within ``bottom_mm`` of its bottom edge or in its
    right margin (15 mm on portrait pages, 20 mm on landscape ones): ``["page 3: bottom", …]``."""
    import tempfile

    problems = []
    sizes = page_sizes(path)
    with tempfile.TemporaryDirectory() as folder:
        run("pdftoppm", "-gray", "-r", str(dpi), path, Path(folder) / "p")
        images = sorted(Path(folder).glob("p-*.pgm"), key=lambda p: int(p.stem.split("-")[-1]))
        for number, (image, (width_pt, height_pt)) in enumerate(zip(images, sizes, strict=True), start=1):
            data = image.read_bytes()
            fields = data.split(maxsplit=4)  # P5, width, height, maxval, pixels
            width, height, pixels = int(fields[1]), int(fields[2]), fields[4]
            scale = width / width_pt
            right_margin = (20 if width_pt > height_pt else 15) * MM
            first_x = int((width_pt - right_margin) * scale) + 2  # a pixel of tolerance for antialiasing
            first_y = int((height_pt - bottom_mm * MM) * scale) + 1
            if any(pixels[y * width + x] < 200 for y in range(height) for x in range(first_x, width)):
                problems.append(f"page {number}: right margin")
            if any(pixels[y * width + x] < 200 for y in range(first_y, height) for x in range(width)):
                problems.append(f"page {number}: bottom {bottom_mm:g} mm")
    return problems
