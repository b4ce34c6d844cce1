"""Vietnamese for the strings Qt draws itself (standard buttons, wizard, text menus, file dialog).

Qt ships no Vietnamese translation of its own strings, so these source texts are kept
in our catalog and served to Qt through :class:`GettextQtTranslator`.
"""

from __future__ import annotations

from PySide6.QtCore import QTranslator

from kehoach_desktop.i18n import N_, _

QT_SOURCE_TEXTS: frozenset[str] = frozenset({
    # QPlatformTheme: standard buttons
    N_("OK"), N_("Save"), N_("Save All"), N_("Open"), N_("&Yes"), N_("Yes to &All"), N_("&No"),
    N_("N&o to All"), N_("Abort"), N_("Retry"), N_("Ignore"), N_("Close"), N_("Cancel"), N_("Discard"),
    N_("Help"), N_("Apply"), N_("Reset"), N_("Restore Defaults"), N_("Don't Save"), N_("Close without Saving"),
    N_("&OK"), N_("&Save"), N_("&Cancel"), N_("&Close"), N_("&Open"),
    # QWizard
    N_("< &Back"), N_("&Back"), N_("&Next >"), N_("&Next"), N_("&Finish"), N_("&Help"), N_("Go Back"),
    N_("Continue"), N_("Commit"), N_("Done"),
    # QLineEdit / QTextEdit context menus
    N_("&Undo"), N_("&Redo"), N_("Cu&t"), N_("&Copy"), N_("&Paste"), N_("Delete"), N_("Select All"),
    N_("Copy &Link Location"),
    # QMessageBox
    N_("Show Details..."), N_("Hide Details..."), N_("About Qt"),
    # QFileDialog
    N_("Look in:"), N_("File &name:"), N_("Files of type:"), N_("Directory:"), N_("&Choose"),
    N_("Back"), N_("Forward"), N_("Parent Directory"), N_("Create New Folder"), N_("New Folder"),
    N_("List View"), N_("Detail View"), N_("All Files (*)"), N_("Name"), N_("Size"), N_("Type"),
    N_("Date Modified"), N_("My Computer"), N_("Computer"), N_("&Rename"), N_("&Delete"),
    N_("Show &hidden files"), N_("Recent Places"),
    # QColorDialog / QInputDialog / misc.
    N_("&Find"), N_("Find"),
})


class GettextQtTranslator(QTranslator):
    """Serves our catalog's translations of Qt's own strings, whatever the Qt context."""

    def translate(self, context: str, source_text: str, disambiguation: str | None = None,
                  n: int = -1) -> str:
        if source_text in QT_SOURCE_TEXTS:
            translated = _(source_text)
            if translated != source_text:
                return translated
        return ""

    def isEmpty(self) -> bool:
        return False
