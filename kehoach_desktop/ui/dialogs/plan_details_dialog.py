"""The plan's document details: number and symbol, place and date, legal bases, signer, recipients."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kehoach_desktop.i18n import _, pgettext
from kehoach_desktop.services.plan_dto import PlanDetails
from kehoach_desktop.ui.input_fields import OptionalDateEdit, calendar_day


def _lines(edit: QPlainTextEdit) -> tuple[str, ...]:
    return tuple(line for line in edit.toPlainText().splitlines() if line.strip())


class PlanDetailsDialog(QDialog):
    """Edits a copy of the details; the page saves them (one undoable change) when accepted."""

    def __init__(self, details: PlanDetails, *, year: int, read_only: bool, today: dt.date | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("plan_details_dialog")
        self.setWindowTitle(_("Plan details"))
        self.resize(760, 700)
        self._original = details

        def line(value: str, name: str) -> QLineEdit:
            edit = QLineEdit(value)
            edit.setObjectName(name)
            edit.setReadOnly(read_only)
            return edit

        def lines(values: tuple[str, ...], name: str, height: int = 90) -> QPlainTextEdit:
            edit = QPlainTextEdit("\n".join(values))
            edit.setObjectName(name)
            edit.setReadOnly(read_only)
            edit.setFixedHeight(height)
            return edit

        self.number = line(details.number, "details_number")
        self.number.setPlaceholderText("05")
        self.number.setMaximumWidth(90)
        self.symbol = line(details.symbol, "details_symbol")
        self.place = line(details.place, "details_place")
        self.issue_date = OptionalDateEdit()
        self.issue_date.setObjectName("details_issue_date")
        self.issue_date.set_value(details.issue_date)
        self.issue_date.open_calendar_on(calendar_day(year, today or dt.date.today()))
        self.issue_date.setEnabled(not read_only)
        self.summary = lines((details.summary,), "details_summary", 50)
        self.superior = line(details.superior_agency, "details_superior")
        self.issuing = line(details.issuing_agency, "details_issuing")
        self.legal_bases = lines(details.legal_bases, "details_legal_bases")
        self.preamble = lines((details.preamble,), "details_preamble", 70)
        self.closing = lines((details.closing,), "details_closing", 70)
        self.authority = line(details.signer_authority, "details_authority")
        self.deputy = line(details.signer_deputy, "details_deputy")
        self.deputy_check = QCheckBox(_("signed by a deputy (KT.)"))
        self.deputy_check.setChecked(bool(details.signer_deputy))
        self.deputy_check.setEnabled(not read_only)
        self.deputy_check.toggled.connect(self._on_deputy_toggled)
        self.title = line(details.signer_title, "details_title")
        self.name = line(details.signer_name, "details_name")
        self.recipients = lines(details.recipients, "details_recipients", 130)

        number_row = QHBoxLayout()
        number_row.addWidget(QLabel(pgettext("document number", "No.")))
        number_row.addWidget(self.number)
        number_row.addWidget(QLabel("/"))
        number_row.addWidget(self.symbol, 1)
        document = QGroupBox(_("Document"))
        form = QFormLayout(document)
        form.addRow(_("Number and symbol"), number_row)
        form.addRow(_("Place"), self.place)
        form.addRow(_("Date of issue"), self.issue_date)
        form.addRow(_("Superior agency"), self.superior)
        form.addRow(_("Issuing agency"), self.issuing)
        form.addRow(_("Summary line"), self.summary)
        form.addRow(_("Legal bases\n(one per line)"), self.legal_bases)
        form.addRow(_("Opening paragraph"), self.preamble)
        form.addRow(_("Closing paragraph"), self.closing)
        signer = QGroupBox(_("Signer"))
        signer_form = QFormLayout(signer)
        signer_form.addRow(_("Signing authority"), self.authority)
        deputy_row = QHBoxLayout()
        deputy_row.addWidget(self.deputy_check)
        deputy_row.addWidget(self.deputy, 1)
        signer_form.addRow(_("Deputy line"), deputy_row)
        signer_form.addRow(_("Signer's title"), self.title)
        signer_form.addRow(_("Signer's name"), self.name)
        recipients = QGroupBox(_("Recipients (Nơi nhận), one per line"))
        QVBoxLayout(recipients).addWidget(self.recipients)

        body = QWidget()
        body_layout = QVBoxLayout(body)
        for box in (document, signer, recipients):
            body_layout.addWidget(box)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close if read_only else
                                   QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        if read_only:
            note = QLabel(_("The plan is issued: its details can only be read. Open a new revision to change them."))
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)

    def _on_deputy_toggled(self, checked: bool) -> None:
        if checked and not self.deputy.text().strip():
            self.deputy.setText("KT. CHỦ TỊCH")
        if not checked:
            self.deputy.clear()
        self.deputy.setEnabled(checked)

    def details(self) -> PlanDetails:
        return PlanDetails(
            number=self.number.text(), symbol=self.symbol.text(), place=self.place.text(),
            issue_date=self.issue_date.value(), summary=" ".join(_lines(self.summary)),
            superior_agency=self.superior.text(), issuing_agency=self.issuing.text(),
            legal_bases=_lines(self.legal_bases), preamble=self.preamble.toPlainText(),
            closing=self.closing.toPlainText(), signer_authority=self.authority.text(),
            signer_deputy=self.deputy.text() if self.deputy_check.isChecked() else "",
            signer_title=self.title.text(), signer_name=self.name.text(), recipients=_lines(self.recipients))
