"""An editable table of text rows (each a dict of column key → text): reporting units, periods and deadlines."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from kehoach_desktop.domain.text import nfc

_Index = QModelIndex | QPersistentModelIndex


class TextRowsModel(QAbstractTableModel):
    def __init__(self, columns: Sequence[tuple[str, str]], parent: Any = None) -> None:
        """``columns``: (key, translated header) pairs."""
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[dict[str, str]] = []
        self.read_only = False
        self.problem_rows: dict[int, str] = {}  # row → the problem shown as its tooltip and colour

    def set_rows(self, rows: Sequence[dict[str, Any]]) -> None:
        self.beginResetModel()
        self._rows = [{key: str(row.get(key, "")) for key, _title in self._columns} for row in rows]
        self.problem_rows = {}
        self.endResetModel()

    def keys(self) -> list[str]:
        return [key for key, _title in self._columns]

    def rows(self) -> list[dict[str, str]]:
        return [dict(row) for row in self._rows]

    def set_problems(self, problems: dict[int, str]) -> None:
        self.problem_rows = dict(problems)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self._columns) - 1))

    def append_rows(self, rows: Sequence[dict[str, str]]) -> int:
        """Add rows at the end; returns the index of the first one."""
        first = len(self._rows)
        if not rows:
            return first
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend({key: nfc(str(row.get(key, ""))).strip() for key, _t in self._columns} for row in rows)
        self.endInsertRows()
        return first

    def remove_row(self, row: int) -> None:
        if 0 <= row < len(self._rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._columns[section][1] if 0 <= section < len(self._columns) else None
        return str(section + 1)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._rows[index.row()][self._columns[index.column()][0]]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.problem_rows.get(index.row())
        if role == Qt.ItemDataRole.BackgroundRole and index.row() in self.problem_rows:
            return QColor("#fde2e1")
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return base if self.read_only else base | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if self.read_only or role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        if not 0 <= index.row() < len(self._rows):
            return False
        self._rows[index.row()][self._columns[index.column()][0]] = nfc(str(value)).strip()
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
        return True
