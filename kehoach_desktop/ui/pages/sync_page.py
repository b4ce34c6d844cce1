"""Gửi báo cáo (district): the workspace's key fingerprint, the packages sent, and the city's receipts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kehoach_desktop.domain.errors import UserFacingError
from kehoach_desktop.domain.periods import period_heading, period_label
from kehoach_desktop.formats import format_datetime, format_number
from kehoach_desktop.i18n import N_, _
from kehoach_desktop.services import sync
from kehoach_desktop.services.backups import make_backup
from kehoach_desktop.services.changes import Changes
from kehoach_desktop.services.session import WorkspaceSession
from kehoach_desktop.services.sync_dto import ImportOutcome, PackageCheck, SentPackageRow, SyncStatus
from kehoach_desktop.ui.empty_state import EmptyState
from kehoach_desktop.ui.errors import show_user_error
from kehoach_desktop.ui.folders import DocumentFolders, DoneNotice, FileKind
from kehoach_desktop.ui.table_model import Column, DtoTableModel
from kehoach_desktop.ui.tasks import TaskRunner
from kehoach_desktop.ui.widgets import PageHeader

STATUS_LABELS = {  # a package written to disk is only exported; it is sent once the city's receipt says so
    "sent": N_("Exported (no receipt from the city yet)"),
    "received": N_("Sent: received by the city"),
    "accepted": N_("Accepted"),
    "returned": N_("Returned"),
    "refused": N_("Refused by the city"),
}
PACKAGE_FILTER = N_("Packages (*.khsync *.khreceipt *.khtemplate)")


def status_text(status: str, reason: str) -> str:
    label = _(STATUS_LABELS.get(status, status))
    return f"{label}: {reason}" if reason else label


def sent_columns() -> list[Column[SentPackageRow]]:
    return [
        Column(_("No."), lambda p: str(p.sequence), lambda p: p.sequence, numeric=True),
        Column(_("Period"), lambda p: period_heading(p.period), lambda p: p.period),
        Column(_("Exported on"), lambda p: format_datetime(p.created_at.astimezone()), lambda p: p.created_at),
        Column(_("Size"), lambda p: _("{kb} KB").format(kb=format_number(max(1, round(p.size / 1024)))),
               lambda p: p.size, numeric=True),
        Column(_("Status"), lambda p: status_text(p.status, p.reason), tooltip=lambda p: p.reason),
        Column(_("File"), lambda p: p.file_name, tooltip=lambda p: f"SHA-256 {p.sha256}"),
        Column(_("Key fingerprint"), lambda p: p.fingerprint),
    ]


def fingerprint_font(point_size: int) -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setPointSize(point_size)
    font.setBold(True)
    return font


def confirm_new_key(parent: QWidget, check: PackageCheck) -> bool:
    """Ask the user to compare a first key's fingerprint with the one read out by phone."""
    box = QMessageBox(QMessageBox.Icon.Question, _("Confirm a new signing key"), "", parent=parent)
    box.setObjectName("confirm_key_dialog")
    box.setTextFormat(Qt.TextFormat.RichText)
    who = f"{check.unit_code} — {check.unit_name}" if check.unit_name else check.unit_code
    box.setText(_("<p>The file {file} is the first one from <b>{who}</b>. It is signed with a key this "
                  "workspace does not know yet.</p><p>Call the sender and ask them to read out the fingerprint "
                  "shown on their Sync page. Import only if it is exactly:</p>"
                  "<p style='font-size: 20pt; font-family: monospace'><b>{fingerprint}</b></p>").format(
                      file=Path(check.path).name, who=who, fingerprint=check.fingerprint))
    yes = box.addButton(_("The fingerprint is the same: import"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(_("Do not import"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(None)
    box.exec()
    return box.clickedButton() is yes


def show_import_results(parent: QWidget, outcomes: list[ImportOutcome], refusals: list[str]) -> None:
    imported = sum(o.imported for o in outcomes)
    text = _("{imported} imported, {unchanged} already imported before, {refused} refused.").format(
        imported=imported, unchanged=len(outcomes) - imported, refused=len(refusals))
    box = QMessageBox(QMessageBox.Icon.Warning if refusals else QMessageBox.Icon.Information,
                      _("Import of packages"), text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("import_results_dialog")
    box.setInformativeText("\n\n".join([o.message for o in outcomes] + refusals)[:2000])
    box.setDetailedText("\n\n".join([o.message for o in outcomes] + refusals))
    box.exec()


class PackageImporter:
    """Checks files in the background, asks about new keys on the GUI thread, then imports them."""

    def __init__(self, parent: QWidget, session: WorkspaceSession, runner: TaskRunner,
                 on_finished: Callable[[list[ImportOutcome], list[str]], None]) -> None:
        self._parent = parent
        self._session = session
        self._runner = runner
        self._on_finished = on_finished

    def start(self, paths: list[Path]) -> None:
        uow_factory = self._session.uow_factory

        def check_all() -> tuple[list[PackageCheck], list[str]]:
            checks, refusals = [], []
            for path in paths:
                try:
                    checks.append(sync.check_package(uow_factory=uow_factory, path=path))
                except UserFacingError as error:
                    refusals.append(str(error))
            return checks, refusals

        run_busy(self._parent, self._runner, _("Checking the packages…"), check_all, self._confirm_then_import)

    def _confirm_then_import(self, result: tuple[list[PackageCheck], list[str]]) -> None:
        checks, refusals = result
        confirmed: set[str] = set()
        asked: set[str] = set()
        for check in checks:
            if check.key_state == "new" and check.fingerprint not in asked:
                asked.add(check.fingerprint)
                if confirm_new_key(self._parent, check):
                    confirmed.add(check.fingerprint)
        uow_factory = self._session.uow_factory
        paths = [Path(c.path) for c in checks]

        def import_all() -> tuple[list[ImportOutcome], list[str]]:
            outcomes, refused = [], list(refusals)
            make_backup(uow_factory=uow_factory, reason="before-package-import")
            for path in paths:
                try:
                    outcomes.append(sync.import_package(uow_factory=uow_factory, path=path,
                                                        confirmed_fingerprints=confirmed))
                except UserFacingError as error:
                    refused.append(str(error))
            return outcomes, refused

        run_busy(self._parent, self._runner, _("Importing the packages…"), import_all,
                 lambda r: self._on_finished(*r))


def run_busy(parent: QWidget, runner: TaskRunner, message: str, work: Callable[[], Any],
             on_done: Callable[[Any], None]) -> None:
    progress = QProgressDialog(message, "", 0, 0, parent)
    progress.setCancelButton(None)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(400)

    def done(result: Any) -> None:
        progress.close()
        on_done(result)

    def failed(error: BaseException) -> None:
        progress.close()
        if isinstance(error, UserFacingError):
            show_user_error(parent, error)
        else:
            raise error

    runner.run(work, on_done=done, on_error=failed)


class SyncPage(QWidget):
    """Refreshes when a write touches any of RELEVANT_CHANGES."""

    RELEVANT_CHANGES = ("packages", "workspace")
    changed = Signal(object)

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.runner = TaskRunner(self)
        self.folders = DocumentFolders(session)
        self.status: SyncStatus | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        self.header = PageHeader(_("Sync"), _("Send the plan and its progress to the city as a signed package, on a "
                                              "USB stick or by e-mail, and import the city's receipts."))
        layout.addWidget(self.header)

        key_box = QFrame()
        key_box.setProperty("role", "card")
        key_layout = QVBoxLayout(key_box)
        caption = QLabel(_("Fingerprint of this workspace's signing key — read it out to the city by phone when "
                           "it receives your first package:"))
        caption.setWordWrap(True)
        self.fingerprint = QLabel("—")
        self.fingerprint.setObjectName("key_fingerprint")
        self.fingerprint.setFont(fingerprint_font(22))
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.city_key = QLabel("")
        self.city_key.setObjectName("city_key")
        self.city_key.setWordWrap(True)
        key_layout.addWidget(caption)
        key_layout.addWidget(self.fingerprint)
        key_layout.addWidget(self.city_key)
        layout.addWidget(key_box)

        actions = QHBoxLayout()
        actions.addWidget(QLabel(_("Reporting period:")))
        self.period = QComboBox()
        self.period.setObjectName("period_combo")
        actions.addWidget(self.period)
        self.export_button = QPushButton(_("Export package…"))
        self.export_button.setObjectName("export_package_button")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self._on_export_clicked)
        actions.addWidget(self.export_button)
        actions.addSpacing(24)
        self.import_button = QPushButton(_("Import receipt or template…"))
        self.import_button.setObjectName("import_receipt_button")
        self.import_button.clicked.connect(self._on_import_clicked)
        actions.addWidget(self.import_button)
        actions.addStretch(1)
        layout.addLayout(actions)

        title = QLabel(_("Packages exported"))
        title.setProperty("role", "section-title")
        layout.addWidget(title)
        self.model: DtoTableModel[SentPackageRow] = DtoTableModel(sent_columns(), self)
        self.table = QTableView()
        self.table.setObjectName("sent_packages_table")
        self.table.setModel(self.model)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        self.empty = EmptyState(self.table, object_name="sent_packages_empty")
        self.message = QLabel("")
        self.message.setObjectName("sync_message")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.done_notice = DoneNotice(object_name="package_written")
        layout.addWidget(self.done_notice)
        self._importer = PackageImporter(self, session, self.runner, self._on_imported)

    def refresh(self) -> None:
        self.show_status(sync.get_sync_status(uow_factory=self._session.uow_factory, today=self._session.today()))

    def show_status(self, status: SyncStatus) -> None:
        self.status = status
        self.fingerprint.setText(status.key_fingerprint)
        self.city_key.setText(
            _("City's key: {fingerprint}").format(fingerprint=status.city_key_fingerprint)
            if status.city_key_fingerprint else
            _("The city's key is not known yet: it is confirmed when you import its first receipt or template."))
        chosen = self.period.currentData() or status.default_period
        self.period.clear()
        for period in status.periods:
            self.period.addItem(period_heading(period), period)
        if self.period.findData(chosen) < 0:
            self.period.addItem(period_heading(chosen), chosen)
        self.period.setCurrentIndex(self.period.findData(chosen))
        self.model.set_rows(status.packages)
        if status.packages:
            self.empty.clear()
        else:
            self.empty.show_message(_("No package has been exported yet. Choose the reporting period above, then "
                                      "export the package: a signed file to send to the city."),
                                    _("Export package…"), self.export_button.click)

    # export ------------------------------------------------------------------------------------
    def _default_name(self) -> str:
        assert self.status is not None
        sequence = (self.status.packages[0].sequence if self.status.packages else 0) + 1
        return f"{self.status.unit_code}-{self.period.currentData()}-{sequence:03d}.khsync"

    def _on_export_clicked(self) -> None:
        suggested = self.folders.suggest(FileKind.PACKAGES, self._default_name())
        path, _selected = QFileDialog.getSaveFileName(self, _("Export package"), str(suggested),
                                                      _("Sync packages (*.khsync)"))
        if path:
            self.folders.remember(FileKind.PACKAGES, Path(path))
            self.export_package(Path(path) if path.endswith(".khsync") else Path(path + ".khsync"),
                                self.period.currentData())

    def export_package(self, out: Path, period: str) -> None:
        uow_factory, today = self._session.uow_factory, self._session.today()

        def work() -> Any:
            return sync.export_sync_package(uow_factory=uow_factory, out=out, period=period, today=today)

        def done(result: Any) -> None:
            self.done_notice.show_done(_(
                "Package {sequence} for {period} written to {path} ({kb} KB). Send it to the city on a USB stick "
                "or by e-mail; it shows as sent when the city's receipt is imported.").format(
                sequence=result.sequence, period=period_label(result.period), path=result.path,
                kb=format_number(max(1, round(result.size / 1024)))), Path(result.path))
            self.refresh()
            self.changed.emit(Changes(packages=True))

        run_busy(self, self.runner, _("Writing the package…"), work, done)

    # import ------------------------------------------------------------------------------------
    def _on_import_clicked(self) -> None:
        paths, _selected = QFileDialog.getOpenFileNames(self, _("Import receipt or template"),
                                                        str(self.folders.start(FileKind.PACKAGES)), _(PACKAGE_FILTER))
        if paths:
            self.folders.remember(FileKind.PACKAGES, Path(paths[0]))
            self.import_files([Path(p) for p in paths])

    def import_files(self, paths: list[Path]) -> None:
        self._importer.start(paths)

    def _on_imported(self, outcomes: list[ImportOutcome], refusals: list[str]) -> None:
        self.refresh()
        changes = Changes()
        for outcome in outcomes:
            changes = changes | outcome.changes
        self.changed.emit(changes | Changes(packages=True))
        show_import_results(self, outcomes, refusals)
        for outcome in outcomes:
            if outcome.imported and outcome.template_code:
                self.offer_plan_year(outcome.template_code, outcome.period)

    def offer_plan_year(self, code: str, year: str) -> bool:
        """A newer template arrived: start its year's plan now (the earlier years stay in the workspace)?"""
        from kehoach_desktop.services.years import use_template

        box = QMessageBox(QMessageBox.Icon.Question, _("New template"),
                          _("Start the plan of {year} from the template {code} now? The plans of earlier years stay "
                            "in the workspace (File → Plan years…).").format(year=year, code=code),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setObjectName("offer_plan_year")
        if box.exec() != QMessageBox.StandardButton.Yes:
            return False
        try:
            change = use_template(uow_factory=self._session.uow_factory, code=code)
        except UserFacingError as error:
            show_user_error(self, error)
            return False
        self.refresh()
        self.changed.emit(change.changes)
        return True
