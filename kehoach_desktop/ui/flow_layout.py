"""Layouts that reflow on narrow windows instead of squeezing their widgets until the text is cut.

:class:`FlowLayout` places widgets left to right and wraps to a new line when the next one does not fit
(Qt's "Flow Layout" example); each keeps its size hint, so a button always shows its whole text.
:class:`ColumnsGrid` puts its widgets in as many equal columns as fit at a minimum width.
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QGridLayout, QLayout, QLayoutItem, QSizePolicy, QWidget


class FlowLayout(QLayout):
    """Left to right, wrapping; ``addStretch()`` pushes the widgets after it to the right end of their line.

    Widgets whose size policy is horizontally expanding (line edits) share the spare room of their line.
    """

    def __init__(self, parent: QWidget | None = None, *, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._right_from: int | None = None  # the first item aligned right on its line
        self._spacing = spacing
        self.setContentsMargins(0, 0, 0, 0)

    # QLayout's interface ---------------------------------------------------------------------
    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def addStretch(self) -> None:
        """The widgets added from now on are aligned right on the line where the stretch falls."""
        self._right_from = len(self._items)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        if not 0 <= index < len(self._items):
            return None
        if self._right_from is not None and self._right_from > index:
            self._right_from -= 1
        return self._items.pop(index)

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        """One line of everything."""
        visible = [item for item in self._items if not item.isEmpty()]
        width = sum(item.sizeHint().width() for item in visible) + self._spacing * max(0, len(visible) - 1)
        height = max((item.sizeHint().height() for item in visible), default=0)
        return QSize(width, height) + self._margins_size()

    def minimumSize(self) -> QSize:
        """As wide as the widest widget; as high as everything wrapped at that width."""
        size = QSize()
        for item in self._items:
            if not item.isEmpty():
                size = size.expandedTo(item.minimumSize().expandedTo(item.sizeHint()))
        return size + self._margins_size()

    # arranging -------------------------------------------------------------------------------
    def _margins_size(self) -> QSize:
        m: QMargins = self.contentsMargins()
        return QSize(m.left() + m.right(), m.top() + m.bottom())

    def _lines(self, width: int) -> list[list[int]]:
        lines: list[list[int]] = [[]]
        used = 0
        for index, item in enumerate(self._items):
            if item.isEmpty():
                continue
            hint = item.sizeHint().width()
            if lines[-1] and used + self._spacing + hint > width:
                lines.append([])
                used = 0
            used += (self._spacing if lines[-1] else 0) + hint
            lines[-1].append(index)
        return [line for line in lines if line]

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        y = area.y()
        for line in self._lines(area.width()):
            height = max(self._items[i].sizeHint().height() for i in line)
            if move:
                right_from = len(self._items) if self._right_from is None else self._right_from
                left, right = [i for i in line if i < right_from], [i for i in line if i >= right_from]
                used = sum(self._items[i].sizeHint().width() for i in line) + self._spacing * (len(line) - 1)
                growing = [i for i in left if self._items[i].expandingDirections() & Qt.Orientation.Horizontal]
                extra = max(0, area.width() - used)
                x = area.x()
                for i in left:
                    hint = self._items[i].sizeHint()
                    if i in growing:  # an expanding widget (a search field) takes the line's spare room
                        share = extra // len(growing)
                        hint = QSize(hint.width() + share, hint.height())
                    self._items[i].setGeometry(QRect(QPoint(x, y + (height - hint.height()) // 2), hint))
                    x += hint.width() + self._spacing
                x = area.right() + 1
                for i in reversed(right):
                    hint = self._items[i].sizeHint()
                    x -= hint.width()
                    self._items[i].setGeometry(QRect(QPoint(x, y + (height - hint.height()) // 2), hint))
                    x -= self._spacing
            y += height + self._spacing
        return y - self._spacing - area.y() + m.top() + m.bottom() if self._items else 0


def flow_row(*widgets: QWidget, right: tuple[QWidget, ...] = ()) -> FlowLayout:
    """A wrapping row of ``widgets``, then ``right`` aligned to the right."""
    layout = FlowLayout()
    for widget in widgets:
        layout.addWidget(widget)
    if right:
        layout.addStretch()
        for widget in right:
            layout.addWidget(widget)
    return layout


class ColumnsGrid(QWidget):
    """Its widgets in rows of as many equal columns as fit ``min_column_width``; rearranged on resize."""

    def __init__(self, min_column_width: int, parent: QWidget | None = None, *, spacing: int = 12) -> None:
        super().__init__(parent)
        self._min = min_column_width
        self._widgets: list[QWidget] = []
        self._columns = 0
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(spacing)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def add(self, widget: QWidget) -> None:
        self._widgets.append(widget)
        self._place(max(1, self._columns or len(self._widgets)))

    def columns(self) -> int:
        return self._columns

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), self._min), hint.height())

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        spacing = self._grid.horizontalSpacing()
        fits = max(1, (event.size().width() + spacing) // (self._min + spacing))
        self._place(min(fits, len(self._widgets)) or 1)
        super().resizeEvent(event)

    def _place(self, columns: int) -> None:
        if columns == self._columns and all(self._grid.indexOf(w) >= 0 for w in self._widgets):
            return
        for widget in self._widgets:
            self._grid.removeWidget(widget)
        for column in range(self._grid.columnCount()):
            self._grid.setColumnStretch(column, 0)
        for index, widget in enumerate(self._widgets):
            row, column = divmod(index, columns)
            span = columns - column if index == len(self._widgets) - 1 else 1  # the last one takes the rest of its row
            self._grid.addWidget(widget, row, column, 1, span)
        for column in range(columns):
            self._grid.setColumnStretch(column, 1)
        self._columns = columns
