"""Small bar charts for the overview (QtCharts, from the PySide6-Addons wheel)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QWidget

from kehoach_desktop.ui.empty_state import EmptyState


class BarChart(QChartView):
    """One series of bars with category labels; ``set_bars`` replaces them."""

    def __init__(self, title: str, colour: str = "#2563eb", parent: QWidget | None = None, *,
                 horizontal: bool = False) -> None:
        super().__init__(parent)
        self._colour = colour
        self._horizontal = horizontal
        self.chart_title = title
        chart = QChart()
        chart.setTitle(title)
        font = QFont(chart.titleFont())
        font.setBold(True)
        font.setPointSize(max(font.pointSize(), 10))
        chart.setTitleFont(font)
        chart.legend().hide()
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.setBackgroundRoundness(8)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.setChart(chart)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(250)
        self.labels: list[str] = []
        self.values: list[int] = []
        self.empty = EmptyState(self, object_name="chart_empty", top_margin=34)

    def show_empty(self, text: str, action: str = "", on_action: Callable[[], None] | None = None) -> None:
        """No bars to draw: the title and a sentence saying what will show here (never empty axes)."""
        self.labels, self.values = [], []
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        self.empty.show_message(text, action, on_action)

    def set_bars(self, labels: Sequence[str], values: Sequence[int]) -> None:
        self.empty.clear()
        self.labels, self.values = list(labels), list(values)
        if self._horizontal:  # Qt draws the first category at the bottom; the reader starts at the top
            labels, values = labels[::-1], values[::-1]
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        bars = QBarSet("")
        bars.setColor(QColor(self._colour))
        bars.append([float(v) for v in values])
        series = QHorizontalBarSeries() if self._horizontal else QBarSeries()
        series.append(bars)
        series.setBarWidth(0.7)
        chart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append(list(labels) or [""])
        small = QFont(categories.labelsFont())
        small.setPointSize(8)
        categories.setLabelsFont(small)
        categories.setTruncateLabels(False)
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft if self._horizontal else Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(categories)
        axis = QValueAxis()
        top = max(values, default=0)
        step = max(1, -(-top // 4))  # whole-number ticks
        axis.setRange(0, step * 4 if top else 1)
        axis.setTickCount(5 if top else 2)
        axis.setLabelFormat("%d")
        axis.setLabelsFont(small)
        chart.addAxis(axis, Qt.AlignmentFlag.AlignBottom if self._horizontal else Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(axis)
