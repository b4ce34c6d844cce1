"""Tệp → Thiết lập tệp dữ liệu: the officer in charge and the documents folder, after set-up."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from kehoach_desktop.domain.errors import UserFacingError
from kehoach_desktop.i18n import _
from kehoach_desktop.services.session import WorkspaceSession
from kehoach_desktop.services.workspace import update_workspace_settings
from kehoach_desktop.ui.errors import show_user_error
from kehoach_desktop.ui.folders import default_documents_folder, open_folder


class WorkspaceSettingsDialog(QDialog):
    """Saves on OK (one transaction, in the audit log); emits ``changed`` with what the save changed."""

    changed = Signal(object)  # Changes

    def __init__(self, session: WorkspaceSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workspace_settings_dialog")
        self.setWindowTitle(_("Workspace settings"))
        self._session = session
        summary = session.summary()
        self.officer = QLineEdit(summary.officer_name)
        self.officer.setObjectName("officer_name")
        self.officer.setPlaceholderText(_("e.g. Trần Thị Bình"))
        officer_hint = QLabel(_("Named in the history of every record changed from now on."))
        officer_hint.setProperty("role", "hint")
        officer_hint.setWordWrap(True)
        self.folder = QLineEdit(summary.export_folder or str(default_documents_folder()))
        self.folder.setObjectName("documents_folder")
        browse = QPushButton(_("Choose…"))
        browse.setObjectName("documents_folder_browse")
        browse.clicked.connect(self._on_browse_clicked)
        show = QPushButton(_("Open the folder"))
        show.setObjectName("documents_folder_open")
        show.clicked.connect(self._on_open_clicked)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        folder_row.addWidget(show)
        folder_hint = QLabel(_("Exported workbooks, reports, photos and packages are proposed here first; then, "
                               "for each kind of file, the folder used last. Made when first used. Default: {folder}")
                             .format(folder=default_documents_folder()))
        folder_hint.setProperty("role", "hint")
        folder_hint.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(_("Officer in charge:"), self.officer)
        form.addRow("", officer_hint)
        form.addRow(_("Documents folder:"), folder_row)
        form.addRow("", folder_hint)
        form.addRow(self.buttons)
        self.resize(640, self.sizeHint().height())

    def _chosen_folder(self) -> str:
        """The folder typed; the default folder is stored as "" so that it follows the user's Documents."""
        text = self.folder.text().strip()
        return "" if not text or Path(text).expanduser() == default_documents_folder() else text

    def _on_browse_clicked(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, _("Documents folder"), self.folder.text())
        if chosen:
            self.folder.setText(chosen)

    def _on_open_clicked(self) -> None:
        folder = Path(self.folder.text().strip() or default_documents_folder()).expanduser()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            show_user_error(self, UserFacingError(_("The folder {folder} cannot be made: {reason}").format(
                folder=folder, reason=error.strerror or error)))
            return
        open_folder(folder)

    def save(self) -> None:
        try:
            changes = update_workspace_settings(uow_factory=self._session.uow_factory, officer_name=self.officer.text(),
                                                documents_folder=self._chosen_folder())
        except UserFacingError as error:
            show_user_error(self, error)
            return
        self.changed.emit(changes)
        self.accept()
