"""Báo cáo tổng hợp: the consolidated report of a period (PDF, signed if wished, and Excel), and the
deviations of the units' plans from the template."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kehoach_desktop.domain.errors import UserFacingError
from kehoach_desktop.domain.periods import period_heading
from kehoach_desktop.formats import format_date
from kehoach_desktop.i18n import _, ngettext
from kehoach_desktop.services.city_board import get_completeness_board
from kehoach_desktop.services.city_reports import (
    CityDocumentOptions,
    export_city_workbook,
    generate_city_report,
)
from kehoach_desktop.services.deviations import DEVIATION_LABELS, MIN_UNITS, get_deviations
from kehoach_desktop.services.report_lookup import describe_lookup, lookup_report
from kehoach_desktop.services.reports import Credentials, P12Credentials, SignerMismatchError
from kehoach_desktop.services.session import WorkspaceSession
from kehoach_desktop.services.word_export import CITY, write_docx
from kehoach_desktop.ui.errors import show_user_error
from kehoach_desktop.ui.folders import DocumentFolders, DoneNotice, FileKind
from kehoach_desktop.ui.signer_warning import confirm_signer_mismatch
from kehoach_desktop.ui.widgets import PageHeader, wrap_tree_text


class CityReportsPage(QWidget):
    RELEVANT_CHANGES = ("packages", "workspace", "plan", "tasks")

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.folders = DocumentFolders(session)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 12)
        self.header = PageHeader(_("Consolidated reports"), _(
            "The consolidated report of a period for the City People's Committee, in the official layout, and the "
            "same figures as an Excel workbook with one sheet per measure and one row per unit."))
        layout.addWidget(self.header)
        form = QFormLayout()
        self.period = QComboBox()
        self.period.setObjectName("city_period")
        self.number = QLineEdit()
        self.number.setObjectName("city_number")
        self.number.setPlaceholderText(_("leave empty to write it by hand"))
        self.symbol = QLineEdit()
        self.symbol.setObjectName("city_symbol")
        form.addRow(_("Reporting period:"), self.period)
        form.addRow(_("Number:"), self.number)
        form.addRow(_("Symbol:"), self.symbol)
        layout.addLayout(form)
        buttons = QHBoxLayout()
        self.pdf_button = QPushButton(_("Consolidated report (PDF)…"))
        self.pdf_button.setObjectName("city_pdf")
        self.pdf_button.clicked.connect(lambda: self.export_pdf())
        self.sign_button = QPushButton(_("Signed with a .p12 certificate…"))
        self.sign_button.setObjectName("city_pdf_signed")
        self.sign_button.clicked.connect(self._on_sign_clicked)
        self.word_button = QPushButton(_("Consolidated report (Word)…"))
        self.word_button.setObjectName("city_word")
        self.word_button.setToolTip(_("A Word copy (.docx) of the chosen report in the same layout, to review and "
                                      "edit before it is issued; a Word copy is not signed."))
        self.word_button.clicked.connect(lambda: self.export_word())
        self.excel_button = QPushButton(_("Consolidated workbook (Excel)…"))
        self.excel_button.setObjectName("city_excel")
        self.excel_button.clicked.connect(lambda: self.export_excel())
        for button in (self.pdf_button, self.sign_button, self.word_button, self.excel_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.result = DoneNotice(object_name="city_result")
        layout.addWidget(self.result)
        check = QLabel(_("Check a paper copy"))
        check.setProperty("role", "section-title")
        layout.addWidget(check)
        lookup_row = QHBoxLayout()
        self.qr_text = QLineEdit()
        self.qr_text.setObjectName("qr_text")
        self.qr_text.setPlaceholderText(_("Scan the QR code of a printed report, or type its text (KHDESKTOP|…)"))
        self.qr_text.returnPressed.connect(self.look_up)  # a scanner types the text and presses Enter
        self.lookup_button = QPushButton(_("Look up"))
        self.lookup_button.setObjectName("qr_lookup")
        self.lookup_button.clicked.connect(lambda: self.look_up())
        lookup_row.addWidget(self.qr_text, 1)
        lookup_row.addWidget(self.lookup_button)
        layout.addLayout(lookup_row)
        self.lookup_result = QLabel()
        self.lookup_result.setObjectName("qr_result")
        self.lookup_result.setWordWrap(True)
        self.lookup_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.lookup_result)
        title = QLabel(_("Where the units' plans depart from the template"))
        title.setProperty("role", "section-title")
        layout.addWidget(title)
        self.deviations = QTreeWidget()
        self.deviations.setObjectName("deviations")
        self.deviations.setHeaderLabels([_("Unit / kind"), _("Subject"), _("Detail")])
        self.deviations.setColumnWidth(0, 300)
        self.deviations.setColumnWidth(1, 360)
        wrap_tree_text(self.deviations)
        layout.addWidget(self.deviations, 1)

    def refresh(self) -> None:
        board = get_completeness_board(uow_factory=self._session.uow_factory, today=self._session.today())
        if self.period.count() == 0:
            for column in board.periods:
                self.period.addItem(_("{period} (deadline {date})").format(
                    period=period_heading(column.period), date=format_date(column.deadline)), column.period)
            due = [i for i, c in enumerate(board.periods) if c.deadline < board.today]
            self.period.setCurrentIndex(due[-1] if due else 0)
        self.deviations.clear()
        units = get_deviations(uow_factory=self._session.uow_factory)
        if len(units) < MIN_UNITS:
            note = QTreeWidgetItem([ngettext(
                "{n} unit has sent its plan: budgets are compared from {minimum} units.",
                "{n} units have sent their plans: budgets are compared from {minimum} units.",
                len(units)).format(n=len(units), minimum=MIN_UNITS), "", ""])
            self.deviations.addTopLevelItem(note)
            note.setFirstColumnSpanned(True)
        for unit in units:
            if not unit.deviations:
                continue
            top = QTreeWidgetItem([f"{unit.display_name} ({len(unit.deviations)})", "", ""])
            for d in unit.deviations:
                top.addChild(QTreeWidgetItem([_(DEVIATION_LABELS[d.kind]), d.subject, d.detail]))
            self.deviations.addTopLevelItem(top)
        if not any(unit.deviations for unit in units):
            none = QTreeWidgetItem([_("No departure from the template in the plans received."), "", ""])
            self.deviations.addTopLevelItem(none)
            none.setFirstColumnSpanned(True)

    def _options(self) -> CityDocumentOptions:
        return CityDocumentOptions(number=self.number.text().strip(), symbol=self.symbol.text().strip(),
                                   date=self._session.today())

    def _target(self, suffix: str, caption: str, pattern: str) -> Path | None:
        period = str(self.period.currentData() or "")
        kind = FileKind.EXPORTS if suffix == ".xlsx" else FileKind.REPORTS
        suggested = self.folders.suggest(kind, f"bao-cao-tong-hop-{period}{suffix}")
        chosen, _filter = QFileDialog.getSaveFileName(self, caption, str(suggested), pattern)
        if not chosen:
            return None
        self.folders.remember(kind, Path(chosen))
        return Path(chosen)

    def export_pdf(self, out: Path | None = None, credentials: Credentials | None = None) -> Path | None:
        out = out or self._target(".pdf", _("Save the consolidated report"), _("PDF files (*.pdf)"))
        if out is None:
            return None
        accept_mismatch = False
        while True:
            try:
                done = generate_city_report(
                    uow_factory=self._session.uow_factory, period=str(self.period.currentData()), out=out,
                    today=self._session.today(), credentials=credentials, options=self._options(),
                    accept_signer_mismatch=accept_mismatch)
                break
            except SignerMismatchError as mismatch:
                if not confirm_signer_mismatch(self, mismatch):
                    return None
                accept_mismatch = True
            except UserFacingError as error:
                show_user_error(self, error)
                return None
        self.result.show_done(_("Wrote {path}: {pages} pages{signed}.").format(
            path=done.path, pages=done.pages, signed=_(", signed") if done.signed else ""), Path(done.path))
        return done.path

    def export_word(self, out: Path | None = None) -> Path | None:
        out = out or self._target(".docx", _("Export to Word"), _("Word documents (*.docx)"))
        if out is None:
            return None
        out = out if out.suffix.lower() == ".docx" else out.with_name(out.name + ".docx")
        try:
            path = write_docx(uow_factory=self._session.uow_factory, kind=CITY, out=out,
                              period=str(self.period.currentData()), today=self._session.today(),
                              city_options=self._options())
        except UserFacingError as error:
            show_user_error(self, error)
            return None
        self.result.show_done(_("Wrote {path}.").format(path=path), path)
        return path

    def _on_sign_clicked(self) -> None:
        certificate, _filter = QFileDialog.getOpenFileName(self, _("Certificate"), str(self._session.folder),
                                                           _("Certificates (*.p12 *.pfx)"))
        if not certificate:
            return
        password, ok = QInputDialog.getText(self, _("Certificate"), _("Password of the certificate:"),
                                            QLineEdit.EchoMode.Password)
        if ok:
            self.export_pdf(credentials=P12Credentials(Path(certificate), password))

    def look_up(self) -> None:
        """Which received package the typed (or scanned) QR text of a paper report matches."""
        text = self.qr_text.text().strip()
        if not text:
            return
        try:
            result = lookup_report(uow_factory=self._session.uow_factory, text=text)
        except UserFacingError as error:
            show_user_error(self, error)
            return
        self.lookup_result.setProperty("found", result.found)
        self.lookup_result.setText("\n".join(describe_lookup(result)))

    def export_excel(self, out: Path | None = None) -> Path | None:
        out = out or self._target(".xlsx", _("Save the consolidated workbook"), _("Excel workbooks (*.xlsx)"))
        if out is None:
            return None
        try:
            path = export_city_workbook(uow_factory=self._session.uow_factory, period=str(self.period.currentData()),
                                        out=out, today=self._session.today())
        except UserFacingError as error:
            show_user_error(self, error)
            return None
        self.result.show_done(_("Wrote {path}.").format(path=path), Path(path))
        return path



