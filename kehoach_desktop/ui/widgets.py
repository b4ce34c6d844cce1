"""Small shared widgets and helpers: page headers, figure cards, tables and trees that fit small screens,
actions that say why they are off."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from kehoach_desktop.ui.table_model import DtoTableModel


class PageHeader(QWidget):
    def __init__(self, title: str, subtitle: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 8)
        layout.setSpacing(2)
        self.title = QLabel(title)
        self.title.setProperty("role", "page-title")
        self.subtitle = QLabel(subtitle)
        self.subtitle.setProperty("role", "page-subtitle")
        self.subtitle.setWordWrap(True)
        self.subtitle.setVisible(bool(subtitle))
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)

    def set_subtitle(self, text: str) -> None:
        self.subtitle.setText(text)
        self.subtitle.setVisible(bool(text))


class FigureCard(QFrame):
    """A big number with a caption and an optional line of detail."""

    def __init__(self, caption: str, parent: QWidget | None = None, *, object_name: str = "") -> None:
        super().__init__(parent)
        self.setProperty("role", "card")
        if object_name:
            self.setObjectName(object_name)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(2)
        self.caption = QLabel(caption)
        self.caption.setProperty("role", "card-caption")
        self.value = QLabel("—")
        self.value.setProperty("role", "card-value")
        self.detail = QLabel("")
        self.detail.setProperty("role", "card-detail")
        self.detail.setWordWrap(True)
        for label in (self.caption, self.value, self.detail):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(label)
        layout.addStretch(1)

    def set(self, value: str, detail: str = "", *, warn: bool = False) -> None:
        self.value.setText(value)
        self.detail.setText(detail)
        self.setProperty("warn", warn)
        self.style().unpolish(self)
        self.style().polish(self)


def sortable_table(model: QAbstractItemModel, object_name: str,
                   parent: QWidget) -> tuple[QSortFilterProxyModel, QTableView]:
    """A read-only table of whole rows, one selected at a time, sorted by clicking its headers
    (on the model's ``DtoTableModel.SortRole``)."""
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(DtoTableModel.SortRole)
    table = QTableView()
    table.setObjectName(object_name)
    table.setModel(proxy)
    table.setSortingEnabled(True)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    return proxy, table


class WrappingTreeDelegate(QStyledItemDelegate):
    """Rows as high as their text wrapped at the column's width (Qt's own delegate measures unwrapped text)."""

    PADDING = 4

    def __init__(self, tree: QTreeView) -> None:
        super().__init__(tree)
        self._tree = tree

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        width = self._tree.columnWidth(index.column())
        if index.column() == 0:
            depth, parent = 0, index.parent()
            while parent.isValid():
                depth, parent = depth + 1, parent.parent()
            width -= self._tree.indentation() * (depth + (1 if self._tree.rootIsDecorated() else 0))
        if self._tree.isFirstColumnSpanned(index.row(), index.parent()):
            width = self._tree.viewport().width()
        measured = QStyleOptionViewItem(option)
        measured.rect = QRect(0, 0, max(width, 1), 1)
        hint = super().sizeHint(measured, index)
        return QSize(hint.width(), hint.height() + self.PADDING)


def wrap_tree_text(tree: QTreeView) -> None:
    """Show every item's whole text, wrapped onto more lines when the column is narrow, never ending in "…"."""
    tree.setWordWrap(True)
    tree.setTextElideMode(Qt.TextElideMode.ElideNone)
    tree.setUniformRowHeights(False)
    tree.setItemDelegate(WrappingTreeDelegate(tree))
    tree.header().sectionResized.connect(lambda *_args: tree.scheduleDelayedItemsLayout())


class WrappingListDelegate(QStyledItemDelegate):
    """List items as high as their text wrapped at the list's width (Qt's own delegate measures one line)."""

    def __init__(self, view: QListView) -> None:
        super().__init__(view)
        self._view = view

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        width = max(self._view.viewport().width(), 1)
        measured = QStyleOptionViewItem(option)
        measured.rect = QRect(0, 0, width, 1)
        hint = super().sizeHint(measured, index)
        return QSize(min(hint.width(), width), hint.height())


def wrap_list_text(view: QListView) -> None:
    """Show every item's whole text, wrapped at the list's width: no "…", no scrolling sideways."""
    view.setWordWrap(True)
    view.setTextElideMode(Qt.TextElideMode.ElideNone)
    view.setUniformItemSizes(False)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setResizeMode(QListView.ResizeMode.Adjust)  # items laid out again when the list's width changes
    view.setItemDelegate(WrappingListDelegate(view))


class ColumnsByWidth(QObject):
    """Hides the less needed columns of a table while it is narrower than each column's threshold
    (small screens); the record's form shows those fields anyway."""

    def __init__(self, view: QTableView, thresholds: dict[int, int]) -> None:
        super().__init__(view)
        self._view = view
        self._thresholds = thresholds
        view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._view and event.type() == QEvent.Type.Resize:
            width = self._view.width()
            for column, threshold in self._thresholds.items():
                self._view.setColumnHidden(column, width < threshold)
        return False


def fit_header_texts(view: QTableView) -> None:
    """Widen every column that is narrower than its header's text (a fixed width chosen for English)."""
    header = view.horizontalHeader()
    model = header.model()
    metrics = header.fontMetrics()
    margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    arrow = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, header)
    for column in range(header.count()):
        if header.sectionResizeMode(column) != QHeaderView.ResizeMode.Interactive:
            continue
        text = str(model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) or "")
        need = metrics.horizontalAdvance(text) + 2 * margin + (arrow + margin if header.isSortIndicatorShown() else 0)
        if header.sectionSize(column) < need:
            header.resizeSection(column, need)


def set_available(target: QWidget | QAction, why_not: str = "") -> None:
    """Enable ``target`` when ``why_not`` is empty; otherwise disable it and add the reason to its tooltip.

    Qt shows the tooltips of disabled buttons and toolbar actions, so the user learns what to do first.
    The target's own tooltip (as it was on the first call) stays first.
    """
    usual = target.property("usual_tooltip")
    if usual is None:
        usual = target.toolTip() if not isinstance(target, QAction) or target.toolTip() != target.iconText() else ""
        target.setProperty("usual_tooltip", usual)
    target.setEnabled(not why_not)
    target.setToolTip("\n".join(text for text in (usual, why_not) if text))
