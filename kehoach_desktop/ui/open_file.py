"""A package named on the command line — a double-click in Explorer or a file manager — offered for import.

The import itself is the Sync page's: the file is checked in the background, a first key's
fingerprint is confirmed, then it is imported and the results are shown.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from kehoach_desktop.i18n import N_, _
from kehoach_desktop.services.changes import Changes
from kehoach_desktop.services.session import WorkspaceSession
from kehoach_desktop.services.sync_dto import ImportOutcome
from kehoach_desktop.ui.pages.sync_page import PackageImporter, show_import_results
from kehoach_desktop.ui.tasks import TaskRunner

KIND_BY_SUFFIX = {
    ".khsync": N_("a reporting unit's sync package"),
    ".khtemplate": N_("a plan template package from the city"),
    ".khreceipt": N_("a receipt from the city for a package you sent"),
}


def kind_of(path: Path) -> str:
    """What the file says it is, from its extension (its signed manifest is checked on import)."""
    label = KIND_BY_SUFFIX.get(path.suffix.lower())
    return _(label) if label else _("an unknown kind of file")


class FileImportOffer:
    """Asks whether to import one file into the open workspace, and imports it on yes."""

    def __init__(self, parent: QWidget, session: WorkspaceSession, path: Path, *,
                 on_changes: Callable[[Changes], None]) -> None:
        self.parent = parent
        self.session = session
        self.path = path
        self.on_changes = on_changes
        self.runner = TaskRunner(parent)
        self.box: QMessageBox | None = None
        self.import_button: QPushButton | None = None

    def confirmation(self) -> QMessageBox:
        """The question, naming the file, its kind and the workspace it would go into."""
        summary = self.session.summary()
        box = QMessageBox(QMessageBox.Icon.Question, _("Import a file"), "", parent=self.parent)
        box.setObjectName("open_file_dialog")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(_("Import this file into the open workspace?"))
        box.setInformativeText(_("File: {name}\nKind: {kind}\nFolder: {folder}\n\nWorkspace: {workspace} ({unit})\n\n"
                                 "Its signature and sender are checked before anything is imported.").format(
                                     name=self.path.name, kind=kind_of(self.path), folder=self.path.parent,
                                     workspace=summary.path, unit=summary.unit_full_name))
        self.import_button = box.addButton(_("Import"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(_("Do not import"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(self.import_button)
        self.box = box
        return box

    def ask(self) -> bool:
        """Show the question; True when the import was started."""
        if not self.path.is_file():
            box = QMessageBox(QMessageBox.Icon.Warning, _("Import a file"),
                              _("The file {path} cannot be found; nothing was imported.").format(path=self.path),
                              QMessageBox.StandardButton.Ok, self.parent)
            box.setObjectName("open_file_missing_dialog")
            box.exec()
            return False
        box = self.confirmation()
        box.exec()
        if box.clickedButton() is not self.import_button:
            return False
        self.start()
        return True

    def start(self) -> None:
        PackageImporter(self.parent, self.session, self.runner, self._finished).start([self.path])

    def _finished(self, outcomes: list[ImportOutcome], refusals: list[str]) -> None:
        changes = Changes(packages=True)
        for outcome in outcomes:
            changes = changes | outcome.changes
        self.on_changes(changes)
        show_import_results(self.parent, outcomes, refusals)
