"""The directory of responsible units: view, add, edit, deactivate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kehoach_desktop.domain.enums import ResponsibleUnitKind
from kehoach_desktop.domain.errors import UserFacingError
from kehoach_desktop.formats import format_number
from kehoach_desktop.i18n import _
from kehoach_desktop.services.changes import Changes
from kehoach_desktop.services.plan_dto import ResponsibleUnitInput, ResponsibleUnitRow
from kehoach_desktop.services.responsible_units import (
    create_responsible_unit,
    list_responsible_units,
    set_responsible_unit_active,
    update_responsible_unit,
)
from kehoach_desktop.ui.errors import show_user_error
from kehoach_desktop.ui.table_model import Column, DtoTableModel
from kehoach_desktop.ui.widgets import set_available

UowFactory = Callable[[], Any]  # the session's unit-of-work factory (the UI never names storage types)


def unit_columns() -> list[Column[ResponsibleUnitRow]]:
    return [
        Column(_("Name"), lambda r: r.name),
        Column(_("Code"), lambda r: r.code),
        Column(_("Kind"), lambda r: ResponsibleUnitKind(r.kind).label),
        Column(_("Tasks"), lambda r: format_number(r.tasks), lambda r: r.tasks, numeric=True),
        Column(_("Status"), lambda r: _("Active") if r.active else _("Inactive")),
    ]


class ResponsibleUnitsDialog(QDialog):
    units_changed = Signal(object)  # Changes

    def __init__(self, uow_factory: UowFactory, *, locked_why: str = "", parent: QWidget | None = None) -> None:
        """``locked_why``: why the directory can only be read here (the plan is issued, the city's view)."""
        super().__init__(parent)
        self.setObjectName("units_dialog")
        self.setWindowTitle(_("Responsible units"))
        self.resize(820, 600)
        self._uow_factory = uow_factory
        self._locked_why = locked_why
        self._editing: str | None = None
        self.model: DtoTableModel[ResponsibleUnitRow] = DtoTableModel(unit_columns(), self)
        self.table = QTableView()
        self.table.setObjectName("units_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.name = QLineEdit()
        self.name.setObjectName("unit_name")
        self.code = QLineEdit()
        self.code.setObjectName("unit_code")
        self.code.setPlaceholderText(_("made from the name when left empty"))
        self.kind = QComboBox()
        self.kind.setObjectName("unit_kind")
        for value, label in ResponsibleUnitKind.choices():
            self.kind.addItem(label, value)
        self.new_button = QPushButton(_("New unit"))
        self.new_button.setObjectName("unit_new")
        self.save_button = QPushButton(_("Add"))
        self.save_button.setObjectName("unit_save")
        self.save_button.setDefault(True)
        self.active_button = QPushButton(_("Deactivate"))
        self.active_button.setObjectName("unit_active")
        hint = QLabel(_("Units are never deleted: a deactivated unit stays on the tasks that name it and is no "
                        "longer offered for new tasks."))
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("Name"), self.name)
        form.addRow(_("Code"), self.code)
        form.addRow(_("Kind"), self.kind)
        row = QHBoxLayout()
        row.addWidget(self.new_button)
        row.addStretch(1)
        row.addWidget(self.active_button)
        row.addWidget(self.save_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        self.locked_note = QLabel(locked_why)
        self.locked_note.setObjectName("units_locked_note")
        self.locked_note.setWordWrap(True)
        self.locked_note.setVisible(bool(locked_why))
        self.locked_note.setStyleSheet("background:#f0fdf4; color:#14532d; border:1px solid #bbf7d0; "
                                       "border-radius:4px; padding:6px;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.locked_note)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(close)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.new_button.clicked.connect(self.start_new)
        self.save_button.clicked.connect(self.save)
        self.active_button.clicked.connect(self.toggle_active)
        for widget in (self.name, self.code, self.kind, self.new_button, self.save_button):
            set_available(widget, locked_why)
        self.reload()
        self.start_new()

    def reload(self, select_id: str | None = None) -> None:
        self.model.set_rows(list_responsible_units(uow_factory=self._uow_factory))
        if select_id is not None:
            for row in range(self.model.rowCount()):
                if self.model.row_at(row).id == select_id:
                    self.table.selectionModel().setCurrentIndex(
                        self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                        | QItemSelectionModel.SelectionFlag.Rows)
                    self.table.scrollTo(self.model.index(row, 0))

    def start_new(self) -> None:
        self.table.clearSelection()
        self._editing = None
        self.name.clear()
        self.code.clear()
        self.kind.setCurrentIndex(self.kind.findData(ResponsibleUnitKind.OFFICE.value))
        self.save_button.setText(_("Add"))
        set_available(self.active_button, self._locked_why or _("Select a unit in the list first."))
        self.active_button.setText(_("Deactivate"))
        self.name.setFocus()

    def _on_current_changed(self, current, _previous) -> None:  # type: ignore[no-untyped-def]
        if not current.isValid():
            return
        unit = self.model.row_at(current.row())
        self._editing = unit.id
        self.name.setText(unit.name)
        self.code.setText(unit.code)
        self.kind.setCurrentIndex(self.kind.findData(unit.kind))
        self.save_button.setText(_("Save changes"))
        set_available(self.active_button, self._locked_why)
        self.active_button.setText(_("Deactivate") if unit.active else _("Reactivate"))

    def _input(self) -> ResponsibleUnitInput:
        return ResponsibleUnitInput(code=self.code.text(), name=self.name.text(), kind=self.kind.currentData())

    def save(self) -> None:
        if self._locked_why:
            return
        try:
            if self._editing is None:
                created = create_responsible_unit(uow_factory=self._uow_factory, data=self._input())
                unit_id, changes = created.id, created.changes
            else:
                unit_id = self._editing
                changes = update_responsible_unit(uow_factory=self._uow_factory, unit_id=unit_id,
                                                  data=self._input())
        except UserFacingError as error:
            show_user_error(self, error)
            return
        self.reload(select_id=unit_id)
        self._emit(changes)

    def toggle_active(self) -> None:
        if self._editing is None or self._locked_why:
            return
        unit = next(self.model.row_at(i) for i in range(self.model.rowCount())
                    if self.model.row_at(i).id == self._editing)
        try:
            changes = set_responsible_unit_active(uow_factory=self._uow_factory, unit_id=unit.id,
                                                  active=not unit.active)
        except UserFacingError as error:
            show_user_error(self, error)
            return
        self.reload(select_id=unit.id)
        self._emit(changes)

    def _emit(self, changes: Changes) -> None:
        if changes.touches("units", "tasks"):
            self.units_changed.emit(changes)
