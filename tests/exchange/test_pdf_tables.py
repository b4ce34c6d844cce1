"""Tables on real pages: a figure never crosses its cell, a total row never starts a page alone."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from kehoach_desktop.exchange.pdf.fonts import SERIF, register_fonts
from kehoach_desktop.exchange.pdf.layout import TEXT_WIDTH, CellParagraph, ChunkedTable, Styles, vnd
from tests.exchange.pdf_readers import needs_readers, run

pytestmark = needs_readers
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>')
LEFT = 30 * mm
FRAME_PADDING = 6  # reportlab's default padding of a SimpleDocTemplate's frame


def build(path: Path, story: list) -> Path:  # type: ignore[type-arg]
    register_fonts()
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, leftMargin=LEFT, rightMargin=15 * mm, topMargin=20 * mm,
                      bottomMargin=20 * mm, initialFontName=SERIF).build(story)
    path.write_bytes(buffer.getvalue())
    return path


def words(path: Path, page: int) -> list[tuple[float, float, str]]:
    html = run("pdftotext", "-bbox", "-f", str(page), "-l", str(page), path, "-").stdout
    return [(float(a), float(b), w) for a, b, w in _WORD.findall(html)]


@pytest.fixture(autouse=True)
def _fonts() -> None:
    register_fonts()  # before any paragraph is made


def test_large_sums_and_codes_stay_inside_their_cells(tmp_path: Path) -> None:
    widths = [20 * mm, 22 * mm, 18 * mm, TEXT_WIDTH - 60 * mm]
    rows = [[vnd(510_132_230_000), vnd(1_204_567_890_123), CellParagraph("05/KH-UBND", Styles.cell), "x"]]
    pdf = build(tmp_path / "t.pdf", [ChunkedTable([Paragraph("A", Styles.cell_head)] * 4, rows, widths)])
    edges = [LEFT + FRAME_PADDING + sum(widths[:i]) for i in range(len(widths) + 1)]
    found = words(pdf, 1)
    for text in ("510.132.230.000", "05/KH-UBND"):
        assert any(w[2] == text for w in found), (text, found)  # whole: shrunk, not cut
    for left, right, text in found:
        if text in ("A", "x"):
            continue
        column = next(i for i in range(len(widths)) if edges[i] - 1 <= left < edges[i + 1])
        assert right <= edges[column + 1], (text, right, edges[column + 1])
    pieces = [w[2] for w in found if w[2] not in ("A", "x")]
    assert "".join(pieces).replace(".", "") == "510132230000" + "1204567890123" + "05/KH-UBND"


@pytest.mark.parametrize("filler", range(0, 40, 3))
def test_the_total_row_never_starts_a_page_alone(tmp_path: Path, filler: int) -> None:
    rows = [[CellParagraph(f"Dòng số {i}", Styles.cell), vnd(i)] for i in range(1, 41)]
    rows.append([CellParagraph("Tổng cộng", Styles.cell_head), vnd(820)])
    table = ChunkedTable([Paragraph("Nội dung", Styles.cell_head), Paragraph("Số", Styles.cell_head)], rows,
                         [TEXT_WIDTH * 0.7, TEXT_WIDTH * 0.3], tail=1)
    pdf = build(tmp_path / "t.pdf", [Spacer(1, filler * 5 * mm), table])
    pages = int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", pdf).stdout).group(1))  # type: ignore[union-attr]
    for page in range(1, pages + 1):
        texts = [w[2] for w in words(pdf, page)]
        if "Tổng" in texts:
            assert "40" in texts, (filler, page, texts)  # the last data row goes with the total
