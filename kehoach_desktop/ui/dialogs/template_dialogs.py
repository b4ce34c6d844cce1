"""Small dialogs of the template editor: the new year's template, and the official list of units to load."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from kehoach_desktop.i18n import _
from kehoach_desktop.services import template_editing


class NewYearDialog(QDialog):
    """The year, the code and the units of the new year's template, made from the one shown."""

    def __init__(self, source_code: str, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("new_year_dialog")
        self.setWindowTitle(_("New year from the template {code}").format(code=source_code))
        form = QFormLayout(self)
        self.year = QSpinBox()
        self.year.setObjectName("new_year_year")
        self.year.setRange(2000, 2100)
        self.year.setValue(year)
        self.code = QLineEdit()
        self.code.setObjectName("new_year_code")
        self.code.setPlaceholderText(_("e.g. hanoi-{year}; left empty: the code of {code} with the new year").format(
            year=year, code=source_code))
        self.units = QComboBox()
        self.units.setObjectName("new_year_units")
        self.units.addItem(_("The units of {code}").format(code=source_code), "")
        for code, unit_set in template_editing.unit_sets().items():
            self.units.addItem(str(unit_set.get("label", code)), code)
        self.use = QCheckBox(_("Work in this year from now on (board, reports, imports)"))
        self.use.setObjectName("new_year_use")
        self.use.setChecked(True)
        form.addRow(_("Year:"), self.year)
        form.addRow(_("Code:"), self.code)
        form.addRow(_("Reporting units:"), self.units)
        form.addRow("", self.use)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setObjectName("new_year_ok")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class UnitSetDialog(QDialog):
    """Which official list of units to load into the template being edited."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unit_set_dialog")
        self.setWindowTitle(_("Load the official list"))
        form = QFormLayout(self)
        note = QLabel(_("The reporting units, their term and the wording of their plans are replaced by the list "
                        "chosen; the template's own text keeps its words, with the old unit term replaced."))
        note.setWordWrap(True)
        form.addRow(note)
        self.units = QComboBox()
        self.units.setObjectName("unit_set_choice")
        for code, unit_set in template_editing.unit_sets().items():
            self.units.addItem(str(unit_set.get("label", code)), code)
        form.addRow(_("List:"), self.units)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setObjectName("unit_set_ok")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
