"""The completeness board's table: one row per reporting unit, a column per reporting period, then figures."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from kehoach_desktop.domain.enums import PlanStatus
from kehoach_desktop.domain.periods import period_heading
from kehoach_desktop.domain.reporting import Timeliness
from kehoach_desktop.formats import format_date, format_number, format_vnd
from kehoach_desktop.i18n import _, pgettext
from kehoach_desktop.services.city_dto import PeriodCell, PeriodColumn, UnitBoardRow
from kehoach_desktop.ui import icons

_Index = QModelIndex | QPersistentModelIndex
SortRole = Qt.ItemDataRole.UserRole + 1
CellRole = Qt.ItemDataRole.UserRole + 2  # the PeriodCell of a period column

# background and text colours of a period cell; the text says it too (never colour alone)
_COLOURS = {
    Timeliness.ON_TIME.value: ("#dcfce7", "#14532d"),
    Timeliness.LATE.value: ("#fef3c7", "#78350f"),
    Timeliness.MISSING.value: ("#fee2e2", "#7f1d1d"),
    Timeliness.RETURNED.value: ("#ede9fe", "#4c1d95"),
    Timeliness.NOT_DUE.value: ("", "#4b5563"),
}
_ORDER = {t.value: i for i, t in enumerate((Timeliness.MISSING, Timeliness.RETURNED, Timeliness.LATE,
                                             Timeliness.NOT_DUE, Timeliness.ON_TIME))}


def cell_text(cell: PeriodCell) -> str:
    text = Timeliness(cell.timeliness).label
    if cell.timeliness == Timeliness.MISSING.value:
        return text
    if cell.received_on is not None:
        text += " · " + format_date(cell.latest_received_on or cell.received_on)
        if cell.sequence is not None:
            text += f" · #{cell.sequence}"
    return text


def cell_mark(cell: PeriodCell) -> str:
    """The icon before a cell's text: a warning for a missing report, a check for one the city accepted."""
    if cell.timeliness == Timeliness.MISSING.value:
        return icons.WARNING
    if cell.received_on is not None and cell.decision == "accepted":
        return icons.CHECK
    return ""


def cell_tooltip(cell: PeriodCell) -> str:
    lines = [_("Deadline: {date}").format(date=format_date(cell.deadline))]
    if cell.received_on is not None:
        lines.append(_("First received: {date}").format(date=format_date(cell.received_on)))
        lines.append(_("Latest package: no. {sequence}, received {date} ({count} in all)").format(
            sequence=cell.sequence, date=format_date(cell.latest_received_on), count=cell.packages))
        decision = {"received": _("awaiting the city's decision"), "accepted": _("accepted"),
                    "returned": _("returned")}.get(cell.decision, cell.decision)
        lines.append(_("Decision: {decision}").format(decision=decision))
    if cell.reason:
        lines.append(_("Reason: {reason}").format(reason=cell.reason))
    return "\n".join(lines)


def plan_text(row: UnitBoardRow) -> str:
    if row.plan_status is None:
        return "—"
    if row.plan_status == PlanStatus.ISSUED.value:
        return _("Issued {number}").format(number=row.plan_number).strip()
    return PlanStatus(row.plan_status).label


@dataclass(frozen=True)
class FigureColumn:
    title: str
    display: Callable[[UnitBoardRow], str]
    sort_key: Callable[[UnitBoardRow], Any]


