"""Small shared widgets: page headers, figure cards, sortable tables, and actions that say why they are off."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QSortFilterProxyModel, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractItemView, QFrame, QLabel, QTableView, QVBoxLayout, QWidget

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
