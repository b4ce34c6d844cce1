"""A read-only table model over a register filtered and sorted in SQL, fetched page by page.

The view asks for more rows as it scrolls (``canFetchMore``/``fetchMore``); each page continues
after the key of the last row, so a page deep in 300,000 rows costs what the first one does.
Clicking a header asks the page for a new SQL sort through ``sort_requested``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from kehoach_desktop.services.registers import Page, SortSpec
from kehoach_desktop.ui.table_model import cell_data

Row = TypeVar("Row")
_Index = QModelIndex | QPersistentModelIndex
Fetch = Callable[[tuple[Any, Any] | None], Page]


@dataclass(frozen=True)
class RegisterColumn(Generic[Row]):
    title: str
    display: Callable[[Row], str]
    sort_key: str | None = None  # the service's SQL sort key; None: not sortable
    numeric: bool = False
    export: Callable[[Row], Any] | None = None  # the typed value written to Excel (display text if None)
    export_kind: str = "text"
    width: int = 0  # initial width in pixels; 0: fit the contents
    tooltip: Callable[[Row], str] | None = None


class PagedTableModel(QAbstractTableModel, Generic[Row]):
    sort_requested = Signal(object)  # SortSpec

    def __init__(self, columns: Sequence[RegisterColumn[Row]], parent: Any = None, *,
                 highlight: Callable[[Row], str | None] | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[Row] = []
        self._after: tuple[Any, Any] | None = None
        self._fetch: Fetch | None = None
        self._highlight = highlight

    # loading -----------------------------------------------------------------------------
    def reset(self, fetch: Fetch, first: Page) -> None:
        """Show the first page of a new query; later pages come from ``fetch``."""
        self.beginResetModel()
        self._fetch = fetch
        self._rows = list(first.rows)
        self._after = first.after
        self.endResetModel()

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._after is not None and self._fetch is not None

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        assert self._fetch is not None
        page = self._fetch(self._after)
        if page.rows:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(page.rows) - 1)
            self._rows.extend(page.rows)
            self._after = page.after
            self.endInsertRows()
        else:
            self._after = None

    def fetch_all_until(self, row: int) -> None:
        while row >= len(self._rows) and self.canFetchMore():
            self.fetchMore()

    def row_at(self, row: int) -> Row:
        return self._rows[row]

    def loaded_rows(self) -> list[Row]:
        return list(self._rows)

    def row_of(self, record_id: str) -> int:
        for index, row in enumerate(self._rows):
            if getattr(row, "id", None) == record_id:
                return index
        return -1

    # Qt ----------------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        column = self.columns[index.column()]
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.BackgroundRole and self._highlight is not None:
            colour = self._highlight(row)
            return QBrush(QColor(colour)) if colour else None
        return cell_data(column, row, role)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            return self.columns[section].title
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.columns) or self.columns[column].sort_key is None:
            return
        self.sort_requested.emit(SortSpec(self.columns[column].sort_key,
                                          order == Qt.SortOrder.DescendingOrder))
