"""Vietnamese for the strings Qt draws itself (standard buttons, wizard, text menus, file and print dialogs).

Qt ships no Vietnamese translation of its own strings, so these source texts are kept
in our catalog and served to Qt through :class:`GettextQtTranslator`. Any other text is left
to Qt: the translator answers it with a null string, which Qt reads as "no translation"
(an empty string would be a translation, and would blank Qt's labels and shortcut names).
The print texts were found by recording what Qt asks for while its print, page setup and
print preview dialogs open (tests/ui/test_qt_strings.py does it again and checks the list).
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
    # QPrintDialog (Linux): printer, range, copies, options
    N_("Print"), N_("Printer"), N_("&Name:"), N_("P&roperties"), N_("Location:"), N_("Preview"), N_("Type:"),
    N_("Output &file:"), N_("Print range"), N_("Print all"), N_("Pages from"), N_("to"), N_("Pages"),
    N_("Specify pages or ranges separated by commas. Ranges are specified by two numbers separated by a hyphen. "
       "E.g: 3,5-7,9 prints pages 3, 5, 6, 7 and 9."),
    N_("Current Page"), N_("Selection"), N_("Page &Set:"), N_("Output Settings"), N_("Copies:"), N_("Collate"),
    N_("Reverse"), N_("Copies"), N_("Color Mode"), N_("Color"), N_("Grayscale"), N_("Double Sided Printing"),
    N_("Off"), N_("Long side binding"), N_("Short side binding"), N_("Options"), N_("All Pages"), N_("Odd Pages"),
    N_("Even Pages"), N_("&Options >>"), N_("&Options <<"), N_("&Print"), N_("Print to File (PDF)"),
    N_("Local file"), N_("Write PDF file"), N_("Printer Properties"), N_("Page"), N_("Advanced"),
    N_("There are conflicts in some options. Please fix them."), N_("Job Options"),
    # QPageSetupDialog / the page tab of the print dialog
    N_("Paper"), N_("Page size:"), N_("Width:"), N_("Height:"), N_("Paper source:"), N_("Orientation"),
    N_("Portrait"), N_("Landscape"), N_("Reverse landscape"), N_("Reverse portrait"), N_("Margins"),
    N_("top margin"), N_("left margin"), N_("right margin"), N_("bottom margin"), N_("Page Layout"),
    N_("Page &order:"), N_("Pages &per sheet:"), N_("Millimeters (mm)"), N_("Inches (in)"), N_("Points (pt)"),
    N_("Custom"), N_("Left to Right, Top to Bottom"), N_("Left to Right, Bottom to Top"),
    N_("Right to Left, Bottom to Top"), N_("Right to Left, Top to Bottom"), N_("Bottom to Top, Left to Right"),
    N_("Bottom to Top, Right to Left"), N_("Top to Bottom, Left to Right"), N_("Top to Bottom, Right to Left"),
    # QPrintPreviewDialog: toolbar and tooltips
    N_("Print Preview"), N_("Page Setup"), N_("Page setup"), N_("Next page"), N_("Previous page"),
    N_("First page"), N_("Last page"), N_("Fit width"), N_("Fit page"), N_("Zoom in"), N_("Zoom out"),
    N_("Show single page"), N_("Show facing pages"), N_("Show overview of all pages"),
})


class GettextQtTranslator(QTranslator):
    """Serves our catalog's translations of Qt's own strings, whatever the Qt context."""

    def translate(self, context: str, source_text: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:
        """Our Vietnamese for the texts we know; ``None`` (a null QString: "not translated") for the others."""
        if source_text in QT_SOURCE_TEXTS:
            translated = _(source_text)
            if translated != source_text:
                return translated
        return None

    def isEmpty(self) -> bool:
        return False
