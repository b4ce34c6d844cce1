"""Nhiệm vụ: the progress of every task of the plan, with filters, search, sorting and totals.

Overdue tasks and tasks due within 7 days stand out by colour *and* by an icon and words.
Progress is edited in a small form (double-click, Enter or “Update progress…”); it is allowed
on an issued plan, since progress is not a change of the plan.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kehoach_desktop.domain.enums import PlanStatus, TaskStatus
from kehoach_desktop.domain.errors import ConcurrentEditError, UserFacingError
from kehoach_desktop.formats import format_date, format_number, format_vnd
from kehoach_desktop.i18n import _, ngettext, pgettext
from kehoach_desktop.services.plan_dto import ProgressBoard, ProgressFilter, ProgressTotal, TaskProgressRow
from kehoach_desktop.services.progress import OPEN, filter_progress, get_progress_board, progress_totals
from kehoach_desktop.services.progress import update_task_progress as save_progress
from kehoach_desktop.services.registers import get_history
from kehoach_desktop.services.session import WorkspaceSession
from kehoach_desktop.ui import icons
from kehoach_desktop.ui.dialogs.progress_dialog import ProgressDialog
from kehoach_desktop.ui.empty_state import EmptyState
from kehoach_desktop.ui.errors import show_user_error
from kehoach_desktop.ui.flow_layout import flow_row
from kehoach_desktop.ui.table_model import Column, DtoTableModel
from kehoach_desktop.ui.widgets import PageHeader, fit_header_texts, set_available, sortable_table

_Index = QModelIndex | QPersistentModelIndex
STATUS_ICONS = {"not_started": icons.NOT_STARTED, "in_progress": icons.IN_PROGRESS, "done": icons.CHECK,
                "overdue": icons.WARNING, "cancelled": icons.CROSS}
OVERDUE_BACKGROUND = QColor("#fde2e2")
DUE_SOON_BACKGROUND = QColor("#fff4d6")


def status_text(row: TaskProgressRow) -> str:
    return TaskStatus(row.status).label


def status_icon(row: TaskProgressRow) -> str:
    return STATUS_ICONS.get(row.status, "")


def due_text(row: TaskProgressRow) -> str:
    text = format_date(row.due_date)
    if row.status == TaskStatus.OVERDUE.value and row.days_left is not None and row.days_left < 0:
        late = -row.days_left
        text += " · " + ngettext("{n} day late", "{n} days late", late).format(n=late)
    elif row.due_soon and row.days_left is not None:
        text += " · " + (_("today") if row.days_left == 0 else ngettext(
            "in {n} day", "in {n} days", row.days_left).format(n=row.days_left))
    return text


def indicator_text(row: TaskProgressRow) -> str:
    if row.indicator_target is None and row.indicator_achieved is None:
        return ""
    achieved = format_number(row.indicator_achieved) if row.indicator_achieved is not None else "—"
    target = format_number(row.indicator_target) if row.indicator_target is not None else "—"
    return f"{achieved} / {target} {row.indicator_unit}".strip()


def progress_columns() -> list[Column[TaskProgressRow]]:
    order = {s.value: i for i, s in enumerate((TaskStatus.OVERDUE, TaskStatus.IN_PROGRESS, TaskStatus.NOT_STARTED,
                                                TaskStatus.DONE, TaskStatus.CANCELLED))}
    return [
        Column(_("Status"), status_text, lambda r: (order.get(r.status, 9), r.days_left or 0), icon=status_icon),
        Column(_("Task"), lambda r: r.content, lambda r: r.content.casefold(), tooltip=lambda r: r.content),
        Column(_("Theme"), lambda r: r.section_number, lambda r: (r.section_position, r.position),
               tooltip=lambda r: r.section_label),
        Column(_("Lead unit"), lambda r: r.lead_unit_name, tooltip=lambda r: r.lead_unit_name),
        Column(_("Due"), due_text, lambda r: r.due_date.toordinal() if r.due_date else 10**9,
               icon=lambda r: icons.DUE_SOON if r.due_soon and r.status != TaskStatus.OVERDUE.value else ""),
        Column(_("Done"), lambda r: f"{r.percent_done} %", lambda r: r.percent_done, numeric=True),
        Column(_("Indicator"), indicator_text, lambda r: r.indicator_achieved or 0, numeric=True),
        Column(_("Spent"), lambda r: format_vnd(r.spent), lambda r: r.spent, numeric=True,
               tooltip=lambda r: _("of a budget of {budget}").format(budget=format_vnd(r.budget))),
        Column(_("Updated"), lambda r: format_date(r.progress_updated_on),
               lambda r: r.progress_updated_on.toordinal() if r.progress_updated_on else 0),
        Column(_("Result"), lambda r: r.result_text.replace("\n", " "), tooltip=lambda r: r.result_text),
    ]


def total_columns(first: str) -> list[Column[ProgressTotal]]:
    return [
        Column(first, lambda t: t.label, tooltip=lambda t: t.label),
        Column(_("Tasks"), lambda t: format_number(t.tasks), lambda t: t.tasks, numeric=True),
        Column(_("Done"), lambda t: format_number(t.done), lambda t: t.done, numeric=True),
        Column(_("Overdue"), lambda t: format_number(t.overdue), lambda t: t.overdue, numeric=True),
        Column(_("Budget"), lambda t: format_vnd(t.budget), lambda t: t.budget, numeric=True),
        Column(pgettext("percentage", "Budget used"),
               lambda t: "" if t.budget_used_percent is None else f"{t.budget_used_percent} %",
               lambda t: t.budget_used_percent or 0, numeric=True),
    ]


class ProgressTableModel(DtoTableModel[TaskProgressRow]):
    """Rows of overdue tasks and of tasks due within 7 days are tinted (the text says it too)."""

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole and index.isValid() and 0 <= index.row() < self.rowCount():
            row = self.row_at(index.row())
            if row.status == TaskStatus.OVERDUE.value:
                return QBrush(OVERDUE_BACKGROUND)
            if row.due_soon:
                return QBrush(DUE_SOON_BACKGROUND)
            return None
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid() and index.column() == 0 \
                and 0 <= index.row() < self.rowCount():
            status = self.row_at(index.row()).status
            colour = {"overdue": "#991b1b", "done": "#166534", "cancelled": "#6b7280"}.get(status)
            return QBrush(QColor(colour)) if colour else None
        return super().data(index, role)


class TasksPage(QWidget):
    """Refreshes when a write touches any of RELEVANT_CHANGES; emits ``changed`` after a progress update."""

    RELEVANT_CHANGES = ("plan", "tasks", "units")
    changed = Signal(object)
    go_requested = Signal(str, str)  # an empty list's button asks for another page (main window: go_to)

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._board: ProgressBoard | None = None
        self._refresh_count = 0
        self.dialog: ProgressDialog | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 12)
        layout.setSpacing(6)
        self.header = PageHeader(_("Tasks"))
        layout.addWidget(self.header)

        self.search = QLineEdit()
        self.search.setObjectName("tasks_search")
        self.search.setPlaceholderText(_("Search — diacritics optional; separate several terms with commas"))
        self.search.setClearButtonEnabled(True)
        self.theme_filter = self._combo("filter_theme")
        self.unit_filter = self._combo("filter_unit")
        self.status_filter = self._combo("filter_status")
        self.due_filter = self._combo("filter_due")
        self.status_filter.addItem(_("All statuses"), None)
        self.status_filter.addItem(_("Open (not done or cancelled)"), OPEN)
        for status in TaskStatus:
            self.status_filter.addItem(icons.icon(STATUS_ICONS[status.value]), status.label, status.value)
        for label, value in ((_("Any due date"), None), (_("Overdue"), "overdue"),
                             (_("Due within 7 days"), "7days"), (_("Due within 30 days"), "30days"),
                             (_("No due date"), "none")):
            self.due_filter.addItem(label, value)
        self.clear_button = QPushButton(_("Clear filters"))
        self.clear_button.setObjectName("filter_clear")
        self.clear_button.clicked.connect(self.clear_filters)
        self.search.setMinimumWidth(260)
        for combo, length in ((self.theme_filter, 16), (self.unit_filter, 22), (self.status_filter, 16),
                              (self.due_filter, 18)):
            combo.setMinimumContentsLength(length)
        layout.addLayout(flow_row(self.search, self.theme_filter, self.unit_filter, self.status_filter,
                                  self.due_filter, self.clear_button))

        self.count_label = QLabel()
        self.count_label.setObjectName("tasks_count")
        self.update_button = QPushButton(_("Update progress…"))
        self.update_button.setObjectName("progress_update")
        self.update_button.clicked.connect(self.open_progress)
        self.update_button.setVisible(not getattr(session, "read_only", False))  # the city's view of a unit
        legend = icons.legend((icons.WARNING, _("overdue")), (icons.DUE_SOON, _("due within 7 days")),
                              (icons.CHECK, _("done")))
        info_buttons = [self.update_button]
        if not getattr(session, "read_only", False):
            # progress comes back from the units in Excel workbooks (File menu too)
            self.excel_export_button = QPushButton(_("Export to Excel…"))
            self.excel_export_button.setObjectName("tasks_excel_export")
            self.excel_export_button.clicked.connect(lambda: self.window().open_excel_export())
            self.excel_import_button = QPushButton(_("Import from Excel…"))
            self.excel_import_button.setObjectName("tasks_excel_import")
            self.excel_import_button.clicked.connect(lambda: self.window().open_excel_import())
            info_buttons += [self.excel_export_button, self.excel_import_button]
        layout.addLayout(flow_row(self.count_label, legend, right=tuple(info_buttons)))

        self.model = ProgressTableModel(progress_columns(), self)
        self.proxy, self.table = sortable_table(self.model, "progress_table", self)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        for column, width in enumerate((100, 225, 54, 140, 172, 50, 130, 105, 80, 260)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        fit_header_texts(self.table)
        self.table.doubleClicked.connect(lambda _index: self.open_progress())
        self.empty = EmptyState(self.table, object_name="tasks_empty")
        edit_action = QAction(self)
        edit_action.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        edit_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        edit_action.triggered.connect(self.open_progress)
        self.table.addAction(edit_action)

        self.theme_totals: DtoTableModel[ProgressTotal] = DtoTableModel(total_columns(_("Theme")), self)
        self.unit_totals: DtoTableModel[ProgressTotal] = DtoTableModel(total_columns(_("Lead unit")), self)
        self.totals = QTabWidget()
        self.totals.setObjectName("progress_totals")
        for model, name, title in ((self.theme_totals, "totals_by_theme", _("Totals by theme")),
                                   (self.unit_totals, "totals_by_unit", _("Totals by lead unit"))):
            view = QTableView()
            view.setObjectName(name)
            view.setModel(model)
            view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            view.verticalHeader().setVisible(False)
            view.verticalHeader().setDefaultSectionSize(24)
            view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            self.totals.addTab(view, title)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.totals)
        split.setSizes([470, 190])
        layout.addWidget(split, 1)

        self.search.textChanged.connect(self.apply_filter)
        for combo in (self.theme_filter, self.unit_filter, self.status_filter, self.due_filter):
            combo.currentIndexChanged.connect(self.apply_filter)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._update_buttons())
        self._update_buttons()

    def _combo(self, name: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setMinimumContentsLength(10)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        return combo

    # data ------------------------------------------------------------------------------------
    def refresh(self) -> None:
        self._refresh_count += 1
        self.show_board(get_progress_board(uow_factory=self._session.uow_factory, today=self._session.today()))

    def show_board(self, board: ProgressBoard) -> None:
        self._board = board
        for combo, items, any_label in ((self.theme_filter, board.themes, _("All themes")),
                                        (self.unit_filter, board.units, _("All lead units"))):
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(any_label, None)
            for key, label in items:
                combo.addItem(label, key)
                combo.setItemData(combo.count() - 1, label, Qt.ItemDataRole.ToolTipRole)
            combo.setCurrentIndex(max(0, combo.findData(chosen)))
            combo.blockSignals(False)
        if board.plan_id is None:
            subtitle = _("This workspace has no plan.")
        else:
            subtitle = _("Progress as of {date} — plan {status}, revision {revision}.").format(
                date=format_date(board.today), status=PlanStatus(board.plan_status).label.lower(),
                revision=board.plan_revision)
            if self._session.is_demo:
                subtitle += " " + _("This is a demo workspace: its data is invented, dated as of the demo's day.")
        self.header.set_subtitle(subtitle)
        self.apply_filter()

    def current_filter(self) -> ProgressFilter:
        return ProgressFilter(section_id=self.theme_filter.currentData(), lead_unit_id=self.unit_filter.currentData(),
                              status=self.status_filter.currentData(), due=self.due_filter.currentData(),
                              search=self.search.text())

    def apply_filter(self) -> None:
        rows = self._board.rows if self._board else ()
        selected = self.current_row()
        shown = filter_progress(rows, self.current_filter())
        self.model.set_rows(shown)
        by_theme, by_unit = progress_totals(shown)
        self.theme_totals.set_rows(by_theme)
        self.unit_totals.set_rows(by_unit)
        overdue = sum(r.status == TaskStatus.OVERDUE.value for r in shown)
        soon = sum(r.due_soon for r in shown)
        self.count_label.setText(_("Showing {shown} of {total} tasks — {overdue} overdue, {soon} due within "
                                   "7 days").format(shown=format_number(len(shown)), total=format_number(len(rows)),
                                                    overdue=format_number(overdue), soon=format_number(soon)))
        if not (selected is not None and self.select_task(selected.id)) and self.proxy.rowCount():
            self.table.selectRow(0)
        self._update_buttons()
        self._show_empty_state(bool(rows), bool(shown))

    def _show_empty_state(self, any_task: bool, any_shown: bool) -> None:
        if any_shown:
            self.empty.clear()
        elif any_task:
            self.empty.show_message(_("No task matches the filters."), _("Clear filters"), self.clear_button.click)
        elif getattr(self._session, "read_only", False):
            self.empty.show_message(_("This unit's plan has no task."))
        else:
            self.empty.show_message(
                _("The plan has no task yet. Tasks are written on the Plan page, under each theme or form of "
                  "propaganda; their progress is followed here."), _("Go to “{page}”").format(page=_("Plan")),
                lambda: self.go_requested.emit("plan", ""))

    def clear_filters(self) -> None:
        for combo in (self.theme_filter, self.unit_filter, self.status_filter, self.due_filter):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.search.clear()
        self.apply_filter()

    def visible_rows(self) -> list[TaskProgressRow]:
        """The rows in the order shown (after sorting)."""
        return [self.model.row_at(self.proxy.mapToSource(self.proxy.index(i, 0)).row())
                for i in range(self.proxy.rowCount())]

    def current_row(self) -> TaskProgressRow | None:
        index = self.table.selectionModel().currentIndex()
        if not index.isValid():
            return None
        return self.model.row_at(self.proxy.mapToSource(index).row())

    def select_task(self, task_id: str) -> bool:
        for i in range(self.proxy.rowCount()):
            index = self.proxy.index(i, 0)
            if self.model.row_at(self.proxy.mapToSource(index).row()).id == task_id:
                self.table.selectRow(i)
                self.table.setCurrentIndex(index)
                return True
        return False

    def _update_buttons(self) -> None:
        set_available(self.update_button, "" if self.current_row() is not None else
                      _("Select a task in the list first."))

    # progress --------------------------------------------------------------------------------
    def open_progress(self) -> ProgressDialog | None:
        row = self.current_row()
        if row is None or getattr(self._session, "read_only", False):
            return None
        dialog = ProgressDialog(row, today=self._session.today(), parent=self,
                                history=get_history(uow_factory=self._session.uow_factory, entity_id=row.id))
        dialog.accepted.connect(lambda: self._save(row.id, dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _save(self, task_id: str, dialog: ProgressDialog) -> None:
        update = dialog.progress_update()
        if update is None:
            return
        try:
            changes = save_progress(uow_factory=self._session.uow_factory, task_id=task_id, update=update,
                                    expected_version=dialog.version)
        except UserFacingError as error:
            show_user_error(self, error)
            if isinstance(error, ConcurrentEditError):
                self.refresh()  # the table shows the newer progress
            return
        before = self._refresh_count
        self.changed.emit(changes)  # the main window refreshes the pages that show tasks, this one included
        if self._refresh_count == before:
            self.refresh()
        self.select_task(task_id)
