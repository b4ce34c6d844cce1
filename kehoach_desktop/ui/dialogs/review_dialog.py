"""The city's review of one report: accept it, or return it with the reason; the receipt tells the unit."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kehoach_desktop.domain.errors import UserFacingError
from kehoach_desktop.domain.periods import parse_period
from kehoach_desktop.domain.text import nfc
from kehoach_desktop.i18n import _
from kehoach_desktop.services.review import ReviewDone, receipt_name, review_report
from kehoach_desktop.services.session import WorkspaceSession
from kehoach_desktop.services.sync_dto import RETURNED
from kehoach_desktop.ui.errors import show_user_error


class ReviewDialog(QDialog):
    """Asks for the reason of a return, and where to write the signed receipt; applies on OK."""

    def __init__(self, session: WorkspaceSession, *, unit_code: str, unit_name: str, period: str, sequence: int,
                 decision: str, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("review_dialog")
        self._session = session
        self._unit_code = unit_code
        self._period = period
        self.decision = decision
        self.done_review: ReviewDone | None = None
        returning = decision == RETURNED
        self.setWindowTitle(_("Return the report") if returning else _("Accept the report"))
        self.resize(620, 420 if returning else 240)
        layout = QVBoxLayout(self)
        about = QLabel(_("{unit} ({code}) — {period}: report no. {sequence}.").format(
            unit=unit_name, code=unit_code, period=parse_period(period).label, sequence=sequence))
        about.setWordWrap(True)
        layout.addWidget(about)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("review_reason")
        self.reason.setPlaceholderText(_("What the unit must complete or correct; the unit will read this."))
        if returning:
            layout.addWidget(QLabel(_("Why is the report returned?")))
            layout.addWidget(self.reason, 1)
        else:
            self.reason.hide()
        self.write_receipt = QCheckBox(_("Write the signed receipt for the unit now (it tells the unit the "
                                         "decision)"))
        self.write_receipt.setObjectName("review_write_receipt")
        self.write_receipt.setChecked(True)
        layout.addWidget(self.write_receipt)
        row = QHBoxLayout()
        self.receipt_path = QLineEdit(str(folder / receipt_name(unit_code, period, sequence)))
        self.receipt_path.setObjectName("review_receipt_path")
        browse = QPushButton(_("Choose…"))
        browse.clicked.connect(self._on_browse_clicked)
        row.addWidget(self.receipt_path, 1)
        row.addWidget(browse)
        layout.addLayout(row)
        self.write_receipt.toggled.connect(self.receipt_path.setEnabled)
        self.write_receipt.toggled.connect(browse.setEnabled)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(_("Return the report") if returning else _("Accept the report"))
        self.ok_button.setObjectName("review_ok")
        self.buttons.accepted.connect(self._on_ok_clicked)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.reason.textChanged.connect(self._update_ok)
        self._update_ok()

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(self.decision != RETURNED or bool(self.reason.toPlainText().strip()))

    def _on_browse_clicked(self) -> None:
        chosen, _filter = QFileDialog.getSaveFileName(self, _("Receipt for the unit"), self.receipt_path.text(),
                                                      _("Receipts (*.khreceipt)"))
        if chosen:
            self.receipt_path.setText(chosen)

    def _on_ok_clicked(self) -> None:
        out = Path(self.receipt_path.text().strip()) if self.write_receipt.isChecked() else None
        try:
            self.done_review = review_report(uow_factory=self._session.uow_factory, unit_code=self._unit_code,
                                             period=self._period, decision=self.decision,
                                             reason=nfc(self.reason.toPlainText()), receipt_out=out)
        except UserFacingError as error:
            show_user_error(self, error)
            return
        self.accept()
