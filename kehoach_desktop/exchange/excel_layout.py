"""Row heights that fit wrapped text, worked out from the font's metrics rather than guessed from lengths.

Neither Excel nor LibreOffice grows a row for wrapped text when it opens a file, so the writer gives
each row its height. The workbook's cells are set in Times New Roman 11 (``excel_format.FONT_NAME``);
the advance widths come from the bundled Liberation Serif, which is metric-compatible with it (the same
widths glyph for glyph) and is what LibreOffice uses in its place on Linux.

- A column of width *w* characters is ``trunc((256·w + trunc(128/d)) / 256 · d)`` pixels wide, *d* being
  the default font's digit width in pixels (7 for Times New Roman 11 at 96 dpi), as in Excel; a cell's
  text has :data:`CELL_PADDING_PX` less, and widths are taken :data:`SAFETY` wider than measured.
- Lines are filled word by word (both programs break at spaces; they may also break after hyphens,
  which only ever saves a line), and a word wider than the line is broken as they do.
- A line is the font's Windows ascent and descent rounded up to whole pixels, plus 3 pixels of
  leading: 20 px = 15 pt for Times New Roman 11, Excel's own height of a one-line row in that font.
  LibreOffice's line in Liberation Serif 11 is 12.2 pt (measured in its PDF), so what fits in Excel
  fits in LibreOffice. ``tests/exchange/test_excel_layout.py`` prints a workbook with LibreOffice and
  checks that no line of any cell runs past its row.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from kehoach_desktop.exchange.excel_format import FONT_SIZE

PX_PER_PT = 96 / 72
CELL_PADDING_PX = 7  # the cell's left and right margins and its grid line
SAFETY = 1.03
LEADING_PX = 3
MAX_ROW_PT = 409.0  # the tallest row Excel allows


@dataclass(frozen=True)
class _Metrics:
    advances: dict[str, float]  # character -> advance in pixels at FONT_SIZE
    missing: float  # advance given to a character the font lacks (its widest glyph)
    digit_px: int
    line_px: int


@cache
def _metrics(bold: bool) -> _Metrics:
    from fontTools.ttLib import TTFont

    from kehoach_desktop.resources import resources_dir

    name = "LiberationSerif-Bold.ttf" if bold else "LiberationSerif-Regular.ttf"
    font = TTFont(str(resources_dir() / "fonts" / name), lazy=True)
    try:
        scale = FONT_SIZE * PX_PER_PT / font["head"].unitsPerEm
        metrics = font["hmtx"].metrics
        advances = {chr(code): metrics[glyph][0] * scale for code, glyph in font.getBestCmap().items()}
        os2 = font["OS/2"]
        line_px = math.ceil((os2.usWinAscent + os2.usWinDescent) * scale) + LEADING_PX
    finally:
        font.close()
    return _Metrics(advances, max(advances.values()), round(advances["0"]), line_px)


def column_pixels(width: float) -> int:
    """The width in pixels of a column ``width`` characters wide, as Excel draws it."""
    digit = _metrics(False).digit_px
    return int((256 * width + int(128 / digit)) / 256 * digit)


def line_points() -> float:
    return _metrics(False).line_px / PX_PER_PT


class TextFit:
    """Counts the lines a text takes in a wrapped cell (texts and words repeat: their results are remembered)."""

    def __init__(self, *, bold: bool = False) -> None:
        metrics = _metrics(bold)
        self._advances = metrics.advances
        self._missing = metrics.missing
        self._space = metrics.advances[" "] * SAFETY
        self._words: dict[str, float] = {}
        self._texts: dict[tuple[str, float], int] = {}
        self._usable: dict[float, float] = {}

    def _width(self, word: str) -> float:
        found = self._words.get(word)
        if found is None:
            get = self._advances.get
            found = sum(get(ch, self._missing) for ch in word) * SAFETY
            if len(self._words) < 200_000:
                self._words[word] = found
        return found

    def lines(self, text: str, width_chars: float) -> int:
        """How many lines ``text`` takes in a wrapped cell of a column ``width_chars`` wide."""
        if not text:
            return 1
        key = (text, width_chars)
        found = self._texts.get(key)
        if found is not None:
            return found
        usable = self._usable.get(width_chars)
        if usable is None:
            usable = self._usable[width_chars] = max(1.0, column_pixels(width_chars) - CELL_PADDING_PX)
        found = 0
        for paragraph in text.split("\n"):
            try:  # the whole paragraph at once, in C: most cells hold one line
                fits = sum(map(self._advances.__getitem__, paragraph)) * SAFETY <= usable
            except KeyError:  # a character the font lacks: measured word by word
                fits = False
            found += 1 if fits else self._paragraph_lines(paragraph, usable)
        if len(self._texts) < 100_000:
            self._texts[key] = found
        return found

    def _paragraph_lines(self, paragraph: str, usable: float) -> int:
        lines, used = 1, 0.0
        for word in paragraph.split(" "):
            width = self._width(word)
            if used == 0.0 and width <= usable:
                used = width or self._space
            elif used + self._space + width <= usable:
                used += self._space + width
            elif width <= usable:
                lines, used = lines + 1, width
            else:  # a word longer than the line is broken where it reaches the edge
                if used:
                    lines += 1
                extra, rest = divmod(width, usable)
                lines += int(extra) - (1 if rest == 0 else 0)
                used = rest or usable
        return lines


def row_points(lines: int) -> float:
    """The height of a row of ``lines`` lines, in points (at most Excel's limit)."""
    return min(MAX_ROW_PT, lines * line_points())
