"""Tình hình nộp báo cáo: the completeness board — every reporting unit × reporting period, with each unit's figures.

The city reviews each report here (accept, or return with a reason), opens any unit read-only,
and writes reminder letters to the units that have not reported.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kehoach_desktop.domain.enums import MaterialStatus, MaterialType
from kehoach_desktop.domain.errors import UserFacingError
from kehoach_desktop.domain.periods import period_heading, period_label
from kehoach_desktop.domain.reporting import Timeliness
from kehoach_desktop.formats import format_date, format_number, format_vnd
from kehoach_desktop.i18n import _, ngettext
from kehoach_desktop.services.changes import Changes
from kehoach_desktop.services.city_board import BoardCache, get_completeness_board
from kehoach_desktop.services.city_dto import CompletenessBoard, UnitBoardRow, UnitFigures
from kehoach_desktop.services.session import WorkspaceSession
from kehoach_desktop.ui import icons
from kehoach_desktop.ui.errors import show_user_error
from kehoach_desktop.ui.folders import DocumentFolders, DoneNotice, FileKind
from kehoach_desktop.ui.models.board_model import BoardTableModel, SortRole
from kehoach_desktop.ui.widgets import PageHeader, set_available


def figures_text(figures: UnitFigures) -> str:
    types = ", ".join(f"{MaterialType(c.code).label} {format_number(c.count)}" for c in figures.materials_by_type)
    statuses = ", ".join(f"{MaterialStatus(c.code).label} {format_number(c.count)}"
                         for c in figures.materials_by_status)
    return "\n".join((
        _("Tasks: {total} — done {done}, in progress {progress}, overdue {overdue}.").format(
            total=format_number(figures.tasks_total), done=format_number(figures.tasks_done),
            progress=format_number(figures.tasks_in_progress), overdue=format_number(figures.tasks_overdue)),
        _("Visual materials: {count} records, {quantity} pieces. By type: {types}.").format(
            count=format_number(figures.materials_total), quantity=format_number(figures.materials_quantity),
            types=types or "—"),
        _("By status: {statuses}.").format(statuses=statuses or "—"),
        _("Events: {held} held of {total}, {participants} participants. Budget: {spent} used of {planned}.").format(
            held=format_number(figures.events_held), total=format_number(figures.events_total),
            participants=format_number(figures.participants), spent=format_vnd(figures.budget_spent),
            planned=format_vnd(figures.budget_planned)),
    ))


class BoardPage(QWidget):
    RELEVANT_CHANGES = ("packages", "workspace", "plan", "tasks", "materials", "events")
    changed = Signal(object)  # Changes

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.folders = DocumentFolders(session)
        self.board: CompletenessBoard | None = None
        self._cache = BoardCache()  # each unit's figures until a new package of it arrives
        self._fitted_to = ""  # the template whose columns were fitted to their contents
        self.dialog: QWidget | None = None  # the dialog opened last
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 12)
        layout.setSpacing(6)
        self.header = PageHeader(_("Completeness board"))
        layout.addWidget(self.header)

        filters = QHBoxLayout()
        self.kind_filter = QComboBox()
        self.kind_filter.setObjectName("kind_filter")
        self.kind_filter.addItem(_("All kinds"), "")
        self.kind_filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.search = QLineEdit()
        self.search.setObjectName("unit_search")
        self.search.setPlaceholderText(_("Find a unit (code or name, diacritics optional)"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self.refresh())
        self.period = QComboBox()
        self.period.setObjectName("period_choice")
        self.period.setToolTip(_("The period the review and the reminders are about"))
        filters.addWidget(QLabel(_("Kind:")))
        filters.addWidget(self.kind_filter)
        filters.addWidget(self.search, 1)
        filters.addWidget(QLabel(_("Period:")))
        filters.addWidget(self.period)
        layout.addLayout(filters)

        self.model = BoardTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SortRole)
        self.table = QTableView()
        self.table.setObjectName("board_table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # the template's order (official codes)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        # columns fit their contents judged on the first rows: measuring 126 rows × 20 columns on every
        # refresh took a second (tests/bench/bench_city_126.py)
        self.table.horizontalHeader().setResizeContentsPrecision(40)
        self.table.doubleClicked.connect(lambda _index: self.open_unit())
        self.table.selectionModel().currentChanged.connect(lambda current, _previous: self._on_current_changed())
        layout.addWidget(self.table, 1)

        self.legend = icons.legend((icons.WARNING, _("missing: the deadline has passed and nothing arrived")),
                                   (icons.CHECK, _("accepted by the city")),
                                   ("", "· " + _("date received · package number")))
        layout.addWidget(self.legend)
        self.details = QLabel()
        self.details.setObjectName("unit_details")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setMinimumHeight(self.details.fontMetrics().lineSpacing() * 6 + 8)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.details)

        actions = QHBoxLayout()
        self.open_button = QPushButton(_("Open the unit…"))
        self.open_button.setObjectName("open_unit")
        self.open_button.clicked.connect(self.open_unit)
        self.accept_button = QPushButton(_("Accept the report"))
        self.accept_button.setObjectName("accept_report")
        self.accept_button.clicked.connect(lambda: self.accept_report())
        self.return_button = QPushButton(_("Return the report…"))
        self.return_button.setObjectName("return_report")
        self.return_button.clicked.connect(lambda: self.return_report())  # clicked(bool) is not a reason
        self.remind_button = QPushButton(_("Reminder letters…"))
        self.remind_button.setObjectName("reminders")
        self.remind_button.clicked.connect(lambda: self.write_reminders())  # clicked(bool) is not a folder
        for button in (self.open_button, self.accept_button, self.return_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.remind_button)
        layout.addLayout(actions)
        self.done_notice = DoneNotice(object_name="reminders_written")
        layout.addWidget(self.done_notice)
        self.totals = QLabel()
        self.totals.setObjectName("board_totals")
        self.totals.setWordWrap(True)
        self.totals.setMinimumHeight(self.totals.fontMetrics().lineSpacing() * 2 + 6)
        layout.addWidget(self.totals)
        self._update_buttons()

    # data --------------------------------------------------------------------------------------
    def refresh(self) -> None:
        board = get_completeness_board(uow_factory=self._session.uow_factory, today=self._session.today(),
                                       kind=self.kind_filter.currentData() or None, search=self.search.text(),
                                       cache=self._cache)
        self.show_board(board)

    def show_board(self, board: CompletenessBoard) -> None:
        selected = self.current_unit()
        self.board = board
        if self.kind_filter.count() == 1:
            self.kind_filter.blockSignals(True)
            for kind in board.kinds:
                self.kind_filter.addItem(kind[:1].upper() + kind[1:], kind)
            self.kind_filter.blockSignals(False)
        if self.period.count() == 0:
            for column in board.periods:
                self.period.addItem(_("{period} (deadline {date})").format(
                    period=period_heading(column.period), date=format_date(column.deadline)), column.period)
            due = [i for i, c in enumerate(board.periods) if c.deadline < board.today]
            self.period.setCurrentIndex(due[-1] if due else 0)
        self.header.set_subtitle(_("Template {code} ({year}), {term}; report to {agency}. As of {date}.").format(
            code=board.template_code, year=board.template_year, term=board.unit_term, agency=board.receiving_agency,
            date=format_date(board.today)))
        self.model.set_board(board.periods, board.rows)
        header = self.table.horizontalHeader()
        if self._fitted_to != board.template_code:  # fitted once a year, then the widths are the user's
            self._fitted_to = board.template_code
            header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
            self.table.resizeColumnsToContents()
            self.table.setColumnWidth(0, 170)
        late = sum(1 for r in board.rows for c in r.cells if c.timeliness == Timeliness.MISSING.value)
        t = board.totals
        self.totals.setText(_("{units} units shown · {missing} reports overdue · plans issued {issued} · tasks done "
                              "{done}/{tasks}, overdue {overdue} · materials {materials} · events held {held}, "
                              "{participants} participants · budget {spent} used of {planned}").format(
            units=len(board.rows), missing=late, issued=t.plans_issued, done=format_number(t.tasks_done),
            tasks=format_number(t.tasks_total), overdue=format_number(t.tasks_overdue),
            materials=format_number(t.materials_total), held=format_number(t.events_held),
            participants=format_number(t.participants), spent=format_vnd(t.budget_spent),
            planned=format_vnd(t.budget_planned)))
        if selected is not None:
            self.select_unit(selected.code)
        self._on_current_changed()

    # selection ---------------------------------------------------------------------------------
    def current_unit(self) -> UnitBoardRow | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.row_at(self.proxy.mapToSource(index).row())

    def current_period(self) -> str:
        index = self.table.currentIndex()
        if index.isValid():
            period = self.model.period_of_column(self.proxy.mapToSource(index).column())
            if period is not None:
                return period
        return str(self.period.currentData() or "")

    def select_unit(self, code: str, period: str | None = None) -> bool:
        column = 0
        if period is not None and self.board is not None:
            column = self.model.FIXED + [p.period for p in self.board.periods].index(period)
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, column)
            if self.model.row_at(self.proxy.mapToSource(index).row()).code == code:
                self.table.setCurrentIndex(index)
                return True
        return False

    def _on_current_changed(self) -> None:
        row = self.current_unit()
        period = self.current_period()
        if period and self.period.findData(period) >= 0:
            self.period.setCurrentIndex(self.period.findData(period))
        if row is None:
            self.details.setText(_("Select a unit to see its figures; double-click to open it."))
        else:
            cell = row.cell(period)
            state = ""
            if cell is not None:
                state = _("{period}: {state}").format(period=period_heading(period),
                                                      state=Timeliness(cell.timeliness).label)
                if cell.reason:
                    state += " — " + _("returned because: {reason}").format(reason=cell.reason)
            self.details.setText(f"<b>{row.display_name}</b> ({row.code}) · {state}<br>" +
                                 figures_text(row.figures).replace("\n", "<br>"))
        self._update_buttons()

    def _update_buttons(self) -> None:
        """Each decision says what it needs when it cannot apply: a unit, a report received, no same decision."""
        row = self.current_unit()
        period = self.current_period()
        cell = row.cell(period) if row is not None else None
        why_not = (_("Select a unit in the table first.") if row is None else
                   _("No report of {unit} for {period} has arrived.").format(unit=row.display_name,
                                                                             period=period_label(period))
                   if cell is None or cell.package_id is None else "")
        set_available(self.open_button, _("Select a unit in the table first.") if row is None else "")
        set_available(self.accept_button, why_not or (
            _("This report is already accepted.") if cell.decision == "accepted" else ""))  # type: ignore[union-attr]
        set_available(self.return_button, why_not or (
            _("This report was already returned.") if cell.decision == "returned" else ""))  # type: ignore[union-attr]

    # actions -----------------------------------------------------------------------------------
    def open_unit(self) -> QDialog | None:
        from kehoach_desktop.ui.dialogs.drilldown_dialog import DrillDownDialog

        row = self.current_unit()
        if row is None:
            return None
        dialog = DrillDownDialog(self._session, unit_code=row.code, unit_name=row.display_name, parent=self)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _review(self, decision: str) -> QDialog | None:
        """Open the review of the selected report; the board refreshes when it was applied."""
        from kehoach_desktop.ui.dialogs.review_dialog import ReviewDialog

        row = self.current_unit()
        period = self.current_period()
        cell = row.cell(period) if row is not None else None
        if row is None or cell is None or cell.package_id is None or cell.sequence is None:
            return None
        dialog = ReviewDialog(self._session, unit_code=row.code, unit_name=row.display_name, period=period,
                              sequence=cell.sequence, decision=decision,
                              folder=self.folders.start(FileKind.PACKAGES), parent=self)
        dialog.accepted.connect(lambda: self._on_reviewed(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _on_reviewed(self, dialog: QDialog) -> None:
        done = dialog.done_review  # type: ignore[attr-defined]
        self.refresh()
        self.select_unit(done.unit_code, done.period)
        self.changed.emit(done.changes | Changes(packages=True))  # before the message: a refresh rewrites it
        self.details.setText(done.message)
        if done.receipt is not None:
            self.folders.remember(FileKind.PACKAGES, done.receipt.path)
            self.done_notice.show_done(_("Receipt written to {path}: send it to the unit.").format(
                path=done.receipt.path), Path(done.receipt.path))

    def accept_report(self) -> QDialog | None:
        return self._review("accepted")

    def return_report(self) -> QDialog | None:
        return self._review("returned")

    def write_reminders(self, folder: Path | None = None, *, combined: bool | None = None,
                        word: bool = False) -> list[Path]:
        """The reminder letters, numbered and kept in the register; or, when the officer ticks it in the question
        (or ``word``), their Word drafts to review first, marked DỰ THẢO and taking no number."""
        from kehoach_desktop.services.city_reports import write_reminders

        period = self.current_period()
        if folder is None:
            chosen = QFileDialog.getExistingDirectory(self, _("Folder for the reminder letters"),
                                                      str(self.folders.start(FileKind.REPORTS)))
            if not chosen:
                return []
            folder = Path(chosen)
            self.folders.remember(FileKind.REPORTS, folder)
        if combined is None:
            box = QMessageBox(QMessageBox.Icon.Question, _("Reminder letters"),
                              _("One letter addressed to all the units concerned, or one letter per unit?"),
                              parent=self)
            one = box.addButton(_("One letter to all"), QMessageBox.ButtonRole.AcceptRole)
            box.addButton(_("One per unit"), QMessageBox.ButtonRole.AcceptRole)
            box.addButton(QMessageBox.StandardButton.Cancel)
            drafts = QCheckBox(_("Word drafts (.docx) to review first: not numbered, not in the register"))
            drafts.setObjectName("reminder_word_drafts")
            drafts.setChecked(word)
            box.setCheckBox(drafts)
            box.exec()
            if box.clickedButton() not in [b for b in box.buttons()
                                           if box.buttonRole(b) == QMessageBox.ButtonRole.AcceptRole]:
                return []
            combined = box.clickedButton() is one
            word = drafts.isChecked()
        try:
            paths = write_reminders(uow_factory=self._session.uow_factory, period=period, folder=folder,
                                    today=self._session.today(), combined=combined, word=word)
        except UserFacingError as error:
            show_user_error(self, error)
            return []
        if word:
            self.done_notice.show_done(ngettext(
                "Wrote {n} Word draft of a reminder letter for {period} in {folder}: issue the letter to number it.",
                "Wrote {n} Word drafts of reminder letters for {period} in {folder}: issue the letters to number "
                "them.", len(paths)).format(n=len(paths), period=period_label(period), folder=folder), folder)
        else:
            self.done_notice.show_done(_("Wrote {n} reminder letter(s) for {period} in {folder}.").format(
                n=len(paths), period=period_label(period), folder=folder), folder)
        self.changed.emit(Changes(workspace=True))
        return paths
