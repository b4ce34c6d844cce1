"""A read-only table model over a list of frozen DTOs, its columns given by one spec."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from kehoach_desktop.ui import icons

Row = TypeVar("Row")
_Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column(Generic[Row]):
    title: str
    display: Callable[[Row], str]
    sort_key: Callable[[Row], Any] | None = None
    numeric: bool = False
    tooltip: Callable[[Row], str] | None = None
    icon: Callable[[Row], str] | None = None  # the name of a bundled icon shown before the text ("" for none)


def cell_data(column: Any, row: Any, role: int) -> Any:
    """What a column shows of a row for the display, alignment and tooltip roles (None for the others).

    ``column`` is any spec with ``display``, ``numeric`` and ``tooltip`` (:class:`Column`, ``RegisterColumn``).
    """
    if role == Qt.ItemDataRole.DisplayRole:
        return column.display(row)
    if role == Qt.ItemDataRole.TextAlignmentRole:
        horizontal = Qt.AlignmentFlag.AlignRight if column.numeric else Qt.AlignmentFlag.AlignLeft
        return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
    if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
        return column.tooltip(row)
    if role == Qt.ItemDataRole.DecorationRole and getattr(column, "icon", None) is not None:
        name = column.icon(row)
        return icons.icon(name) if name else None
    return None


class DtoTableModel(QAbstractTableModel, Generic[Row]):
    SortRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, columns: Sequence[Column[Row]], parent: Any = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[Row] = []

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Row:
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        column = self._columns[index.column()]
        row = self._rows[index.row()]
        if role == self.SortRole:
            return column.sort_key(row) if column.sort_key else column.display(row)
        return cell_data(column, row, role)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            return self._columns[section].title
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None
