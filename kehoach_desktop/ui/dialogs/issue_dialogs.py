"""Issuing the plan (its number and date) and opening a new revision (its reason)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from kehoach_desktop.i18n import _
from kehoach_desktop.ui.input_fields import DateEdit
from kehoach_desktop.ui.widgets import set_available


class IssueDialog(QDialog):
    def __init__(self, *, number: str, symbol: str, issue_date: dt.date, revision: int, reason: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._default_date = issue_date
        self.setObjectName("issue_dialog")
        self.setWindowTitle(_("Issue the plan"))
        self.setMinimumWidth(460)
        intro = QLabel(_("Issuing locks the plan: its texts and tasks can no longer be changed, only the progress "
                         "of the tasks. Revision {revision} is kept and can be compared with later ones.").format(
            revision=revision))
        intro.setWordWrap(True)
        self.number = QLineEdit(number)
        self.number.setObjectName("issue_number")
        self.number.setPlaceholderText("05")
        self.date = DateEdit()
        self.date.setObjectName("issue_date")
        self.date.set_value(issue_date)
        form = QFormLayout()
        form.addRow(_("Number"), self.number)
        form.addRow(_("Symbol"), QLabel(symbol))
        form.addRow(_("Date of issue"), self.date)
        if reason:
            shown = QLabel(reason)
            shown.setWordWrap(True)
            form.addRow(_("Reason for this revision"), shown)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Issue"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.number.textChanged.connect(self._update_ok)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._update_ok()

    def _update_ok(self) -> None:
        set_available(self.buttons.button(QDialogButtonBox.StandardButton.Ok),
                      "" if self.number.text().strip() else _("Give the plan's number first."))

    def issue_date(self) -> dt.date:
        return self.date.value() or self._default_date


class ReviseDialog(QDialog):
    def __init__(self, *, revision: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("revise_dialog")
        self.setWindowTitle(_("Revise the plan"))
        self.setMinimumWidth(480)
        intro = QLabel(_("The issued plan stays readable as revision {current}. Revision {next} opens as a draft "
                         "for you to change and issue again. Why is the plan being revised?").format(
            current=revision, next=revision + 1))
        intro.setWordWrap(True)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("revise_reason")
        self.reason.setPlaceholderText(_("e.g. Adding the tasks of the third quarter asked by the city"))
        self.reason.setFixedHeight(90)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Open revision {n}").format(n=revision + 1))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.reason.textChanged.connect(self._update_ok)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.reason)
        layout.addWidget(self.buttons)
        self._update_ok()

    def _update_ok(self) -> None:
        set_available(self.buttons.button(QDialogButtonBox.StandardButton.Ok),
                      "" if self.reason.toPlainText().strip() else _("Write why the plan is revised first."))
