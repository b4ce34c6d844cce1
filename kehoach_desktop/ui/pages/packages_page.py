"""Gói dữ liệu đã nhận (city): import the reporting units' signed packages, confirm their keys, send receipts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kehoach_desktop.domain.periods import period_heading
from kehoach_desktop.formats import format_datetime, format_number
from kehoach_desktop.i18n import N_, _
from kehoach_desktop.services import sync
from kehoach_desktop.services.changes import Changes
from kehoach_desktop.services.session import WorkspaceSession
from kehoach_desktop.services.sync_dto import ImportOutcome, ReceivedPackageRow
from kehoach_desktop.ui.empty_state import EmptyState
from kehoach_desktop.ui.folders import DocumentFolders, DoneNotice, FileKind
from kehoach_desktop.ui.pages.sync_page import (
    PACKAGE_FILTER,
    PackageImporter,
    fingerprint_font,
    run_busy,
    show_import_results,
)
from kehoach_desktop.ui.table_model import Column, DtoTableModel
from kehoach_desktop.ui.tasks import TaskRunner
from kehoach_desktop.ui.widgets import PageHeader, set_available, sortable_table

SUFFIXES = (".khsync", ".khreceipt", ".khtemplate")
RECEIVED_STATUS = {"received": N_("Received"), "accepted": N_("Accepted"), "returned": N_("Returned")}
KIND_LABELS = {"district-report": N_("Report"), "city-template": N_("Template"), "receipt": N_("Receipt")}


def received_columns() -> list[Column[ReceivedPackageRow]]:
    return [
        Column(_("Unit"), lambda p: p.unit_code),
        Column(_("Name"), lambda p: p.unit_name),
        Column(_("Kind"), lambda p: _(KIND_LABELS.get(p.kind, p.kind))),
        Column(_("Period"), lambda p: period_heading(p.period), lambda p: p.period),
        Column(_("No."), lambda p: str(p.sequence), lambda p: p.sequence, numeric=True),
        Column(_("Sent on"), lambda p: format_datetime(p.created_at.astimezone()), lambda p: p.created_at),
        Column(_("Received on"), lambda p: format_datetime(p.received_at.astimezone()), lambda p: p.received_at),
        Column(_("Size"), lambda p: _("{kb} KB").format(kb=format_number(max(1, round(p.size / 1024)))),
               lambda p: p.size, numeric=True),
        Column(_("Status"), lambda p: _(RECEIVED_STATUS.get(p.status, p.status)) + (f": {p.reason}" if p.reason
                                                                                      else "")),
        Column(_("Key fingerprint"), lambda p: p.fingerprint, tooltip=lambda p: f"SHA-256 {p.sha256}"),
    ]


def package_files(paths: list[Path]) -> list[Path]:
    """Files as chosen; a folder stands for the packages it holds."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES))
        else:
            files.append(path)
    return files


