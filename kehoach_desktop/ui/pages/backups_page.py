"""Sao lưu: the workspace's backups — list, back up now, copy to a USB stick, restore after confirmation.

Restoring replaces the open workspace, so the page only asks for it (``restore_requested``);
the application controller closes the session, restores and opens the workspace again.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kehoach_desktop.domain.errors import UserFacingError
from kehoach_desktop.formats import format_datetime, format_number
from kehoach_desktop.i18n import _
from kehoach_desktop.services import backups
from kehoach_desktop.services.backups import BackupInfo
from kehoach_desktop.services.session import WorkspaceSession
from kehoach_desktop.ui.empty_state import EmptyState
from kehoach_desktop.ui.errors import show_user_error
from kehoach_desktop.ui.flow_layout import flow_row
from kehoach_desktop.ui.folders import DoneNotice
from kehoach_desktop.ui.table_model import Column, DtoTableModel
from kehoach_desktop.ui.tasks import TaskRunner
from kehoach_desktop.ui.widgets import PageHeader, set_available, sortable_table

LAST_FOLDER_KEY = "backups/last_folder"


def size_text(size: int) -> str:
    if size < 1024 * 1024:
        return _("{n} KB").format(n=format_number(max(1, round(size / 1024))))
    return _("{n} MB").format(n=format_number(round(size / 1024 / 1024, 1)))


def backup_columns() -> list[Column[BackupInfo]]:
    return [
        Column(_("Date"), lambda b: format_datetime(b.taken_at), lambda b: b.taken_at.isoformat()),
        Column(_("Size"), lambda b: size_text(b.size), lambda b: b.size, numeric=True),
        Column(_("Reason"), lambda b: b.reason_label),
        Column(_("Check"), lambda b: _("Good") if b.verified else _("Not checked"), lambda b: int(b.verified),
               tooltip=lambda b: _("The copy passed SQLite's integrity check when it was made.") if b.verified
               else _("Nothing is known about this copy; it is checked before it is restored.")),
        Column(_("File"), lambda b: b.path.name),
    ]


class BackupsPage(QWidget):
    """Refreshes on request and after each backup it makes; writes nothing to the workspace itself."""

    RELEVANT_CHANGES = ("workspace",)
    restore_requested = Signal(object)  # the Path of the backup to restore

    def __init__(self, session: WorkspaceSession, settings: QSettings | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._settings = settings
        self.runner = TaskRunner(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        self.header = PageHeader(_("Backups"), _(
            "A copy of the workspace is made every day when the application starts, and before every import, "
            "upgrade and restore. The newest 10 copies are kept, and the first copy of each month for a year."))
        layout.addWidget(self.header)

        self.backup_button = QPushButton(_("Back up now"))
        self.backup_button.setObjectName("backup_now_button")
        self.backup_button.clicked.connect(self._on_backup_clicked)
        self.copy_button = QPushButton(_("Back up to a folder or USB stick…"))
        self.copy_button.setObjectName("backup_to_folder_button")
        self.copy_button.clicked.connect(self._on_copy_clicked)
        self.restore_button = QPushButton(_("Restore this backup…"))
        self.restore_button.setObjectName("restore_button")
        self.restore_button.clicked.connect(self._on_restore_clicked)
        self.restore_file_button = QPushButton(_("Restore from a file…"))
        self.restore_file_button.setObjectName("restore_file_button")
        self.restore_file_button.clicked.connect(self._on_restore_file_clicked)
        self.folder_button = QPushButton(_("Open the backups folder"))
        self.folder_button.setObjectName("open_backups_folder_button")
        self.folder_button.clicked.connect(self._on_folder_clicked)
        layout.addLayout(flow_row(self.backup_button, self.copy_button, self.restore_button, self.restore_file_button,
                                  right=(self.folder_button,)))

        self.model: DtoTableModel[BackupInfo] = DtoTableModel(backup_columns(), self)
        self.proxy, self.table = sortable_table(self.model, "backups_table", self)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)
        self.table.doubleClicked.connect(self._on_restore_clicked)
        self.empty = EmptyState(self.table, object_name="backups_empty")
        layout.addWidget(self.table, 1)
        self.folder_label = QLabel("")
        self.folder_label.setObjectName("backups_folder")
        self.folder_label.setWordWrap(True)
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.folder_label)
        self.message = QLabel("")
        self.message.setObjectName("backups_message")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.done_notice = DoneNotice(object_name="backup_done")
        layout.addWidget(self.done_notice)
        self._update_actions()

    # reading -----------------------------------------------------------------------------------
    @property
    def backups_folder(self) -> Path:
        return backups.backups_folder_of(self._session.path)

    def refresh(self) -> None:
        if self._session.path is None:  # a workspace on a database server: its administrator backs it up
            on_server = _("This workspace is kept on a database server; its backups are made there, by the "
                          "server's administrator.")
            self.folder_label.setText(on_server)
            for button in (self.backup_button, self.copy_button, self.restore_button, self.restore_file_button,
                           self.folder_button):
                set_available(button, on_server)
            return
        found = backups.list_backups(workspace=self._session.path)
        self.model.set_rows(found)
        if found:
            self.empty.clear()
        else:
            self.empty.show_message(_("No backup yet. A checked copy of the workspace is made every day at the first "
                                      "start, before every import and when the application closes after changes; "
                                      "one can be made now."), _("Back up now"), self.backup_button.click)
        self.folder_label.setText(_("Backups are kept in {folder}").format(folder=self.backups_folder))
        self._update_actions()

    def selected_backup(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.row_at(self.proxy.mapToSource(rows[0]).row())

    def _update_actions(self) -> None:
        if self._session.path is None:
            return
        set_available(self.restore_button, "" if self.selected_backup() is not None else
                      _("Select a backup in the list first."))
        busy = _("A backup is being made; wait until it is done.") if self.runner.busy else ""
        set_available(self.backup_button, busy)
        set_available(self.copy_button, busy)

    # backing up ------------------------------------------------------------------------------
    def back_up(self, folder: Path | None = None, *, wait: bool = False) -> None:
        """Make a backup in the backups folder, or a copy in ``folder``, in the background."""
        uow_factory = self._session.uow_factory

        def work() -> BackupInfo:
            if folder is None:
                return backups.make_backup(uow_factory=uow_factory, reason="manual")
            return backups.backup_now_to(uow_factory=uow_factory, folder=folder)

        def done(made: BackupInfo) -> None:
            self.message.setText("")
            self.done_notice.show_done(_("Backed up to {path} ({size}), checked and good.").format(
                path=made.path, size=size_text(made.size)), made.path)
            self.refresh()

        def failed(error: BaseException) -> None:
            self._update_actions()
            if isinstance(error, UserFacingError):
                self.message.setText(error.message)
                show_user_error(self, error)
            else:
                raise error

        self.done_notice.hide()
        self.message.setText(_("Backing up…"))
        self.runner.run(work, on_done=done, on_error=failed)
        self._update_actions()
        if wait:
            self.runner.wait()

    def _on_backup_clicked(self) -> None:
        self.back_up()

    def _on_copy_clicked(self) -> None:
        start = str(self._settings.value(LAST_FOLDER_KEY, "")) if self._settings is not None else ""
        chosen = QFileDialog.getExistingDirectory(self, _("Choose a folder or USB stick for the copy"),
                                                  start or str(Path.home()))
        if chosen:
            self.back_up_to(Path(chosen))

    def back_up_to(self, folder: Path, *, wait: bool = False) -> None:
        if self._settings is not None:
            self._settings.setValue(LAST_FOLDER_KEY, str(folder))
        self.back_up(folder, wait=wait)

    def _on_folder_clicked(self) -> None:
        folder = self.backups_folder
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder if folder.is_dir() else folder.parent)))

    # restoring -------------------------------------------------------------------------------
    def confirm_restore(self, backup: BackupInfo | Path) -> bool:
        if isinstance(backup, BackupInfo):
            when = format_datetime(backup.taken_at)
            text = _("Restore the workspace as it was on {date}?").format(date=when)
        else:
            text = _("Restore the workspace from {name}?").format(name=backup.name)
        box = QMessageBox(QMessageBox.Icon.Question, _("Restore a backup"), text,
                          QMessageBox.StandardButton.Cancel, self)
        box.setObjectName("confirm_restore")
        box.setInformativeText(_(
            "Everything changed since then will be replaced by the backup. The current state is backed up "
            "first, so you can go back to it by restoring that copy. The workspace closes and opens again."))
        restore = box.addButton(_("Restore"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is restore

    def _on_restore_clicked(self) -> None:
        chosen = self.selected_backup()
        if chosen is not None and self.confirm_restore(chosen):
            self.restore_requested.emit(chosen.path)

    def _on_restore_file_clicked(self) -> None:
        start = str(self._settings.value(LAST_FOLDER_KEY, "")) if self._settings is not None else ""
        chosen, _filter = QFileDialog.getOpenFileName(self, _("Choose a backup to restore"),
                                                      start or str(self.backups_folder),
                                                      _("Kế hoạch workspaces (*.khws);;All files (*)"))
        if chosen and self.confirm_restore(Path(chosen)):
            self.restore_requested.emit(Path(chosen))
