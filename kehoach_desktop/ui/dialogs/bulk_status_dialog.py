"""Change the status of many rows at once, on one date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from kehoach_desktop.i18n import _, ngettext
from kehoach_desktop.ui.dialogs.material_dialog import fill_combo
from kehoach_desktop.ui.input_fields import OptionalDateEdit


class BulkStatusDialog(QDialog):
    def __init__(self, *, count: int, choices: Sequence[tuple[str, str]], today: dt.date | None,
                 parent: QWidget | None = None) -> None:
        """``today`` None: the status has no date (events)."""
        super().__init__(parent)
        self.setObjectName("bulk_status_dialog")
        self.setWindowTitle(_("Change the status"))
        intro = QLabel(ngettext("Change the status of the {n} selected row.",
                                "Change the status of the {n} selected rows.", count).format(n=count))
        intro.setWordWrap(True)
        self.status = QComboBox()
        self.status.setObjectName("status")
        fill_combo(self.status, list(choices), None)
        form = QFormLayout()
        form.addRow(_("New status"), self.status)
        self.date = OptionalDateEdit()
        self.date.setObjectName("date")
        if today is not None:
            self.date.set_value(today)
            form.addRow(_("On the date"), self.date)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def chosen(self) -> tuple[str, dt.date | None]:
        return self.status.currentData(), self.date.value()
