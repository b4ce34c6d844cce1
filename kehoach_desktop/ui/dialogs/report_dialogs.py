"""The progress report's text (edited before issuing) and its issue (number, date, addressees, signer)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kehoach_desktop.exchange.pdf.model import TEXT_PARTS, ReportText
from kehoach_desktop.i18n import N_, _
from kehoach_desktop.services.documents import MAX_NUMBER, IssueDetails, RegisterEntry

PART_TITLES = {"results": N_("Results by theme"), "shortcomings": N_("Shortcomings"), "causes": N_("Causes"),
               "directions": N_("Directions for the next period"), "proposals": N_("Proposals")}


def _lines(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in text.splitlines() if line.strip())


class ReportTextDialog(QDialog):
    """The report's sections, one tab each: a paragraph a line; a line starting with "- " is an item."""

    def __init__(self, *, text: ReportText, period_label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("report_text_dialog")
        self.setWindowTitle(_("Text of the report — {period}").format(period=period_label))
        self.resize(760, 520)
        intro = QLabel(_("The text was written from the data: the tasks' results, the overdue tasks with their "
                         "reasons, the tasks due next period. Edit it as the report should read; one paragraph a "
                         "line. The figures and tables are added when the report is generated."))
        intro.setWordWrap(True)
        self.tabs = QTabWidget()
        self.edits: dict[str, QPlainTextEdit] = {}
        for part in TEXT_PARTS:
            edit = QPlainTextEdit("\n".join(getattr(text, part)))
            edit.setObjectName(f"report_text_{part}")
            self.edits[part] = edit
            self.tabs.addTab(edit, _(PART_TITLES[part]))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)

    def text(self) -> ReportText:
        return ReportText(**{part: _lines(edit.toPlainText()) for part, edit in self.edits.items()})


class IssueReportDialog(QDialog):
    """Number (the next free one suggested), date, "Kính gửi", recipients and signer of the report."""

    def __init__(self, *, suggested: IssueDetails, symbol: str, period_label: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("issue_report_dialog")
        self.setWindowTitle(_("Issue the report — {period}").format(period=period_label))
        self.setMinimumWidth(520)
        intro = QLabel(_("Issuing enters the report in the register of issued documents with this number and date. "
                         "The report is kept as issued: printing it again gives the same document, and its text "
                         "can no longer be changed."))
        intro.setWordWrap(True)
        self.number = QSpinBox()
        self.number.setObjectName("issue_report_number")
        self.number.setRange(1, MAX_NUMBER)
        self.number.setValue(suggested.number)
        self.date = QDateEdit(QDate(suggested.issue_date.year, suggested.issue_date.month, suggested.issue_date.day))
        self.date.setObjectName("issue_report_date")
        self.date.setDisplayFormat("dd/MM/yyyy")
        self.date.setCalendarPopup(True)
        self.recipient = QLineEdit(suggested.recipient)
        self.recipient.setObjectName("issue_report_recipient")
        self.recipients = QPlainTextEdit("\n".join(suggested.recipients))
        self.recipients.setObjectName("issue_report_recipients")
        self.recipients.setFixedHeight(120)
        self.signer_title = QLineEdit(suggested.signer_title)
        self.signer_title.setObjectName("issue_report_signer_title")
        self.signer_name = QLineEdit(suggested.signer_name)
        self.signer_name.setObjectName("issue_report_signer_name")
        form = QFormLayout()
        form.addRow(_("Number"), self.number)
        form.addRow(_("Symbol"), QLabel(symbol))
        form.addRow(_("Date of issue"), self.date)
        form.addRow(_("To (Kính gửi)"), self.recipient)
        form.addRow(_("Recipients (one a line)"), self.recipients)
        form.addRow(_("Signer's title"), self.signer_title)
        form.addRow(_("Signer's name"), self.signer_name)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Issue"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def details(self) -> IssueDetails:
        d = self.date.date()
        return IssueDetails(number=self.number.value(), issue_date=dt.date(d.year(), d.month(), d.day()),
                            recipient=self.recipient.text().strip(), recipients=_lines(self.recipients.toPlainText()),
                            signer_title=self.signer_title.text().strip(), signer_name=self.signer_name.text().strip())


KIND_LABELS = {"progress": N_("Progress report"), "plan": N_("Plan"), "reminder": N_("Reminder letter")}


class RegisterDialog(QDialog):
    """The register of issued documents (sổ đăng ký văn bản đi), newest year first."""

    def __init__(self, *, entries: tuple[RegisterEntry, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("register_dialog")
        self.setWindowTitle(_("Register of issued documents"))
        self.resize(900, 420)
        heads = (_("Number and symbol"), _("Date"), _("Kind"), _("Summary"), _("To"), _("Signer"))
        self.table = QTableWidget(len(entries), len(heads))
        self.table.setObjectName("register_table")
        self.table.setHorizontalHeaderLabels(heads)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        ordered = sorted(entries, key=lambda e: (-e.issue_date.year, e.issue_date, e.symbol, e.number))
        for row, entry in enumerate(ordered):
            cells = (entry.number_symbol, entry.issue_date.strftime("%d/%m/%Y"), _(KIND_LABELS.get(entry.kind,
                                                                                                 entry.kind)),
                     entry.summary, entry.recipient, " ".join(p for p in (entry.signer_title.capitalize(),
                                                                          entry.signer_name) if p))
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        for column in (3, 4):
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), 240))
        self.table.horizontalHeader().setStretchLastSection(True)
        empty = QLabel(_("No document has been issued yet.") if not entries else "")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if not entries:
            layout.addWidget(empty)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
