"""Where file dialogs start, and the "Open the folder" offered when a file was written.

Each workspace has a documents folder (chosen in the set-up wizard or in the workspace settings;
by default ``Documents/Kế hoạch Desktop``, beside the program in portable mode), made when first
used. Each kind of file (exports, reports, photos, packages) starts there, then in the folder last
used for that kind in that workspace (remembered in the application's settings, per computer: a
shared database on a server does not carry one officer's folders to another).
"""

from __future__ import annotations

import logging
from enum import StrEnum
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton, QWidget

from kehoach_desktop.i18n import _
from kehoach_desktop.paths import app_paths
from kehoach_desktop.services.session import WorkspaceSession

log = logging.getLogger(__name__)


class FileKind(StrEnum):
    EXPORTS = "exports"  # Excel workbooks
    REPORTS = "reports"  # PDF reports and letters
    PHOTOS = "photos"
    PACKAGES = "packages"  # sync and template packages, receipts


def default_documents_folder() -> Path:
    return app_paths().documents_dir


def open_folder(folder: Path) -> bool:
    """Show ``folder`` in the system's file manager."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


class DocumentFolders:
    """The documents folder of one workspace and the folder last used for each kind of file."""

    def __init__(self, session: WorkspaceSession, settings: QSettings | None = None) -> None:
        self._session = session
        self._settings = settings or QSettings(str(app_paths().settings_file), QSettings.Format.IniFormat)

    def root(self) -> Path:
        """The workspace's documents folder, made if it does not exist yet (the home folder if it cannot be)."""
        chosen = self._session.summary().export_folder.strip()
        folder = Path(chosen).expanduser() if chosen else default_documents_folder()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:  # a removed USB stick, a folder of another computer (a shared server workspace)
            log.warning("the documents folder %s cannot be made: %s", folder, error)
            return Path.home()
        return folder

    def _key(self, kind: FileKind) -> str:
        return f"folders/{self._session.summary().id}/{kind.value}"

    def start(self, kind: FileKind) -> Path:
        """Where a dialog for ``kind`` opens: the folder last used for it, else the documents folder."""
        last = str(self._settings.value(self._key(kind), "") or "")
        if last and Path(last).is_dir():
            return Path(last)
        return self.root()

    def suggest(self, kind: FileKind, name: str) -> Path:
        """A file named ``name`` in the folder where ``kind`` starts."""
        return self.start(kind) / name

    def remember(self, kind: FileKind, chosen: Path | str) -> None:
        """``chosen`` (a file or a folder) was used for ``kind``: the next dialog starts in its folder."""
        path = Path(chosen)
        folder = path if path.is_dir() else path.parent
        self._settings.setValue(self._key(kind), str(folder))
        self._settings.sync()


class DoneNotice(QFrame):
    """A line saying what was written where, with a button that opens the folder (hidden until used)."""

    def __init__(self, parent: QWidget | None = None, *, object_name: str = "done_notice") -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setStyleSheet(f"QFrame#{object_name} {{ background: #ecfdf5; border: 1px solid #a7f3d0; "
                           "border-radius: 4px; }")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        self.label = QLabel()
        self.label.setObjectName(f"{object_name}_text")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button = QPushButton(_("Open the folder"))
        self.open_button.setObjectName(f"{object_name}_open_folder")
        self.open_button.clicked.connect(lambda: open_folder(self.folder) if self.folder else None)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignTop)
        self.folder: Path | None = None
        self.hide()

    def show_done(self, text: str, written: Path) -> None:
        """Say ``text``; the button opens the folder of ``written`` (a file, or a folder of files)."""
        self.folder = written if written.is_dir() else written.parent
        self.label.setText(text)
        self.open_button.setToolTip(str(self.folder))
        self.show()

    def text(self) -> str:
        return self.label.text() if self.isVisible() else ""


def add_open_folder_button(box: QMessageBox, written: Path) -> QPushButton:
    """An "Open the folder" button on a message saying that ``written`` was made; it opens the folder too."""
    folder = written if written.is_dir() else written.parent
    button = box.addButton(_("Open the folder"), QMessageBox.ButtonRole.ActionRole)
    button.setObjectName("open_folder_button")
    button.setToolTip(str(folder))
    button.clicked.connect(lambda: open_folder(folder))
    return button
