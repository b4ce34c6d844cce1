"""Vietnamese for the strings Qt draws itself (standard buttons, wizard, text menus, file and print dialogs).

Qt ships no Vietnamese translation of its own strings, so these source texts are kept
in our catalog and served to Qt by :func:`qt_translator`. Any other text is left to Qt: the
translator does not know it, and Qt shows its own (an empty string would be a translation, and
would blank Qt's labels and shortcut names).
The print texts were found by recording what Qt asks for while its print, page setup and
print preview dialogs open (tests/ui/test_qt_strings.py does it again and checks the list).
"""

from __future__ import annotations

import struct

from PySide6.QtCore import QObject, QTranslator

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


# The compiled form Qt reads (.qm): its magic number, block tags and message tags (qtranslator.cpp).
_QM_MAGIC = bytes((0x3C, 0xB8, 0x64, 0x18, 0xCA, 0xEF, 0x9C, 0x95, 0xCD, 0x21, 0x1C, 0xBF, 0x60, 0xA1, 0xBD, 0xDD))
_QM_HASHES, _QM_MESSAGES = 0x42, 0x69
_QM_END, _QM_TRANSLATION, _QM_SOURCE_TEXT = 1, 3, 6


def _elf_hash(data: bytes) -> int:
    """Qt's hash of a source text, by which a .qm file finds its messages."""
    h = 0
    for byte in data:
        h = ((h << 4) + byte) & 0xFFFFFFFF
        high = h & 0xF0000000
        if high:
            h ^= high >> 24
        h &= ~high & 0xFFFFFFFF
    return h or 1


def qm_catalog(translations: dict[str, str]) -> bytes:
    """A .qm file with ``translations`` (source text → translation) for every context.

    Its messages name no context, and it lists none, so Qt takes them whatever context asks:
    Qt uses the same texts in many classes. A text not listed gets no translation and stays Qt's.
    """
    messages, index = bytearray(), []
    for source, translation in translations.items():
        source_bytes, translated = source.encode("utf-8"), translation.encode("utf-16-be")
        index.append((_elf_hash(source_bytes), len(messages)))
        messages += bytes((_QM_TRANSLATION,)) + struct.pack(">I", len(translated)) + translated
        messages += bytes((_QM_SOURCE_TEXT,)) + struct.pack(">I", len(source_bytes)) + source_bytes
        messages += bytes((_QM_END,))
    hashes = b"".join(struct.pack(">II", h, offset) for h, offset in sorted(index))
    return (_QM_MAGIC + bytes((_QM_HASHES,)) + struct.pack(">I", len(hashes)) + hashes
            + bytes((_QM_MESSAGES,)) + struct.pack(">I", len(messages)) + bytes(messages))


def qt_translator(parent: QObject) -> QTranslator:
    """A translator of Qt's own strings into the current language, from our catalog.

    It is a plain QTranslator over a .qm built in memory: Qt looks texts up without calling Python
    (a Python ``translate()`` override is called for every text Qt draws, and PySide 6.12 loses a
    reference to ``None`` on each call with no disambiguation, until Python aborts).
    """
    translations = {text: _(text) for text in sorted(QT_SOURCE_TEXTS) if _(text) != text}
    translator = QTranslator(parent)
    data = qm_catalog(translations)
    if not translator.load(data):
        raise RuntimeError("Qt refused the catalog of its own strings")
    translator.setObjectName("qt_strings")
    translator.qm_data = data  # Qt reads the messages from these bytes as long as the translator lives
    return translator
