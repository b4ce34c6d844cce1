"""Vector bar charts (reportlab.graphics) for the reports, in black, greys and one blue.

Labels are never cut: they wrap at word boundaries (and shrink a little when a word is long); the
legend wraps into rows inside the chart's width. A horizontal chart with more categories than a
page holds comes as several drawings (:func:`paged_bars`), each with its own title and legend.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from kehoach_desktop.exchange.pdf.fonts import SERIF

PALETTE = [colors.HexColor(c) for c in ("#1f4e79", "#6fa8dc", "#a6a6a6", "#404040", "#c9daf8", "#e6b8af")]
LABEL_SIZE = 8.0
MIN_LABEL_SIZE = 6.5
_LINE = 1.2  # leading, in font sizes
_SWATCH = 3 * mm
MAX_CHART_HEIGHT = 215 * mm  # a portrait text block is 257 mm high: a chart plus a heading fit a page


def wrap_label(text: str, width: float, size: float = LABEL_SIZE, max_lines: int = 3) -> tuple[list[str], float]:
    """``text`` broken at spaces into lines no wider than ``width``; smaller when a word (or the lines)
    would not fit otherwise. Returns the lines and the font size."""
    while True:
        lines: list[str] = []
        line = ""
        for word in text.split():
            candidate = f"{line} {word}".strip()
            if line and stringWidth(candidate, SERIF, size) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        if line:
            lines.append(line)
        widest = max((stringWidth(x, SERIF, size) for x in lines), default=0)
        if (len(lines) <= max_lines and widest <= width) or size <= MIN_LABEL_SIZE:
            return lines or [""], size
        size = max(MIN_LABEL_SIZE, size - 0.5)


def _legend(drawing: Drawing, names: Sequence[str], x: float, top: float, width: float) -> float:
    """Swatches and names in rows from ``top`` down, inside ``width``; returns the height used."""
    row_height = LABEL_SIZE * 1.6
    cursor, row = x, 0
    for index, name in enumerate(names):
        item = _SWATCH + 1.5 * mm + stringWidth(name, SERIF, LABEL_SIZE) + 5 * mm
        if cursor > x and cursor + item > x + width:
            cursor, row = x, row + 1
        y = top - (row + 1) * row_height
        drawing.add(Rect(cursor, y, _SWATCH, _SWATCH, fillColor=PALETTE[index % len(PALETTE)],
                         strokeColor=colors.black, strokeWidth=0.3))
        drawing.add(String(cursor + _SWATCH + 1.5 * mm, y + 0.5, name, fontName=SERIF, fontSize=LABEL_SIZE))
        cursor += item
    return (row + 1) * row_height if names else 0


def _legend_height(names: Sequence[str], width: float) -> float:
    probe = Drawing(width, 0)
    return _legend(probe, names, 0, 0, width)


def stacked_bars(title: str, categories: Sequence[str], series: Sequence[tuple[str, Sequence[int]]],
                 width: float, *, horizontal: bool = False, value_max: int | None = None,
                 stacked: bool = True) -> Drawing:
    """One bar per category, stacked by series (side by side when not ``stacked``: series that overlap, such
    as "put up in the period" and "standing at its end"), with the legend under the chart."""
    names = [name for name, _values in series]
    legend_height = _legend_height(names, width)
    data = [list(values) or [0] for _name, values in series] or [[0]]
    count = max(len(categories), 1)
    if horizontal:
        label_width = 58 * mm
        wrapped = [wrap_label(c, label_width) for c in categories] or [([""], LABEL_SIZE)]
        lines = max(len(w[0]) for w in wrapped)
        row = max(6 * mm, lines * LABEL_SIZE * _LINE + 2 * mm)
        plot_height = row * count
        left = label_width + 4 * mm  # the labels end clear of the axis' ticks (dx below)
    else:
        plot_width = width - 12 * mm - 2 * mm
        wrapped = [wrap_label(c, plot_width / count - 1.5 * mm) for c in categories] or [([""], LABEL_SIZE)]
        lines = max(len(w[0]) for w in wrapped)
        plot_height = 55 * mm
        left = 12 * mm
    axis_room = 8 * mm if horizontal else lines * LABEL_SIZE * _LINE + 4 * mm
    bottom = legend_height + 3 * mm + axis_room
    height = bottom + plot_height + 10 * mm
    drawing = Drawing(width, height, initialFontName=SERIF)
    drawing.add(String(width / 2, height - 12, title, fontName=SERIF, fontSize=11, textAnchor="middle"))
    chart = HorizontalBarChart() if horizontal else VerticalBarChart()
    chart.x, chart.y = left, bottom
    chart.width, chart.height = width - left - 4 * mm, plot_height
    chart.data = data
    chart.categoryAxis.style = "stacked" if stacked else "parallel"
    chart.categoryAxis.categoryNames = ["\n".join(w[0]) for w in wrapped]
    chart.categoryAxis.labels.fontName = SERIF
    chart.categoryAxis.labels.fontSize = min(w[1] for w in wrapped)
    chart.categoryAxis.labels.leading = chart.categoryAxis.labels.fontSize * _LINE
    if horizontal:
        chart.categoryAxis.reverseDirection = 1
        chart.categoryAxis.labels.boxAnchor = "e"
        chart.categoryAxis.labels.textAnchor = "end"
        chart.categoryAxis.labels.dx = -(chart.categoryAxis.tickLeft + 2)
    else:
        chart.categoryAxis.labels.boxAnchor = "n"
        chart.categoryAxis.labels.dy = -2
    chart.valueAxis.labels.fontName = SERIF
    chart.valueAxis.labels.fontSize = LABEL_SIZE
    chart.valueAxis.valueMin = 0
    columns = list(zip(*data, strict=False))
    top = value_max if value_max is not None else max(
        (sum(c) if stacked else max(c) for c in columns), default=0)
    step = _nice(max(top, 1) * 1.05 / 5)
    chart.valueAxis.valueStep = step
    chart.valueAxis.valueMax = step * math.ceil(max(top, 1) * 1.05 / step)
    chart.valueAxis.labelTextFormat = lambda value: f"{value:,.0f}".replace(",", ".")
    chart.barSpacing = 1
    for index in range(len(data)):
        chart.bars[index].fillColor = PALETTE[index % len(PALETTE)]
        chart.bars[index].strokeColor = colors.black
        chart.bars[index].strokeWidth = 0.3
    drawing.add(chart)
    _legend(drawing, names, left if horizontal else 0, legend_height, width - (left if horizontal else 0))
    return drawing


def _nice(value: float) -> float:
    """1, 2, 2.5 or 5 times a power of ten, at least ``value`` (and whole): a round step for the value axis."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 2.5, 5, 10)
                if step * power >= value and float(step * power).is_integer())


