"""What both registers' pages share: filter bar, a table paged from SQL, totals, actions, undo, export.

Filtering, sorting and totals run in SQL on every refresh; the table fetches further pages as
it scrolls. Every write goes through the services and is pushed on the page's undo stack
(Ctrl+Z / Ctrl+Shift+Z) as a command holding the before and after values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kehoach_desktop.domain.errors import UserFacingError
from kehoach_desktop.exchange.excel_view import ViewColumn, write_view
from kehoach_desktop.formats import format_date
from kehoach_desktop.i18n import _
from kehoach_desktop.services.changes import Changes
from kehoach_desktop.services.registers import Page, SortSpec, ThemeChoice, Totals
from kehoach_desktop.services.session import WorkspaceSession
from kehoach_desktop.ui.empty_state import EmptyState
from kehoach_desktop.ui.errors import show_user_error
from kehoach_desktop.ui.flow_layout import flow_row
from kehoach_desktop.ui.folders import DocumentFolders, DoneNotice, FileKind
from kehoach_desktop.ui.input_fields import OptionalDateEdit, calendar_day
from kehoach_desktop.ui.models.paged_model import PagedTableModel, RegisterColumn
from kehoach_desktop.ui.plan_undo import ServiceCommand, Write
from kehoach_desktop.ui.tasks import TaskRunner
from kehoach_desktop.ui.widgets import PageHeader, fit_header_texts, set_available

SEARCH_PAUSE_MS = 250


def versions_of(rows: Iterable[Any]) -> dict[str, int]:
    """The version of each row as the list shows it (to refuse a change over someone else's newer one)."""
    return {row.id: row.version for row in rows}


def choice_combo(name: str, all_label: str, choices: Iterable[tuple[str | None, str]]) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.addItem(all_label, None)
    for value, label in choices:
        combo.addItem(label, value)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    return combo


class UndoButton(QPushButton):
    """Takes back the last change of ``stack``; its tooltip names that change.

    The stack's signals reach the button's own slots, so they stop when the button is deleted: the stack
    signals once more as it is deleted itself, and at exit Python deletes widgets in no particular order.
    """

    def __init__(self, stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(_("Undo"), parent)
        self.setEnabled(stack.canUndo())
        self.clicked.connect(stack.undo)
        stack.canUndoChanged.connect(self.setEnabled)
        stack.undoTextChanged.connect(self._on_undo_text_changed)

    def _on_undo_text_changed(self, text: str) -> None:
        self.setToolTip(_("Undo: {action}").format(action=text) if text else "")


class RegisterPage(QWidget):
    """Subclasses give the columns, the filter, the queries, the dialogs and the writes."""

    changed = Signal(object)  # Changes
    ENTITY = ""  # "materials" or "events": the Changes flag this page shows

    def __init__(self, session: WorkspaceSession, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._uow = session.uow_factory
        self._sort = self.default_sort()
        self._skip_refresh = False
        self._themes: tuple[ThemeChoice, ...] = ()
        self.shown_totals: Totals | None = None
        self._shown_filter: Any = None
        self.undo_stack = QUndoStack(self)
        self.runner = TaskRunner(self)
        self.last_export: Path | None = None
        self.folders = DocumentFolders(session)

        self.header = PageHeader(title)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(_("Search (with or without diacritics)…"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(220)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_PAUSE_MS)
        self._search_timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.theme_filter = choice_combo("theme_filter", _("All themes"), ())
        self.ward_filter = choice_combo("ward_filter", _("All localities"), ())
        self.date_from = OptionalDateEdit()
        self.date_from.setObjectName("date_from")
        self.date_to = OptionalDateEdit()
        self.date_to.setObjectName("date_to")
        opens_on = calendar_day(getattr(session.summary(), "template_year", None), session.today())
        for edit in (self.date_from, self.date_to):
            edit.open_calendar_on(opens_on)
            edit.dateChanged.connect(lambda _d: self.apply_filters())
        self.clear_button = QPushButton(_("Clear filters"))
        self.clear_button.setObjectName("clear_filters")
        self.clear_button.clicked.connect(self.clear_filters)
        self._filters = self.make_filter_widgets()
        self._extra_filters = self.make_extra_filter_widgets()

        filters_top = QHBoxLayout()
        filters_top.addWidget(self.search, 2)
        for widget in self._filters:
            filters_top.addWidget(widget, 1)
        self.theme_filter.setMinimumContentsLength(24)
        self.ward_filter.setMinimumContentsLength(18)
        dates = QWidget()  # the label and both ends of the range wrap together
        dates_layout = QHBoxLayout(dates)
        dates_layout.setContentsMargins(0, 0, 0, 0)
        for widget in (QLabel(self.date_range_label()), self.date_from, QLabel("–"), self.date_to):
            dates_layout.addWidget(widget)
        filters_bottom = flow_row(self.theme_filter, self.ward_filter, dates, *self._extra_filters, self.clear_button)
        for combo in (self.theme_filter, self.ward_filter, *self._filters):
            if isinstance(combo, QComboBox):
                combo.currentIndexChanged.connect(lambda _i: self.apply_filters())

        self.add_button = QPushButton(_("Add…"))
        self.add_button.setObjectName("add")
        self.add_button.clicked.connect(self.add_record)
        self.edit_button = QPushButton(_("Open…"))
        self.edit_button.setObjectName("edit")
        self.edit_button.clicked.connect(self.edit_current)
        self.status_button = QPushButton(_("Change status…"))
        self.status_button.setObjectName("bulk_status")
        self.status_button.clicked.connect(self.change_status_of_selection)
        self.delete_button = QPushButton(_("Delete"))
        self.delete_button.setObjectName("delete")
        self.delete_button.clicked.connect(self.delete_selection)
        self.export_button = QPushButton(_("Export to Excel…"))
        self.export_button.setObjectName("export")
        self.export_button.clicked.connect(self.export_view)
        self.undo_button = UndoButton(self.undo_stack)
        self.undo_button.setObjectName("undo")
        actions = flow_row(self.add_button, self.edit_button, self.status_button, self.delete_button,
                           right=(self.undo_button, self.export_button))
        self.read_only = bool(getattr(session, "read_only", False))  # the city's view of a unit's register
        for button in (self.add_button, self.status_button, self.delete_button, self.undo_button,
                       self.export_button):
            button.setVisible(not self.read_only)

        self.model: PagedTableModel[Any] = PagedTableModel(self.columns(), self, highlight=self.highlight)
        self.model.sort_requested.connect(self._on_model_sort_requested)
        self.table = QTableView()
        self.table.setObjectName("register_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSortIndicatorShown(True)
        header.setSectionsClickable(True)
        header.setStretchLastSection(False)
        for index, column in enumerate(self.model.columns):
            if column.width:
                self.table.setColumnWidth(index, column.width)
        header.setSectionResizeMode(self.stretch_column(), QHeaderView.ResizeMode.Stretch)
        fit_header_texts(self.table)
        sort_column = next((i for i, c in enumerate(self.model.columns) if c.sort_key == self._sort.key), -1)
        header.setSortIndicator(sort_column, Qt.SortOrder.DescendingOrder if self._sort.descending
                                else Qt.SortOrder.AscendingOrder)
        header.sortIndicatorChanged.connect(self.model.sort)
        self.table.doubleClicked.connect(lambda _index: self.edit_current())
        self.empty = EmptyState(self.table, object_name="register_empty")
        self.table.selectionModel().selectionChanged.connect(lambda _selected, _deselected: self._update_buttons())
        self.footer = QLabel()
        self.footer.setObjectName("totals_footer")
        self.footer.setProperty("role", "page-subtitle")
        self.footer.setWordWrap(True)

        undo = QAction(_("Undo"), self)
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        undo.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        undo.triggered.connect(self.undo_stack.undo)
        redo = QAction(_("Redo"), self)
        redo.setShortcuts([QKeySequence.StandardKey.Redo, QKeySequence("Ctrl+Shift+Z")])
        redo.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        redo.triggered.connect(self.undo_stack.redo)
        self.addActions([undo, redo])

        self.body = QVBoxLayout()
        self.body.addWidget(self.header)
        self.body.addLayout(filters_top)
        self.body.addLayout(filters_bottom)
        self.body.addLayout(actions)
        self.done_notice = DoneNotice(object_name="export_done")
        self.body.addWidget(self.done_notice)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 12)
        layout.addLayout(self.body)
        layout.addWidget(self.main_area(), 1)
        layout.addWidget(self.footer)

    # what subclasses give ------------------------------------------------------------------
    def columns(self) -> list[RegisterColumn[Any]]:
        raise NotImplementedError

    def default_sort(self) -> SortSpec:
        return SortSpec("updated_at", descending=True)

    def make_filter_widgets(self) -> list[QWidget]:
        """Combo boxes shown beside the search field (type, status)."""
        return []

    def make_extra_filter_widgets(self) -> list[QWidget]:
        """Widgets shown after the date range; they call :meth:`apply_filters` themselves."""
        return []

    def date_range_label(self) -> str:
        return _("Dates")

    def stretch_column(self) -> int:
        return 1

    def main_area(self) -> QWidget:
        return self.table

    def highlight(self, row: Any) -> str | None:
        return None

    def empty_register_text(self) -> str:
        """What the register holds, said while it holds nothing yet."""
        raise NotImplementedError

    def current_filter(self) -> Any:
        raise NotImplementedError

    def query(self, flt: Any, sort: SortSpec, after: tuple[Any, Any] | None, matching: int | None) -> Page:
        """A page of the view; ``matching`` is the row count of the filter (from the totals)."""
        raise NotImplementedError

    def totals(self, flt: Any) -> Totals:
        raise NotImplementedError

    def totals_text(self, totals: Totals) -> str:
        raise NotImplementedError

    def load_choices(self) -> tuple[tuple[ThemeChoice, ...], tuple[str, ...]]:
        raise NotImplementedError

    def open_dialog(self, record: Any | None) -> None:
        raise NotImplementedError

    def export_heading(self) -> str:
        raise NotImplementedError

    def iter_view(self, flt: Any, sort: SortSpec) -> Iterable[Any]:
        raise NotImplementedError

    def run_bulk_status(self, rows: list[Any]) -> None:
        raise NotImplementedError

    def write_delete(self, ids: list[str], expected_versions: dict[str, int] | None = None) -> Changes:
        """Delete the rows; ``expected_versions``: those the list showed (None: an undo or redo)."""
        raise NotImplementedError

    def refuse(self, error: UserFacingError) -> None:
        """Say why a change of the selection was refused, then show the rows as they are now
        (someone else may have changed or deleted some of them)."""
        show_user_error(self, error)
        self.refresh()

    def write_undelete(self, ids: list[str]) -> Changes:
        raise NotImplementedError

    # refresh -----------------------------------------------------------------------------
    def refresh(self) -> None:
        if self._skip_refresh:
            return
        self._reload_choices()
        self.apply_filters()

    def _reload_choices(self) -> None:
        themes, wards = self.load_choices()
        self._themes = themes
        for combo, items in ((self.theme_filter, [(t.id, "  " * t.depth + t.label) for t in themes]),
                             (self.ward_filter, [(w, w) for w in wards])):
            current = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for value, label in items:
                combo.addItem(label, value)
            combo.setCurrentIndex(max(combo.findData(current), 0))
            combo.blockSignals(False)

    def apply_filters(self) -> None:
        """Query the first page and the totals of the current filter and sort (in SQL)."""
        self._search_timer.stop()
        flt = self.current_filter()
        self.shown_totals = self.totals(flt)
        self._shown_filter = flt
        self.footer.setText(self.totals_text(self.shown_totals))
        self._show_first_page(flt, self.shown_totals.count)
        self._show_empty_state()
        self._update_buttons()

    def filters_active(self) -> bool:
        combos = [c for c in (self.theme_filter, self.ward_filter, *self._filters) if isinstance(c, QComboBox)]
        checks = [w for w in self._extra_filters if isinstance(w, QCheckBox)]
        return (bool(self.search.text().strip()) or any(c.currentIndex() > 0 for c in combos)
                or any(d.value() is not None for d in (self.date_from, self.date_to))
                or any(c.isChecked() for c in checks))

    def _show_empty_state(self) -> None:
        if self.shown_totals is None or self.shown_totals.count:
            self.empty.clear()
        elif self.filters_active():
            self.empty.show_message(_("No row matches the filters."), _("Clear filters"), self.clear_button.click)
        elif self.read_only:
            self.empty.show_message(self.empty_register_text())
        else:
            self.empty.show_message(self.empty_register_text(), _("Add…"), self.add_button.click)

    def _update_buttons(self) -> None:
        """The actions on rows need rows: each says what to do first when it cannot apply."""
        chosen = _("Select one or more rows first.") if not self.table.selectionModel().hasSelection() else ""
        for button in (self.edit_button, self.status_button, self.delete_button):
            set_available(button, chosen)
        empty = self.shown_totals is not None and self.shown_totals.count == 0
        set_available(self.export_button, _("Nothing to export: no row matches the filters.") if empty else "")

    def _show_first_page(self, flt: Any, matching: int) -> None:
        sort = self._sort
        self.model.reset(lambda after: self.query(flt, sort, after, matching), self.query(flt, sort, None, matching))

    def clear_filters(self) -> None:
        widgets = [self.search, self.theme_filter, self.ward_filter, self.date_from, self.date_to,
                   *self._filters, *self._extra_filters]
        for widget in widgets:
            widget.blockSignals(True)
        self.search.clear()
        for combo in (self.theme_filter, self.ward_filter, *self._filters):
            if isinstance(combo, QComboBox):
                combo.setCurrentIndex(0)
        for edit in (self.date_from, self.date_to):
            edit.set_value(None)
        self.reset_extra_filters()
        for widget in widgets:
            widget.blockSignals(False)
        self.apply_filters()

    def reset_extra_filters(self) -> None:
        pass

    def _on_model_sort_requested(self, sort: SortSpec) -> None:
        self._sort = sort
        flt = self.current_filter()
        if flt == self._shown_filter and self.shown_totals is not None:
            self._show_first_page(flt, self.shown_totals.count)  # the same rows in another order: same totals
        else:
            self.apply_filters()

    def theme_label(self, section_id: str | None) -> str:
        if section_id is None:
            return ""
        return next((t.number or t.title for t in self._themes if t.id == section_id), "")

    def theme_title(self, section_id: str | None) -> str:
        return next((t.label for t in self._themes if t.id == section_id), "")

    # selection ---------------------------------------------------------------------------
    def selected_rows(self) -> list[Any]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.row_at(r) for r in rows]

    def current_row(self) -> Any | None:
        index = self.table.currentIndex()
        if index.isValid():
            return self.model.row_at(index.row())
        selected = self.selected_rows()
        return selected[0] if selected else None

    def select_id(self, record_id: str) -> None:
        row = self.model.row_of(record_id)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    # writes ------------------------------------------------------------------------------
    def notify(self, changes: Changes) -> None:
        """Refresh this page, then let the others know (the main window must not refresh it twice)."""
        if not changes.touches(*self.relevant_changes()):
            self.changed.emit(changes)
            return
        self.refresh()
        self._skip_refresh = True
        try:
            self.changed.emit(changes)
        finally:
            self._skip_refresh = False

    def relevant_changes(self) -> tuple[str, ...]:
        return getattr(self, "RELEVANT_CHANGES", ())

    def push(self, text: str, *, undo: Write, redo: Write, changes: Changes) -> None:
        """Record a write already made, so that Ctrl+Z takes it back."""
        self.undo_stack.push(ServiceCommand(text, undo=undo, redo=redo, notify=self.notify,
                                            on_error=lambda error: show_user_error(self, error)))
        self.notify(changes)

    def add_record(self) -> None:
        self.open_dialog(None)

    def edit_current(self) -> None:
        row = self.current_row()
        if row is not None:
            self.open_dialog(row)

    def change_status_of_selection(self) -> None:
        rows = self.selected_rows()
        if not rows:
            QMessageBox.information(self, self.header.title.text(), _("Select one or more rows first."))
            return
        self.run_bulk_status(rows)

    def delete_selection(self) -> None:
        rows = self.selected_rows()
        if not rows:
            return
        answer = QMessageBox.question(self, _("Delete"), _(
            "Delete the {n} selected row(s)? They stay in the audit log, and Undo brings them back.").format(
            n=len(rows)))
        if answer != QMessageBox.StandardButton.Yes:
            return
        ids = [row.id for row in rows]
        try:
            changes = self.write_delete(ids, versions_of(rows))
        except UserFacingError as error:
            self.refuse(error)
            return
        self.push(_("Delete {n} row(s)").format(n=len(ids)), undo=lambda: self.write_undelete(ids),
                  redo=lambda: self.write_delete(ids), changes=changes)

    # export ------------------------------------------------------------------------------
    def export_view(self) -> None:
        suggested = self.folders.suggest(FileKind.EXPORTS,
                                         f"{self.export_file_stem()}-{self._session.today().isoformat()}.xlsx")
        name, _filter = QFileDialog.getSaveFileName(self, _("Export to Excel"), str(suggested),
                                                    _("Excel workbook (*.xlsx)"))
        if name:
            self.folders.remember(FileKind.EXPORTS, Path(name))
            self.export_to(Path(name))

    def export_file_stem(self) -> str:
        return "export"

    def export_to(self, path: Path, *, wait: bool = False) -> None:
        """Write every row of the current view (all pages) in the background."""
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        flt, sort = self.current_filter(), self._sort
        columns = list(self.model.columns)
        heading = self.export_heading()
        sheet_title = self.header.title.text()
        # the footer's totals, unless the filter moved on since (a search typed, its timer not yet fired)
        totals = self.shown_totals if self.shown_totals is not None and flt == self._shown_filter else self.totals(flt)
        view_columns = [ViewColumn(c.title, c.export_kind, max(10, (c.width or 120) / 7)) for c in columns]
        total_row = self.export_totals_row(totals, columns)

        def work() -> int:
            rows = ([c.export(r) if c.export else c.display(r) for c in columns] for r in self.iter_view(flt, sort))
            return write_view(path, sheet_title=sheet_title, heading=heading, columns=view_columns,
                              rows=rows, totals=total_row)

        progress = QProgressDialog(_("Writing {name}…").format(name=path.name), "", 0, 0, self)
        progress.setCancelButton(None)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(500)

        def done(count: int) -> None:
            progress.close()
            self.last_export = path
            self.done_notice.show_done(_("{n} rows written to {path}.").format(n=count, path=path), path)

        def failed(error: BaseException) -> None:
            progress.close()
            if isinstance(error, OSError):
                error = UserFacingError(_("The file {path} cannot be written: {reason}").format(
                    path=path, reason=error.strerror or error))
            if isinstance(error, UserFacingError):
                show_user_error(self, error)
            else:
                raise error

        self.runner.run(work, on_done=done, on_error=failed)
        if wait:
            self.runner.wait()

    def export_totals_row(self, totals: Totals, columns: Sequence[RegisterColumn[Any]]) -> list[Any]:
        return [None] * len(columns)

    # helpers for subclasses ------------------------------------------------------------------
    @staticmethod
    def date_text(value: dt.date | None) -> str:
        return format_date(value)

    @staticmethod
    def qdate(value: dt.date) -> QDate:
        return QDate(value.year, value.month, value.day)

