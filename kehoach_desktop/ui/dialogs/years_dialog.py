"""Năm kế hoạch: the years (templates) a workspace knows, and the one it works in."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kehoach_desktop.domain.errors import UserFacingError
from kehoach_desktop.i18n import N_, _
from kehoach_desktop.services import years
from kehoach_desktop.services.session import WorkspaceSession
from kehoach_desktop.ui.errors import show_user_error

ORIGINS = {"builtin": N_("built in"), "imported": N_("received from the city"), "edited": N_("made here")}


class YearsDialog(QDialog):
    """Lists every template with its year; “Use this year” switches the workspace to it (a unit's plan starts)."""

    changed = Signal(object)  # Changes

    def __init__(self, session: WorkspaceSession, *, city: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("years_dialog")
        self.setWindowTitle(_("Plan years"))
        self.resize(760, 360)
        self._session = session
        self._city = city
        layout = QVBoxLayout(self)
        note = QLabel(_("The city's board, reports and imports work in the year in use.") if city else
                      _("The plan, the registers and the packages work in the year in use. Choosing a year whose plan "
                        "was not started yet starts it from that year's template; earlier years stay here."))
        note.setWordWrap(True)
        layout.addWidget(note)
        self.table = QTableWidget(0, 5)
        self.table.setObjectName("years_table")
        self.table.setHorizontalHeaderLabels([_("Year"), _("Template"), _("Origin"), _("Reporting units"),
                                              _("Plan") if not city else _("In use")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 1)
        self.state = QLabel()
        self.state.setObjectName("years_state")
        self.state.setWordWrap(True)
        layout.addWidget(self.state)
        row = QHBoxLayout()
        self.use_button = QPushButton(_("Use this year"))
        self.use_button.setObjectName("years_use")
        self.use_button.clicked.connect(lambda: self.use_selected())
        row.addWidget(self.use_button)
        row.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        row.addWidget(buttons)
        layout.addLayout(row)
        self.refresh()

    def refresh(self) -> None:
        self.items = years.list_years(uow_factory=self._session.uow_factory)
        self.table.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            plan = (_("in use") if item.in_use else "") if self._city else (
                (_("started") if item.has_plan else _("not started")) + (" · " + _("in use") if item.in_use else ""))
            cells = (str(item.year), item.code, _(ORIGINS.get(item.origin, item.origin)),
                     _("{count} ({term})").format(count=item.units, term=item.unit_term), plan)
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, item.code)
                if item.in_use:
                    font = cell.font()
                    font.setBold(True)
                    cell.setFont(font)
                self.table.setItem(row, column, cell)
        self.table.resizeColumnsToContents()
        self._update_buttons()

    def select_code(self, code: str) -> bool:
        for row, item in enumerate(self.items):
            if item.code == code:
                self.table.selectRow(row)
                return True
        return False

    def selected(self) -> years.PlanYear | None:
        rows = self.table.selectionModel().selectedRows()
        return self.items[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        item = self.selected()
        self.use_button.setEnabled(item is not None and not item.in_use)

    def use_selected(self) -> bool:
        item = self.selected()
        if item is None:
            return False
        try:
            change = years.use_template(uow_factory=self._session.uow_factory, code=item.code)
        except UserFacingError as error:
            show_user_error(self, error)
            return False
        self.refresh()
        self.select_code(change.code)
        self.state.setText(_("The workspace now works in {year} (template {code}).").format(
            year=change.year, code=change.code) + (" " + _("Its plan was started from the template.")
                                                    if change.plan_created else ""))
        self.changed.emit(change.changes)
        return True