def paged_bars(title: str, categories: Sequence[str], series: Sequence[tuple[str, Sequence[int]]],
               width: float, *, max_height: float = MAX_CHART_HEIGHT) -> list[Drawing]:
    """A horizontal stacked chart as several drawings of at most ``max_height`` each (the same scale in
    all), so that 30 or 126 categories never overflow a page."""
    totals = [sum(values) for values in zip(*[v for _n, v in series], strict=False)] or [0]
    top = max(totals)
    per_page = len(categories) or 1
    while per_page > 1 and stacked_bars(title, categories[:per_page], [(n, v[:per_page]) for n, v in series],
                                        width, horizontal=True, value_max=top).height > max_height:
        per_page = max(1, per_page * 3 // 4 if per_page > 8 else per_page - 1)
    pages = math.ceil(len(categories) / per_page) if categories else 1
    per_page = math.ceil(len(categories) / pages) if categories else 1  # even pages: 42 + 42 + 42, not 40 × 3 + 6
    drawings = []
    for page in range(pages):
        window = slice(page * per_page, (page + 1) * per_page)
        heading = title if pages == 1 else f"{title} ({page + 1}/{pages})"
        drawings.append(stacked_bars(heading, categories[window], [(n, v[window]) for n, v in series], width,
                                     horizontal=True, value_max=top))
    return drawings
