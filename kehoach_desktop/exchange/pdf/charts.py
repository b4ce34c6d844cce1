"""Vector bar charts (reportlab.graphics) for the progress report, in black, greys and one blue."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm

from kehoach_desktop.exchange.pdf.fonts import SERIF

PALETTE = [colors.HexColor(c) for c in ("#1f4e79", "#6fa8dc", "#a6a6a6", "#404040", "#c9daf8", "#e6b8af")]


def _shorten(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def stacked_bars(title: str, categories: Sequence[str], series: Sequence[tuple[str, Sequence[int]]],
                 width: float, *, horizontal: bool = False) -> Drawing:
    """One bar per category, stacked by series, with a legend under the chart."""
    rows = max(len(categories), 1)
    plot_height = (8 * mm * rows) if horizontal else 55 * mm
    height = plot_height + 30 * mm
    drawing = Drawing(width, height, initialFontName=SERIF)
    drawing.add(String(width / 2, height - 12, title, fontName=SERIF, fontSize=11, textAnchor="middle"))
    chart = HorizontalBarChart() if horizontal else VerticalBarChart()
    left = 60 * mm if horizontal else 12 * mm
    chart.x, chart.y = left, 18 * mm
    chart.width, chart.height = width - left - 8 * mm, plot_height
    data = [list(values) or [0] for _name, values in series] or [[0]]
    chart.data = data
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.categoryNames = [_shorten(c, 40 if horizontal else 14) for c in categories] or [""]
    chart.categoryAxis.labels.fontName = SERIF
    chart.categoryAxis.labels.fontSize = 8
    if horizontal:
        chart.categoryAxis.reverseDirection = 1
        chart.categoryAxis.labels.boxAnchor = "e"
    else:
        chart.categoryAxis.labels.angle = 30
        chart.categoryAxis.labels.boxAnchor = "ne"
    chart.valueAxis.labels.fontName = SERIF
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    top = max((sum(column) for column in zip(*data, strict=False)), default=0)
    chart.valueAxis.valueMax = max(top, 1) * 1.1
    chart.valueAxis.labelTextFormat = lambda value: f"{value:,.0f}".replace(",", ".")
    chart.barSpacing = 1
    for index in range(len(data)):
        chart.bars[index].fillColor = PALETTE[index % len(PALETTE)]
        chart.bars[index].strokeColor = colors.black
        chart.bars[index].strokeWidth = 0.3
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = left, 6 * mm
    legend.fontName, legend.fontSize = SERIF, 8
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 28 * mm
    legend.dxTextSpace = 3
    legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], name) for i, (name, _v) in enumerate(series)]
    drawing.add(legend)
    return drawing
