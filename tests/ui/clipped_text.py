"""Find text that a window shows cut: buttons, labels, tabs, combo boxes, column headers and tree items.

Each check compares the room a widget gives its text (its contents rectangle as the style lays it
out) with what the text needs (``QFontMetrics.horizontalAdvance`` of each line, or the height of
the wrapped text at the widget's width). Only what the user can see is checked: hidden widgets and
widgets scrolled wholly out of view are skipped.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator

from PySide6 import QtGui
from PySide6.QtCharts import QBarCategoryAxis, QChartView
from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPoint, QRect, Qt
from PySide6.QtGui import QFontMetrics, QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QListView,
    QPushButton,
    QRadioButton,
    QStyle,
    QStyleOptionButton,
    QStyleOptionComboBox,
    QTabBar,
    QToolButton,
    QTreeView,
    QWidget,
)


def _plain(text: str) -> str:
    """The text as drawn: mnemonic ampersands removed (``&&`` is one ampersand)."""
    return re.sub(r"&(.)", r"\1", text)


def _shown(widget: QWidget, window: QWidget) -> bool:
    """Visible, and not wholly clipped away by an ancestor (a scroll area's viewport, a splitter's pane)."""
    if not (widget.isVisibleTo(window) and widget.isVisible()):
        return False
    rect = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    ancestor = widget.parentWidget()
    while ancestor is not None and ancestor is not window:
        rect = rect.intersected(QRect(ancestor.mapTo(window, QPoint(0, 0)), ancestor.size()))
        ancestor = ancestor.parentWidget()
    return not rect.intersected(window.rect()).isEmpty()


def _name(widget: QWidget) -> str:
    return f"{type(widget).__name__}#{widget.objectName()}" if widget.objectName() else type(widget).__name__


def _widest_line(metrics: QFontMetrics, text: str) -> int:
    return max((metrics.horizontalAdvance(line) for line in text.split("\n")), default=0)


def _button_problem(button: QAbstractButton) -> str | None:
    text = _plain(button.text())
    if not text:
        return None
    metrics = button.fontMetrics()
    need = _widest_line(metrics, text)
    if not button.icon().isNull():
        need += button.iconSize().width() + 4
    style = button.style()
    if isinstance(button, QPushButton):
        option = QStyleOptionButton()
        option.initFrom(button)
        option.text, option.icon, option.iconSize = button.text(), button.icon(), button.iconSize()
        room = style.subElementRect(QStyle.SubElement.SE_PushButtonContents, option, button).width()
    elif isinstance(button, (QCheckBox, QRadioButton)):
        option = QStyleOptionButton()
        option.initFrom(button)
        option.text = button.text()
        element = (QStyle.SubElement.SE_CheckBoxContents if isinstance(button, QCheckBox)
                   else QStyle.SubElement.SE_RadioButtonContents)
        room = style.subElementRect(element, option, button).width()
    elif isinstance(button, QToolButton):
        room = button.width()
        need = button.sizeHint().width()
    else:
        room = button.contentsRect().width()
    if need > room:
        return f"{_name(button)} “{text}” needs {need} px, has {room} px"
    return None


def _label_problem(label: QLabel) -> str | None:
    text = label.text()
    if not text or (label.pixmap() is not None and not label.pixmap().isNull()):
        return None
    rect = label.contentsRect()
    margin = label.margin() * 2
    room_w, room_h = rect.width() - margin, rect.height() - margin
    rich = label.textFormat() == Qt.TextFormat.RichText or (
        label.textFormat() == Qt.TextFormat.AutoText and QtGui.Qt.mightBeRichText(text))
    metrics = label.fontMetrics()
    if rich:
        document = QTextDocument()
        document.setDefaultFont(label.font())
        document.setDocumentMargin(0)
        document.setHtml(text)
        if label.wordWrap():
            document.setTextWidth(room_w)
        need_w, need_h = int(document.idealWidth()), int(document.size().height())
        shown = document.toPlainText()
    else:
        shown = text
        if label.wordWrap():
            longest_word = max((metrics.horizontalAdvance(word) for word in shown.split()), default=0)
            bound = metrics.boundingRect(QRect(0, 0, max(room_w, 1), 100_000),
                                         int(Qt.TextFlag.TextWordWrap), shown)
            need_w, need_h = longest_word, bound.height()
        else:
            need_w = _widest_line(metrics, shown)
            need_h = metrics.height() * (shown.count("\n") + 1)
    if need_w > room_w + 1:
        return f"{_name(label)} “{shown[:60]}” needs {need_w} px wide, has {room_w} px"
    if not rich and "\n" not in shown and not label.wordWrap():
        # the marks over capitals (Ấ, Ổ, Ả) rise above the font's ascent in some fonts (DejaVu Sans): what
        # does not fit between the label's top edge and the line is cut off (padding above leaves room)
        ink = -metrics.tightBoundingRect(shown).top()
        align = label.alignment()
        top = rect.top() + label.margin()
        if align & Qt.AlignmentFlag.AlignTop:
            above = top + metrics.ascent()
        elif align & Qt.AlignmentFlag.AlignBottom:
            above = top + room_h - metrics.descent()
        else:
            above = top + (room_h - metrics.height()) // 2 + metrics.ascent()
        if ink > above:
            return f"{_name(label)} “{shown[:60]}”: its marks need {ink} px above the line, have {above}"
    if need_h > room_h + 1:
        return f"{_name(label)} “{shown[:60]}” needs {need_h} px high, has {room_h} px"
    return None


def _combo_problem(combo: QComboBox) -> str | None:
    if combo.isEditable() or not combo.currentText():
        return None
    option = QStyleOptionComboBox()
    option.initFrom(combo)
    option.currentText = combo.currentText()
    room = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                        QStyle.SubControl.SC_ComboBoxEditField, combo).width()
    need = combo.fontMetrics().horizontalAdvance(combo.currentText())
    if not combo.itemIcon(combo.currentIndex()).isNull():
        need += combo.iconSize().width() + 4
    if need > room:
        return f"{_name(combo)} “{combo.currentText()}” needs {need} px, has {room} px"
    return None


def _tab_problems(bar: QTabBar) -> Iterator[str]:
    metrics = bar.fontMetrics()
    for index in range(bar.count()):
        if not bar.isTabVisible(index):
            continue
        text = _plain(bar.tabText(index))
        need = metrics.horizontalAdvance(text) + 8  # the style's own text margins are at least this
        room = bar.tabRect(index).width()
        if need > room:
            yield f"{_name(bar)} tab “{text}” needs {need} px, has {room} px"


def _header_problems(header: QHeaderView) -> Iterator[str]:
    model = header.model()
    if model is None or header.orientation() != Qt.Orientation.Horizontal:
        return
    metrics = header.fontMetrics()
    margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    arrow = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header)
    for logical in range(header.count()):
        if header.isSectionHidden(logical) or header.sectionSize(logical) == 0:
            continue
        text = model.headerData(logical, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        if not text:
            continue
        text = str(text)
        need = _widest_line(metrics, text) + 2 * margin
        if header.isSortIndicatorShown() and header.sortIndicatorSection() == logical:
            need += arrow + margin
        room = header.sectionSize(logical)
        if need > room:
            yield f"{_name(header.parentWidget())} column “{text}” needs {need} px, has {room} px"


def _tree_item_problems(tree: QTreeView) -> Iterator[str]:
    """Every item of the first column that is scrolled into view shows its whole text."""
    model = tree.model()
    if model is None:
        return
    viewport = tree.viewport().rect()
    metrics = tree.fontMetrics()
    frame = tree.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, tree) + 1

    def walk(parent: QModelIndex) -> Iterator[QModelIndex]:
        for row in range(model.rowCount(parent)):
            index = model.index(row, 0, parent)
            yield index
            if tree.isExpanded(index):
                yield from walk(index)

    for index in walk(QModelIndex()):
        rect = tree.visualRect(index)
        if not rect.intersects(viewport):
            continue
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        if not text:
            continue
        room = rect.width() - 2 * frame
        if index.data(Qt.ItemDataRole.DecorationRole) is not None:
            room -= tree.iconSize().width() if tree.iconSize().isValid() else 16
            room -= 4
        flags = int(Qt.TextFlag.TextWordWrap) if tree.wordWrap() else 0
        bound = metrics.boundingRect(QRect(0, 0, max(room, 1), 100_000), flags, text)
        if bound.width() > room or bound.height() > rect.height():
            yield (f"{_name(tree)} item “{text[:60]}” needs {bound.width()}×{bound.height()} px, "
                   f"has {room}×{rect.height()} px")


def _list_item_problems(view: QListView) -> Iterator[str]:
    """Every item of a list shown as lines (the side bar's pages, say) shows its whole text."""
    if view.viewMode() != QListView.ViewMode.ListMode or view.model() is None:
        return
    model, viewport, metrics = view.model(), view.viewport().rect(), view.fontMetrics()
    flags = int(Qt.TextFlag.TextWordWrap) if view.wordWrap() else 0
    for row in range(model.rowCount()):
        index = model.index(row, view.modelColumn())
        rect = view.visualRect(index)
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        if not text or not rect.intersects(viewport):
            continue
        need = view.sizeHintForIndex(index).width()  # text, check box, icon and the style sheet's padding
        if rect.left() + need > viewport.right() + 1:  # runs under the list's edge: read only by scrolling sideways
            yield f"{_name(view)} item “{text[:60]}” needs {need} px in a list {viewport.width()} px wide"
            continue
        room = rect.width()
        if index.data(Qt.ItemDataRole.DecorationRole) is not None:
            room -= (view.iconSize().width() if view.iconSize().isValid() else 16) + 4
        bound = metrics.boundingRect(QRect(0, 0, max(room, 1), 100_000), flags, text)
        if bound.width() > room or bound.height() > rect.height():
            yield (f"{_name(view)} item “{text[:60]}” needs {bound.width()}×{bound.height()} px, "
                   f"has {room}×{rect.height()} px")


def _chart_problems(view: QChartView) -> Iterator[str]:
    """The chart's title fits its width, and the category labels left of a bar chart fit beside the plot."""
    chart = view.chart()
    margins = chart.margins()
    title = chart.title()
    if title:
        need = QFontMetrics(chart.titleFont()).horizontalAdvance(title)
        left, _top, right, _bottom = chart.layout().getContentsMargins()
        room = int(chart.size().width() - left - right) - margins.left() - margins.right()
        if need > room:
            yield f"{_name(view)} title “{title}” needs {need} px, has {room} px"
    for axis in chart.axes(Qt.Orientation.Vertical):
        if isinstance(axis, QBarCategoryAxis) and axis.categories():
            metrics = QFontMetrics(axis.labelsFont())
            need = max(metrics.horizontalAdvance(c) for c in axis.categories())
            room = int(chart.plotArea().left() - chart.layout().getContentsMargins()[0]) - margins.left()
            if need > room:
                yield f"{_name(view)} category labels need {need} px, have {room} px"


def clipped_texts(window: QWidget) -> list[str]:
    """A line for every text of ``window`` that the user sees cut."""
    problems: list[str] = []
    for button in window.findChildren(QAbstractButton):
        if _shown(button, window) and (problem := _button_problem(button)):
            problems.append(problem)
    for label in window.findChildren(QLabel):
        if _shown(label, window) and (problem := _label_problem(label)):
            problems.append(problem)
    for combo in window.findChildren(QComboBox):
        if _shown(combo, window) and (problem := _combo_problem(combo)):
            problems.append(problem)
    for bar in window.findChildren(QTabBar):
        if _shown(bar, window):
            problems.extend(_tab_problems(bar))
    for view in window.findChildren(QAbstractItemView):
        if not _shown(view, window):
            continue
        header = (view.horizontalHeader() if hasattr(view, "horizontalHeader")
                  else view.header() if isinstance(view, QTreeView) else None)
        if header is not None and _shown(header, window):
            problems.extend(_header_problems(header))
        if isinstance(view, QTreeView) and not isinstance(view, QHeaderView):
            problems.extend(_tree_item_problems(view))
        if isinstance(view, QListView):
            problems.extend(_list_item_problems(view))
    for chart in window.findChildren(QChartView):
        if _shown(chart, window):
            problems.extend(_chart_problems(chart))
    return problems


def _symbols(text: str) -> str:
    """The "other symbol" characters of ``text`` (✓ ⚠ 🔒 ✎ ○ ◀…): fonts without them draw empty boxes."""
    import unicodedata

    return "".join(sorted({c for c in text if unicodedata.category(c) == "So"}))


def _model_texts(model: QAbstractItemModel, parent: QModelIndex = QModelIndex(), depth: int = 0) -> Iterator[str]:  # noqa: B008
    try:
        columns = model.columnCount(parent)
    except TypeError:  # a list model (QAbstractListModel keeps columnCount private): one column
        columns = 1
    for row in range(min(model.rowCount(parent), 300)):
        for column in range(columns):
            index = model.index(row, column, parent)
            value = index.data(Qt.ItemDataRole.DisplayRole)
            if isinstance(value, str):
                yield value
        if depth < 4:
            yield from _model_texts(model, model.index(row, 0, parent), depth + 1)


def symbol_texts(window: QWidget) -> list[str]:
    """A line for every visible text of ``window`` that draws a symbol character instead of a bundled icon."""
    found: list[str] = []
    texts: list[tuple[QWidget, str]] = []
    for widget in window.findChildren(QLabel) + window.findChildren(QAbstractButton):
        if _shown(widget, window):
            texts.append((widget, widget.text()))
    for combo in window.findChildren(QComboBox):
        if _shown(combo, window):
            texts.extend((combo, combo.itemText(i)) for i in range(combo.count()))
    for view in window.findChildren(QAbstractItemView):
        if _shown(view, window) and view.model() is not None and not isinstance(view, QHeaderView):
            texts.extend((view, text) for text in _model_texts(view.model()))
    for widget, text in texts:
        if symbols := _symbols(text):
            found.append(f"{_name(widget)} “{text[:60]}” draws {symbols}")
    return found


_PERIOD_CODE = re.compile(r"\b20\d\d-(?:H[12]|Q[1-4]|0[1-9]|1[0-2])\b")


def period_code_texts(window: QWidget) -> list[str]:
    """A line for every visible text that writes a period as a code (``2021-H1``) instead of in words."""
    found: list[str] = []
    for widget in window.findChildren(QLabel) + window.findChildren(QAbstractButton):
        if _shown(widget, window) and _PERIOD_CODE.search(widget.text()):
            found.append(f"{_name(widget)} “{widget.text()[:60]}” writes a period code")
    for combo in window.findChildren(QComboBox):
        if _shown(combo, window):
            found.extend(f"{_name(combo)} item “{combo.itemText(i)}” writes a period code"
                         for i in range(combo.count()) if _PERIOD_CODE.search(combo.itemText(i)))
    for view in window.findChildren(QAbstractItemView):
        if _shown(view, window) and view.model() is not None and not isinstance(view, QHeaderView):
            model = view.model()
            texts = list(_model_texts(model))
            with contextlib.suppress(TypeError):  # a list model has no column headers
                texts += [str(model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or "")
                          for c in range(model.columnCount())]
            found.extend(f"{_name(view)} “{text[:60]}” writes a period code"
                         for text in texts if _PERIOD_CODE.search(text))
    return found