class PackagesPage(QWidget):
    """Refreshes when a write touches any of RELEVANT_CHANGES."""

    RELEVANT_CHANGES = ("packages",)
    changed = Signal(object)

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self.runner = TaskRunner(self)
        self.folders = DocumentFolders(session)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        self.header = PageHeader(_("Received packages"), _(
            "Import the signed packages of the reporting units (several files, or a whole folder from a USB "
            "stick). The first package of a unit asks you to confirm its key's fingerprint by phone."))
        layout.addWidget(self.header)
        summary = session.summary()
        own_key = QLabel(_("This workspace's key fingerprint (the units confirm it for receipts and templates):"))
        own_key.setWordWrap(True)
        layout.addWidget(own_key)
        self.fingerprint = QLabel(summary.key_fingerprint)
        self.fingerprint.setObjectName("key_fingerprint")
        self.fingerprint.setFont(fingerprint_font(16))
        self.fingerprint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.fingerprint)

        actions = QHBoxLayout()
        self.import_button = QPushButton(_("Import files…"))
        self.import_button.setObjectName("import_files_button")
        self.import_button.setDefault(True)
        self.import_button.clicked.connect(self._on_import_files_clicked)
        self.folder_button = QPushButton(_("Import a folder…"))
        self.folder_button.setObjectName("import_folder_button")
        self.folder_button.clicked.connect(self._on_import_folder_clicked)
        self.receipt_button = QPushButton(_("Export receipt…"))
        self.receipt_button.setObjectName("export_receipt_button")
        self.receipt_button.clicked.connect(self._on_receipt_clicked)
        self.template_button = QPushButton(_("Export template package…"))
        self.template_button.setObjectName("export_template_button")
        self.template_button.clicked.connect(self._on_template_clicked)
        for button in (self.import_button, self.folder_button, self.receipt_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.template_button)
        layout.addLayout(actions)

        self.model: DtoTableModel[ReceivedPackageRow] = DtoTableModel(received_columns(), self)
        self.proxy, self.table = sortable_table(self.model, "received_packages_table", self)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        layout.addWidget(self.table, 1)
        self.empty = EmptyState(self.table, object_name="packages_empty")
        self.message = QLabel("")
        self.message.setObjectName("packages_message")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.done_notice = DoneNotice(object_name="package_written")
        layout.addWidget(self.done_notice)
        self._importer = PackageImporter(self, session, self.runner, self._on_imported)
        self._update_actions()

    def refresh(self) -> None:
        rows = sync.list_received_packages(uow_factory=self._session.uow_factory)
        self.model.set_rows(rows)
        if rows:
            self.empty.clear()
        else:
            self.empty.show_message(_("No package has been received yet. The units send their packages (.khsync) on a "
                                      "USB stick or by e-mail; importing them fills the completeness board."),
                                    _("Import files…"), self.import_button.click)
        self._update_actions()

    def selected(self) -> ReceivedPackageRow | None:
        indexes = self.table.selectionModel().selectedRows()
        if not indexes:
            return None
        return self.model.row_at(self.proxy.mapToSource(indexes[0]).row())

    def _update_actions(self) -> None:
        row = self.selected()
        set_available(self.receipt_button, "" if row is not None and row.kind == "district-report" else
                      _("Select a unit's report package in the list first."))

    # import ------------------------------------------------------------------------------------
    def _on_import_files_clicked(self) -> None:
        paths, _selected = QFileDialog.getOpenFileNames(self, _("Import packages"),
                                                        str(self.folders.start(FileKind.PACKAGES)), _(PACKAGE_FILTER))
        if paths:
            self.folders.remember(FileKind.PACKAGES, Path(paths[0]))
            self.import_files([Path(p) for p in paths])

    def _on_import_folder_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Import every package of a folder"),
                                                  str(self.folders.start(FileKind.PACKAGES)))
        if folder:
            self.folders.remember(FileKind.PACKAGES, Path(folder))
            self.import_files([Path(folder)])

    def import_files(self, paths: list[Path]) -> None:
        files = package_files(paths)
        if not files:
            self.message.setText(_("No package was found there."))
            return
        self._importer.start(files)

    def _on_imported(self, outcomes: list[ImportOutcome], refusals: list[str]) -> None:
        self.refresh()
        changes = Changes(packages=True)
        for outcome in outcomes:
            changes = changes | outcome.changes
        self.changed.emit(changes)
        show_import_results(self, outcomes, refusals)

    # receipts and templates --------------------------------------------------------------------
    def _on_receipt_clicked(self) -> None:
        row = self.selected()
        if row is None:
            return
        name = f"bien-nhan-{row.unit_code}-{row.period}-{row.sequence:03d}.khreceipt"
        path, _selected = QFileDialog.getSaveFileName(self, _("Export receipt"),
                                                      str(self.folders.suggest(FileKind.PACKAGES, name)),
                                                      _("Receipts (*.khreceipt)"))
        if path:
            self.folders.remember(FileKind.PACKAGES, Path(path))
            self.export_receipt(row.sha256, Path(path))

    def export_receipt(self, sha256: str, out: Path) -> None:
        uow_factory = self._session.uow_factory

        def work() -> Any:
            return sync.export_receipt(uow_factory=uow_factory, package_sha256=sha256, out=out)

        run_busy(self, self.runner, _("Writing the receipt…"), work,
                 lambda result: self.done_notice.show_done(_("Receipt written to {path}.").format(path=result.path),
                                                           Path(result.path)))

    def _on_template_clicked(self) -> None:
        summary = self._session.summary()
        path, _selected = QFileDialog.getSaveFileName(
            self, _("Export template package"),
            str(self.folders.suggest(FileKind.PACKAGES, f"{summary.template_code}.khtemplate")),
            _("Template packages (*.khtemplate)"))
        if path:
            self.folders.remember(FileKind.PACKAGES, Path(path))
            uow_factory = self._session.uow_factory

            def work() -> Any:
                return sync.export_template_package(uow_factory=uow_factory, out=Path(path))

            run_busy(self, self.runner, _("Writing the template package…"), work,
                     lambda result: self.done_notice.show_done(_("Template package written to {path}.").format(
                         path=result.path), Path(result.path)))
