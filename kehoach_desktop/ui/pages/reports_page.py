"""Báo cáo: the plan and the progress reports as PDF — generate, preview, print, save, sign, verify."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QLabel,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from kehoach_desktop.domain.errors import UserFacingError, os_reason
from kehoach_desktop.domain.periods import period_label, periods_of_year
from kehoach_desktop.formats import vietnam_time
from kehoach_desktop.i18n import _, ngettext
from kehoach_desktop.services import documents, reports
from kehoach_desktop.services.changes import Changes
from kehoach_desktop.services.documents import RegisterEntry
from kehoach_desktop.services.session import WorkspaceSession
from kehoach_desktop.services.word_export import write_docx
from kehoach_desktop.ui.dialogs.report_dialogs import IssueReportDialog, RegisterDialog, ReportTextDialog
from kehoach_desktop.ui.dialogs.sign_dialog import SignDialog, TokenFinder
from kehoach_desktop.ui.empty_state import EmptyState
from kehoach_desktop.ui.errors import show_user_error
from kehoach_desktop.ui.flow_layout import flow_row
from kehoach_desktop.ui.folders import DocumentFolders, DoneNotice, FileKind
from kehoach_desktop.ui.signer_warning import confirm_signer_mismatch
from kehoach_desktop.ui.tasks import TaskRunner
from kehoach_desktop.ui.widgets import PageHeader, set_available

ZOOM_STEPS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0)
PRINT_DPI = 300


def technical_details(sha256: str) -> str:
    """The report data's fingerprint, for whoever checks it (shown on hovering, never in the text)."""
    return _("Technical details: SHA-256 of the report data {sha256}").format(sha256=sha256)


def verification_text(result: reports.VerificationReport, name: str) -> str:
    """The verify view in words: signed or not, by whom, when, changed since, trusted."""
    lines = [_("<b>{name}</b>").format(name=name)]
    if not result.readable:
        return "<br>".join([*lines, result.problem])
    if result.stamp is not None:
        lines.append(_("Report data: No. {number}, unit {unit}, period {period}").format(
            number=result.stamp.number_symbol or _("(none)"), unit=result.stamp.unit_code,
            period=period_label(result.stamp.period)))
    if not result.signed:
        lines.append(_("This file is not signed."))
    yes, no = _("yes"), _("no")
    for signature in result.signatures:
        when = vietnam_time(signature.signing_time) if signature.signing_time else "?"
        verdict = _("Valid signature") if signature.ok else _("INVALID signature")
        lines.append(_("{verdict}: signed by {signer} ({organisation}) on {when}. Unchanged since signing: "
                       "{unchanged}. Certificate trusted: {trusted}.").format(
            verdict=verdict, signer=signature.signer or "?", organisation=signature.organisation or "-", when=when,
            unchanged=yes if signature.intact and signature.covers_whole_file else no,
            trusted=yes if signature.trusted else no))
        if signature.problem:
            lines.append(signature.problem)
    return "<br>".join(lines)