def figure_columns() -> list[FigureColumn]:
    def percent(row: UnitBoardRow) -> str:
        value = row.figures.indicators_percent
        return "—" if value is None else f"{value}%"

    f = lambda name: (lambda row: getattr(row.figures, name))  # noqa: E731
    return [
        FigureColumn(_("Plan"), plan_text, lambda r: f"{r.plan_status or ''} {r.plan_number}"),
        FigureColumn(_("Tasks done"), lambda r: format_number(r.figures.tasks_done), f("tasks_done")),
        FigureColumn(_("In progress"), lambda r: format_number(r.figures.tasks_in_progress), f("tasks_in_progress")),
        FigureColumn(_("Overdue"), lambda r: format_number(r.figures.tasks_overdue), f("tasks_overdue")),
        FigureColumn(_("Indicators met"), percent, lambda r: r.figures.indicators_percent or -1),
        FigureColumn(_("Materials"), lambda r: format_number(r.figures.materials_total), f("materials_total")),
        FigureColumn(_("Events held"), lambda r: format_number(r.figures.events_held), f("events_held")),
        FigureColumn(_("Participants"), lambda r: format_number(r.figures.participants), f("participants")),
        FigureColumn(_("Budget planned"), lambda r: format_vnd(r.figures.budget_planned), f("budget_planned")),
        FigureColumn(pgettext("amount", "Budget used"), lambda r: format_vnd(r.figures.budget_spent),
                     f("budget_spent")),
    ]


class BoardTableModel(QAbstractTableModel):
    """Columns: unit, kind, one per period, then the figures."""

    FIXED = 2

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[UnitBoardRow] = []
        self._periods: list[PeriodColumn] = []
        self._figures = figure_columns()

    def set_board(self, periods: Sequence[PeriodColumn], rows: Sequence[UnitBoardRow]) -> None:
        self.beginResetModel()
        self._periods = list(periods)
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> UnitBoardRow:
        return self._rows[row]

    def period_of_column(self, column: int) -> str | None:
        index = column - self.FIXED
        return self._periods[index].period if 0 <= index < len(self._periods) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.FIXED + len(self._periods) + len(self._figures)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        period_index = column - self.FIXED
        if column < self.FIXED:
            value = row.display_name if column == 0 else row.kind
            if role == Qt.ItemDataRole.DisplayRole:
                return value
            if role == SortRole:
                return row.code if column == 0 else f"{row.kind} {row.code}"
            if role == Qt.ItemDataRole.ToolTipRole and column == 0:
                return _("Code {code}").format(code=row.code)
            return None
        if period_index < len(self._periods):
            cell = row.cells[period_index]
            if role == Qt.ItemDataRole.DisplayRole:
                return cell_text(cell)
            if role == Qt.ItemDataRole.DecorationRole:
                mark = cell_mark(cell)
                return icons.icon(mark) if mark else None
            if role == Qt.ItemDataRole.ToolTipRole:
                return cell_tooltip(cell)
            if role == Qt.ItemDataRole.BackgroundRole and _COLOURS[cell.timeliness][0]:
                return QBrush(QColor(_COLOURS[cell.timeliness][0]))
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor(_COLOURS[cell.timeliness][1]))
            if role == SortRole:
                return _ORDER[cell.timeliness] * 1_000_000 + (cell.received_on.toordinal() if cell.received_on else 0)
            if role == CellRole:
                return cell
            return None
        figure = self._figures[period_index - len(self._periods)]
        if role == Qt.ItemDataRole.DisplayRole:
            return figure.display(row)
        if role == SortRole:
            return figure.sort_key(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and figure.title != _("Plan"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and figure.title == _("Overdue") and row.figures.tasks_overdue:
            return QBrush(QColor("#991b1b"))
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return str(section + 1) if role == Qt.ItemDataRole.DisplayRole else None
        period_index = section - self.FIXED
        if role == Qt.ItemDataRole.DisplayRole:
            if section == 0:
                return _("Unit")
            if section == 1:
                return _("Kind")
            if period_index < len(self._periods):
                return period_heading(self._periods[period_index].period)
            if period_index - len(self._periods) < len(self._figures):
                return self._figures[period_index - len(self._periods)].title
        if role == Qt.ItemDataRole.ToolTipRole and 0 <= period_index < len(self._periods):
            return _("Deadline: {date}").format(date=format_date(self._periods[period_index].deadline))
        return None