class ReportsPage(QWidget):
    """Refreshes when a write touches any of RELEVANT_CHANGES (the shown PDF is kept until regenerated)."""

    RELEVANT_CHANGES = ("plan",)
    changed = Signal(object)
    report_ready = Signal(object)  # the path of the PDF now shown
    verified = Signal(object)  # a reports.VerificationReport
    word_written = Signal(object)  # the path of the .docx written

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._folder = tempfile.TemporaryDirectory(prefix="kehoach-reports-")
        self.current: Path | None = None
        self.current_signed = False
        self.last_verification: reports.VerificationReport | None = None
        self.runner = TaskRunner(self)
        self._token_finder: TokenFinder | None = None  # made at the first signature, kept for the next
        self.folders = DocumentFolders(session)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 12)
        self.header = PageHeader(_("Reports"), _("The plan and the progress reports in the official layout "
                                                 "(Decree 30/2020): preview, print, save, sign and verify."))
        layout.addWidget(self.header)

        self.kind = QComboBox()
        self.kind.setObjectName("report_kind")
        self.kind.addItem(_("Plan (Kế hoạch)"), reports.PLAN)
        self.kind.addItem(_("Progress report (Báo cáo kết quả)"), reports.PROGRESS)
        self.period = QComboBox()
        self.period.setObjectName("report_period")
        for combo in (self.kind, self.period):  # whole names even on a 1024-pixel screen: the row wraps instead
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.generate_button = QPushButton(_("Generate"))
        self.generate_button.setObjectName("generate_report")
        self.generate_button.setProperty("role", "primary")
        self.period_label = QLabel(_("Period:"))
        self.text_button = QPushButton(_("Edit the text…"))
        self.text_button.setObjectName("edit_report_text")
        self.text_button.setToolTip(_("The report's sections in words: results, shortcomings and causes, "
                                      "directions, proposals"))
        self.issue_button = QPushButton(_("Issue…"))
        self.issue_button.setObjectName("issue_report")
        self.issue_button.setToolTip(_("Give the report its number and date in the register of issued documents"))
        self.issue_label = QLabel("")
        self.issue_label.setObjectName("report_issue_state")
        self.word_button = QPushButton(_("Export to Word…"))
        self.word_button.setObjectName("export_word")
        self.word_button.setToolTip(_("A Word copy (.docx) of the chosen report in the same layout, to review and "
                                      "edit before it is issued; a Word copy is not signed."))
        layout.addLayout(flow_row(QLabel(_("Report:")), self.kind, self.period_label, self.period,
                                  self.generate_button, self.text_button, self.issue_button, self.issue_label,
                                  self.word_button))

        self.previous_button = QPushButton(self.style().standardIcon(QStyle.StandardPixmap.SP_ArrowLeft), "")
        self.page_spin = QSpinBox()
        self.page_spin.setObjectName("page_number")
        self.page_spin.setMinimum(1)
        self.page_count = QLabel("/ 0")
        self.next_button = QPushButton(self.style().standardIcon(QStyle.StandardPixmap.SP_ArrowRight), "")
        self.zoom_out_button = QPushButton("−")
        self.zoom = QComboBox()
        self.zoom.setObjectName("zoom")
        self.zoom.addItem(_("Fit width"), 0.0)
        for factor in ZOOM_STEPS:
            self.zoom.addItem(f"{round(factor * 100)}%", factor)
        self.zoom_in_button = QPushButton("+")
        self.print_button = QPushButton(_("Print…"))
        self.save_button = QPushButton(_("Save as…"))
        self.sign_button = QPushButton(_("Sign…"))
        self.verify_button = QPushButton(_("Verify a PDF…"))
        self.trust_button = QPushButton(_("Trust a root certificate…"))
        self.register_button = QPushButton(_("Register of issued documents…"))
        self.register_button.setObjectName("issued_register")
        for button, tip in ((self.previous_button, _("Previous page")), (self.next_button, _("Next page")),
                            (self.zoom_out_button, _("Zoom out")), (self.zoom_in_button, _("Zoom in"))):
            button.setMaximumWidth(40)
            button.setToolTip(tip)
        self.zoom.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        tools = flow_row(self.previous_button, self.page_spin, self.page_count, self.next_button,
                         self.zoom_out_button, self.zoom, self.zoom_in_button,
                         right=(self.print_button, self.save_button, self.sign_button, self.verify_button,
                                self.trust_button, self.register_button))
        layout.addLayout(tools)

        self.status = QLabel("")
        self.status.setObjectName("report_status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status)
        self.done_notice = DoneNotice(object_name="report_saved")
        layout.addWidget(self.done_notice)

        self.document = QPdfDocument(self)
        self.view = QPdfView(self)
        self.view.setObjectName("pdf_view")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        layout.addWidget(self.view, 1)
        self.view_empty = EmptyState(self.view, object_name="report_empty")
        self.view_empty.show_message(_("Choose the report and, for a progress report, its period; then generate it. "
                                       "It shows here, ready to print, save or sign."), _("Generate"),
                                     self.generate_button.click)
        self.document.statusChanged.connect(
            lambda status: self.view_empty.setVisible(status != QPdfDocument.Status.Ready))

        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        self.generate_button.clicked.connect(self._on_generate_clicked)
        self.text_button.clicked.connect(lambda: self.open_text_dialog())
        self.issue_button.clicked.connect(lambda: self.open_issue_dialog())
        self.register_button.clicked.connect(lambda: self.open_register())
        self.period.currentIndexChanged.connect(lambda: self._show_issue_state())
        self.dialog: QDialog | None = None
        self.word_button.clicked.connect(self._on_word_clicked)
        self.previous_button.clicked.connect(lambda: self.go_to_page(self.page_spin.value() - 1))
        self.next_button.clicked.connect(lambda: self.go_to_page(self.page_spin.value() + 1))
        self.page_spin.editingFinished.connect(lambda: self.go_to_page(self.page_spin.value()))
        self.zoom.currentIndexChanged.connect(self._on_zoom_changed)
        self.zoom_in_button.clicked.connect(lambda: self._step_zoom(+1))
        self.zoom_out_button.clicked.connect(lambda: self._step_zoom(-1))
        self.view.pageNavigator().currentPageChanged.connect(self._on_view_page_changed)
        self.print_button.clicked.connect(self._on_print_clicked)
        self.save_button.clicked.connect(self._on_save_clicked)
        self.sign_button.clicked.connect(self._on_sign_clicked)
        self.verify_button.clicked.connect(self._on_verify_clicked)
        self.trust_button.clicked.connect(self._on_trust_clicked)
        self._on_kind_changed()
        self._update_actions()

    # state -----------------------------------------------------------------------------------
    def refresh(self) -> None:
        year = self._session.summary().template_year or self._session.today().year
        chosen = self.period.currentData()
        self.period.clear()
        for period in periods_of_year(year):
            self.period.addItem(period.heading, period.code)
        today = self._session.today()
        default = chosen or next((p.code for p in periods_of_year(year) if p.kind == "quarter" and p.contains(today)),
                                 str(year))
        self.period.setCurrentIndex(max(0, self.period.findData(default)))

    def _on_kind_changed(self) -> None:
        progress = self.kind.currentData() == reports.PROGRESS
        self.period.setEnabled(progress)
        self.period_label.setEnabled(progress)
        self._show_issue_state()

    def _issue_state(self, *, with_text: bool = False) -> reports.ProgressIssueState | None:
        period = self.period.currentData()
        if self.kind.currentData() != reports.PROGRESS or not period:
            return None
        try:
            return reports.get_progress_issue_state(uow_factory=self._session.uow_factory, period=period,
                                                    today=self._session.today(), with_text=with_text)
        except UserFacingError:
            return None  # no plan yet: generating says so

    def _show_issue_state(self) -> None:
        state = self._issue_state()
        issued = state.issued if state is not None else None
        self.text_button.setEnabled(state is not None and issued is None)
        self.issue_button.setEnabled(state is not None and issued is None)
        if issued is not None:
            self.issue_label.setText(_("Issued as {number} on {date}").format(
                number=issued.number_symbol, date=issued.issue_date.strftime("%d/%m/%Y")))
        else:
            self.issue_label.setText(_("Draft, not issued") if state is not None else "")

    # text and issue ----------------------------------------------------------------------------
    def open_text_dialog(self) -> None:
        """Read the report's text in the background (the suggested one reads the period's figures), then edit it."""
        period = self.period.currentData()
        if self.kind.currentData() != reports.PROGRESS or not period:
            return
        uow_factory, today = self._session.uow_factory, self._session.today()

        def work() -> reports.ProgressIssueState:
            return reports.get_progress_issue_state(uow_factory=uow_factory, period=period, today=today)

        self._run(_("Preparing the report's text…"), work, self._edit_text)

    def _edit_text(self, state: reports.ProgressIssueState) -> None:
        if state.issued is not None:
            return
        dialog = ReportTextDialog(text=state.text, period_label=period_label(state.period), parent=self)

        def save() -> None:
            try:
                documents.save_report_text(uow_factory=self._session.uow_factory, period=state.period,
                                           text=dialog.text())
            except UserFacingError as error:
                show_user_error(self, error)
                return
            self.generate(reports.PROGRESS, state.period)

        dialog.accepted.connect(save)
        self.dialog = dialog
        dialog.open()

    def open_register(self) -> RegisterDialog:
        dialog = RegisterDialog(entries=documents.list_register(uow_factory=self._session.uow_factory), parent=self)
        self.dialog = dialog
        dialog.open()
        return dialog

    def open_issue_dialog(self) -> IssueReportDialog | None:
        state = self._issue_state()
        if state is None or state.issued is not None:
            return None
        dialog = IssueReportDialog(suggested=state.suggested, symbol=state.symbol,
                                   period_label=period_label(state.period), parent=self)

        uow_factory, today = self._session.uow_factory, self._session.today()

        def issue() -> None:
            details = dialog.details()

            def work() -> RegisterEntry:  # renders the report as issued: in the background
                return reports.issue_progress_report(uow_factory=uow_factory, period=state.period, details=details,
                                                     today=today)

            def done(entry: RegisterEntry) -> None:
                self._show_issue_state()
                self.changed.emit(Changes(workspace=True))
                self.generate(reports.PROGRESS, state.period)
                self.issue_label.setText(_("The report was issued as {number} on {date}.").format(
                    number=entry.number_symbol, date=entry.issue_date.strftime("%d/%m/%Y")))

            self._run(_("Issuing the report…"), work, done)

        dialog.accepted.connect(issue)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _update_actions(self) -> None:
        loaded = self.document.status() == QPdfDocument.Status.Ready
        for widget in (self.print_button, self.save_button, self.sign_button, self.previous_button,
                       self.next_button, self.page_spin, self.zoom, self.zoom_in_button, self.zoom_out_button):
            set_available(widget, "" if loaded else _("Generate the report first (Generate)."))
        self.page_count.setText(f"/ {self.document.pageCount()}")
        self.page_spin.setMaximum(max(1, self.document.pageCount()))

    def _run(self, message: str, work: Callable[[], Any], on_done: Callable[[Any], None],
             on_mismatch: Callable[[], None] | None = None) -> None:
        progress = QProgressDialog(message, "", 0, 0, self)
        progress.setCancelButton(None)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(400)
        self.generate_button.setEnabled(False)
        self.word_button.setEnabled(False)

        def done(result: Any) -> None:
            progress.close()
            self.generate_button.setEnabled(True)
            self.word_button.setEnabled(True)
            on_done(result)

        def failed(error: BaseException) -> None:
            progress.close()
            self.generate_button.setEnabled(True)
            self.word_button.setEnabled(True)
            if isinstance(error, reports.SignerMismatchError) and on_mismatch is not None:
                if confirm_signer_mismatch(self, error):
                    on_mismatch()
                return
            if isinstance(error, UserFacingError):
                self.status.setText(error.message)
                show_user_error(self, error)
            else:
                raise error

        self.runner.run(work, on_done=done, on_error=failed)

    # generate and show -----------------------------------------------------------------------
    def _on_generate_clicked(self) -> None:
        self.generate(self.kind.currentData(), self.period.currentData())

    def generate(self, kind: str, period: str | None) -> None:
        """Render in the background, then show the PDF (unsigned; sign it afterwards if wanted)."""
        uow_factory, today = self._session.uow_factory, self._session.today()
        name = "ke-hoach.pdf" if kind == reports.PLAN else f"bao-cao-{period}.pdf"
        out = Path(self._folder.name) / name

        def work() -> reports.GeneratedReport:
            return reports.generate_report(uow_factory=uow_factory, kind=kind, out=out, today=today,
                                           period=period if kind == reports.PROGRESS else None)

        def done(result: reports.GeneratedReport) -> None:
            self.show_pdf(result.path, signed=False)
            self.status.setText(ngettext("{n} page generated.", "{n} pages generated.", result.pages).format(
                n=result.pages))
            self.status.setToolTip(technical_details(result.stamp.sha256))

        self._run(_("Generating the report…"), work, done)

    def _on_word_clicked(self) -> None:
        kind, period = self.kind.currentData(), self.period.currentData()
        name = "ke-hoach.docx" if kind == reports.PLAN else f"bao-cao-{period}.docx"
        path, _filter = QFileDialog.getSaveFileName(self, _("Export to Word"),
                                                    str(self.folders.suggest(FileKind.REPORTS, name)),
                                                    _("Word documents (*.docx)"))
        if not path:
            return
        target = Path(path) if path.lower().endswith(".docx") else Path(path + ".docx")
        self.folders.remember(FileKind.REPORTS, target)
        uow_factory, today = self._session.uow_factory, self._session.today()

        def work() -> Path:
            return write_docx(uow_factory=uow_factory, kind=kind, out=target, today=today,
                              period=period if kind == reports.PROGRESS else None)

        def done(written: Path) -> None:
            self.done_notice.show_done(_("Saved to {path}.").format(path=written), written)
            self.word_written.emit(written)

        self._run(_("Writing the Word copy…"), work, done)

    def show_pdf(self, path: Path, *, signed: bool) -> None:
        self.document.close()
        self.document.load(str(path))
        self.current, self.current_signed = path, signed
        self._update_actions()
        self.go_to_page(1)
        self.report_ready.emit(path)

    def go_to_page(self, number: int) -> None:
        count = self.document.pageCount()
        if not count:
            return
        number = min(max(1, number), count)
        self.view.pageNavigator().jump(number - 1, QPointF(), self.view.pageNavigator().currentZoom())
        self.page_spin.setValue(number)

    def _on_view_page_changed(self, page: int) -> None:
        self.page_spin.setValue(page + 1)

    def _on_zoom_changed(self) -> None:
        factor = float(self.zoom.currentData() or 0.0)
        if factor <= 0:
            self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        else:
            self.view.setZoomMode(QPdfView.ZoomMode.Custom)
            self.view.setZoomFactor(factor)

    def _step_zoom(self, step: int) -> None:
        index = self.zoom.currentIndex()
        if index == 0:  # from "fit width", start at 100%
            index = self.zoom.findData(1.0)
        self.zoom.setCurrentIndex(min(max(1, index + step), self.zoom.count() - 1))

    # print and save --------------------------------------------------------------------------
    def _on_print_clicked(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(_("Print the report"))
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> None:
        """Each page rendered at the printer's resolution, scaled to its printable area."""
        painter = QPainter()
        if not painter.begin(printer):
            raise UserFacingError(_("The printer cannot be used."))
        try:
            first, last = printer.fromPage() or 1, printer.toPage() or self.document.pageCount()
            for index in range(first - 1, min(last, self.document.pageCount())):
                if index > first - 1:
                    printer.newPage()
                area = painter.viewport()
                size = self.document.pagePointSize(index)
                scale = min(area.width() / size.width(), area.height() / size.height())
                target = QRectF(0, 0, size.width() * scale, size.height() * scale)
                # 300 dpi is plenty for text and rules; the printer's own 1200 dpi would need 500 MB a page.
                dpi = min(printer.resolution(), PRINT_DPI)
                image = self.document.render(index, QSize(int(size.width() / 72 * dpi),
                                                          int(size.height() / 72 * dpi)))
                painter.drawImage(target, image)
        finally:
            painter.end()

    def _on_save_clicked(self) -> None:
        if self.current is None:
            return
        path, _filter = QFileDialog.getSaveFileName(self, _("Save the report"),
                                                    str(self.folders.suggest(FileKind.REPORTS, self.current.name)),
                                                    _("PDF documents (*.pdf)"))
        if path:
            self.folders.remember(FileKind.REPORTS, Path(path))
            self.save_to(Path(path))

    def save_to(self, path: Path) -> None:
        if self.current is None:
            return
        reports.write_atomically(path, self.current.read_bytes())
        self.done_notice.show_done(_("Saved to {path}.").format(path=path), path)

    # sign, verify, trust ---------------------------------------------------------------------
    def _on_sign_clicked(self) -> None:
        if self._token_finder is None:
            self._token_finder = TokenFinder(self._session.uow_factory, self)
        dialog = SignDialog(self._token_finder, reports.get_token_settings(uow_factory=self._session.uow_factory),
                            self)
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                self.sign_current(dialog.credentials())
        finally:
            dialog.deleteLater()

    def sign_current(self, credentials: reports.Credentials, *, accept_signer_mismatch: bool = False) -> None:
        """Sign the shown PDF; a certificate of another organisation asks first (then signs if confirmed)."""
        if self.current is None:
            return
        if isinstance(credentials, reports.TokenCredentials) and credentials.library:
            self.changed.emit(reports.save_token_settings(uow_factory=self._session.uow_factory,
                                                          library=credentials.library, slot=credentials.slot,
                                                          serial=credentials.serial))
        source = self.current
        target = source.with_name(source.stem.removesuffix("-da-ky") + "-da-ky.pdf")
        uow_factory = self._session.uow_factory

        def work() -> Path:
            return reports.sign_pdf_file(uow_factory=uow_factory, source=source, target=target,
                                         credentials=credentials, accept_signer_mismatch=accept_signer_mismatch)

        def done(path: Path) -> None:
            self.show_pdf(path, signed=True)
            self.verify_file(path)

        self._run(_("Signing…"), work, done,
                  on_mismatch=lambda: self.sign_current(credentials, accept_signer_mismatch=True))

    def _on_verify_clicked(self) -> None:
        start = str(self.folders.start(FileKind.REPORTS))
        path, _filter = QFileDialog.getOpenFileName(self, _("Verify a PDF"), start, _("PDF documents (*.pdf)"))
        if path:
            self.folders.remember(FileKind.REPORTS, Path(path))
            self.verify_file(Path(path), show=True)

    def verify_file(self, path: Path, *, show: bool = False) -> None:
        uow_factory = self._session.uow_factory

        def done(result: reports.VerificationReport) -> None:
            self.last_verification = result
            self.status.setText(verification_text(result, path.name))
            self.status.setToolTip(technical_details(result.stamp.sha256) if result.stamp is not None else "")
            self.verified.emit(result)
            if show and path != self.current:
                self.show_pdf(path, signed=result.signed)

        self._run(_("Verifying…"), lambda: reports.verify_pdf_file(path=path, uow_factory=uow_factory), done)

    def _on_trust_clicked(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(self, _("Trust a root certificate"), "",
                                                    _("Certificates (*.cer *.crt *.pem *.der);;All files (*)"))
        if path:
            self.trust_root(Path(path))

    def trust_root(self, path: Path) -> None:
        try:
            changes: Changes = reports.add_trusted_root(uow_factory=self._session.uow_factory,
                                                        certificate=path.read_bytes())
        except OSError as exc:
            show_user_error(self, UserFacingError(_("The file {path} cannot be read: {reason}").format(
                path=path, reason=os_reason(exc))))
            return
        except UserFacingError as error:
            show_user_error(self, error)
            return
        roots = reports.describe_trusted_roots(uow_factory=self._session.uow_factory)
        self.status.setText(_("Trusted root certificates: {names}").format(
            names="; ".join(root.subject for root in roots)))
        self.changed.emit(changes)
