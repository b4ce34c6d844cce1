"""Qt's own strings under the Vietnamese translator: ours where we know them, Qt's where we do not.

An empty translation would blank Qt's labels and shortcut names and even stop JPEG photos from
decoding; an unknown text must come back as Qt's own. The print, page setup and print preview
dialogs speak Vietnamese: a recording translator lists what they ask Qt for, and every such text
is in our list (a Qt upgrade that adds one fails here).
"""

from __future__ import annotations

import io
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QCoreApplication, QLocale, QSettings, QTimer, QTranslator
from PySide6.QtGui import QImage, QKeySequence, QPixmap
from PySide6.QtPrintSupport import QPageSetupDialog, QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QAbstractButton, QApplication, QFileDialog, QGroupBox, QLabel, QLineEdit, QWidget

from kehoach_desktop import app as app_module
from kehoach_desktop import i18n
from kehoach_desktop.services.session import new_demo_workspace, open_workspace
from kehoach_desktop.ui.dialogs.record_parts import PhotosPanel
from kehoach_desktop.ui.main_window import MainWindow
from kehoach_desktop.ui.qt_strings import QT_SOURCE_TEXTS, qm_catalog
from tests.ui.clicking import paste

pytestmark = pytest.mark.gui

PRINT_CONTEXTS = {"QPrintDialog", "QPrintWidget", "QPrintSettingsOutput", "QPageSetupWidget", "QPageSetupDialog",
                  "QPrintPreviewDialog", "QPrintPropertiesWidget", "QPrintPropertiesDialog", "QAbstractPrintDialog"}
# Texts Qt shows as they are in Vietnamese too: form titles never shown, units and page counts.
LEFT_AS_THEY_ARE = {"Form", "...", "%1%", "mm", "Pica (P̸)", "Didot (DD)", "Cicero (CC)", "1 (1x1)", "2 (2x1)",
                    "4 (2x2)", "6 (2x3)", "9 (3x3)", "16 (4x4)"}


class RecordingTranslator(QTranslator):
    """Lists what Qt asks to translate; translates nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[tuple[str, str]] = []

    def translate(self, context: str, source_text: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:
        if (context, source_text) not in self.asked:
            self.asked.append((context, source_text))
        return None

    def isEmpty(self) -> bool:
        return False


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.khws"
    new_demo_workspace(path).close()
    return path


@pytest.fixture
def demo_copy(demo_file: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "demo.khws"
    shutil.copy(demo_file, copy)
    return copy


@pytest.fixture
def vietnamese_qt(qapp, vietnamese) -> Iterator[QApplication]:  # type: ignore[no-untyped-def]
    """The Vietnamese catalog and translator, installed as ``kehoach`` starts in Vietnamese."""
    before, locale = set(map(id, qapp.findChildren(QTranslator))), QLocale()
    app_module._install_translations(qapp, "vi")
    yield qapp
    for translator in qapp.findChildren(QTranslator):
        if id(translator) not in before:
            qapp.removeTranslator(translator)
            translator.deleteLater()
    QLocale.setDefault(locale)


def open_print_dialogs(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Show the print dialog (options unfolded, printer properties opened), page setup and print preview."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    for dialog_class in (QPrintDialog, QPageSetupDialog, QPrintPreviewDialog):
        dialog = dialog_class(printer)
        qtbot.addWidget(dialog)
        dialog.show()
        for button in dialog.findChildren(QAbstractButton):
            if button.isVisible() and (button.objectName() == "properties" or "Options" in button.text()):
                QTimer.singleShot(100, lambda: QApplication.activeModalWidget() and
                                  QApplication.activeModalWidget().close())
                button.click()
        dialog.close()


def test_every_text_of_the_print_dialogs_is_in_our_list(qtbot, qapp) -> None:
    recorder = RecordingTranslator()
    qapp.installTranslator(recorder)
    try:
        open_print_dialogs(qtbot)
    finally:
        qapp.removeTranslator(recorder)
    asked = {text for context, text in recorder.asked if context in PRINT_CONTEXTS}
    assert {"Printer", "Print range", "Copies", "Orientation", "Next page", "Print Preview"} <= asked
    assert sorted(asked - QT_SOURCE_TEXTS - LEFT_AS_THEY_ARE) == []


def test_unknown_texts_fall_through_to_qt(vietnamese_qt) -> None:
    assert QCoreApplication.translate("QFileDialog", "Look in:") == "Tìm trong:"  # ours
    unknown = "%1\nFile not found.\nPlease verify the correct file name was given."
    assert QCoreApplication.translate("QFileDialog", unknown) == unknown  # Qt's own, not blank
    assert QCoreApplication.translate("QShortcut", "Ctrl") == "Ctrl"
    assert QCoreApplication.translate("QPrintDialog", "Print") == "In"  # whatever the context
    assert QCoreApplication.translate("QPrintPreviewDialog", "Print") == "In"
    assert QCoreApplication.translate("QAbstractFileIconProvider", "Folder", "All other platforms") == "Folder"


def test_qt_looks_texts_up_without_calling_python(vietnamese_qt) -> None:
    """A Python translate() override loses a reference to None on every call (PySide 6.12) until Python aborts:
    our translator is Qt's own, over a catalog built in memory."""
    before = sys.getrefcount(None)
    for _ in range(5000):
        QCoreApplication.translate("QShortcut", "Ctrl")
        QCoreApplication.translate("QFileDialog", "Look in:")
    assert sys.getrefcount(None) >= before - 50  # with the override it fell by 10,000


def test_the_catalog_qt_reads_serves_every_context_and_only_its_texts(qapp) -> None:
    translator = QTranslator()
    data = qm_catalog({"Save": "Lưu", "&Options >>": "&Tùy chọn >>", "Ünïcode ✓": "Chữ có dấu ✓"})
    assert translator.load(data)
    assert translator.translate("QPlatformTheme", "Save") == "Lưu"
    assert translator.translate("Anything", "&Options >>") == "&Tùy chọn >>"
    assert translator.translate("X", "Ünïcode ✓") == "Chữ có dấu ✓"
    assert translator.translate("QPlatformTheme", "Save All") == ""  # unknown: no translation (Qt keeps its own)
    assert translator.translate("QPlatformTheme", "Sav") == ""


def camera_jpeg() -> bytes:
    """A photo as a camera writes it: JPEG with EXIF (orientation, date taken)."""
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x9003] = "2021:05:01 10:00:00"
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 30, 30)).save(out, "JPEG", exif=exif.tobytes(), quality=90)
    return out.getvalue()


def test_jpeg_and_png_photos_decode_with_the_vietnamese_translator(vietnamese_qt, qtbot, tmp_path: Path) -> None:
    jpeg, png = tmp_path / "anh-chup.jpg", tmp_path / "so-do.png"
    jpeg.write_bytes(camera_jpeg())
    Image.new("RGB", (300, 200), (20, 120, 40)).save(png, "PNG")
    for path in (jpeg, png):
        image = QImage(str(path))
        assert not image.isNull() and image.width() in (300, 480, 640)
        assert not QPixmap(str(path)).isNull()
        loaded = QImage()
        assert loaded.loadFromData(path.read_bytes())


def test_photos_show_in_the_photo_list(vietnamese_qt, qtbot, demo_copy: Path, tmp_path: Path) -> None:
    """Thêm ảnh… → the file dialog → both photos listed with their thumbnails."""
    from kehoach_desktop.services.materials import MaterialFilter, query_materials
    from kehoach_desktop.services.registers import SortSpec

    jpeg, png = tmp_path / "anh-chup.jpg", tmp_path / "so-do.png"
    jpeg.write_bytes(camera_jpeg())
    Image.new("RGB", (300, 200), (20, 120, 40)).save(png, "PNG")
    session = open_workspace(demo_copy)
    try:
        material = query_materials(uow_factory=session.uow_factory, flt=MaterialFilter(),
                                   sort=SortSpec("updated_at", descending=True), limit=1).rows[0]
        panel = PhotosPanel(session.uow_factory, "material", material.id)
        qtbot.addWidget(panel)
        panel.show()
        before = panel.list.count()

        def choose() -> None:
            dialog = QApplication.activeModalWidget()
            assert isinstance(dialog, QFileDialog) and dialog.windowTitle() == "Thêm ảnh"
            edit = dialog.findChild(QLineEdit, "fileNameEdit")
            paste(edit, f'"{jpeg}" "{png}"')
            qtbot.keyClick(edit, "\r")

        QTimer.singleShot(200, choose)
        panel.add_button.click()
        assert panel.list.count() == before + 2
        for row in range(before, before + 2):
            icon = panel.list.item(row).icon()
            assert not icon.isNull() and not icon.pixmap(64, 64).isNull()
    finally:
        session.close()


def test_shortcuts_show_in_the_menus(vietnamese_qt, qtbot, demo_copy: Path, tmp_path: Path) -> None:
    session = open_workspace(demo_copy)
    try:
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(session, settings, log_file=tmp_path / "kehoach.log", on_open_other=lambda: None)
        qtbot.addWidget(window)
        shown = {action.text(): [s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts()]
                 for menu in window.menuBar().actions() for action in menu.menu().actions()}
        assert shown["Mở hoặc tạo tệp dữ liệu khác…"][0] == "Ctrl+O"
        assert shown["Tổng quan"] == ["Ctrl+1"]
        assert "F5" in shown["Làm mới"]
        assert shown["&Thoát"] == ["Ctrl+Q"]
        window.close()
    finally:
        session.close()


def _texts(dialog: QWidget) -> dict[str, str]:
    """The visible texts of the dialog's labels, group boxes and buttons, by object name."""
    texts = {}
    for widget in dialog.findChildren(QWidget):
        if not widget.isVisible() or not widget.objectName() or widget.objectName().startswith("qt_"):
            continue
        if isinstance(widget, (QLabel, QAbstractButton)):
            texts[widget.objectName()] = widget.text()
        elif isinstance(widget, QGroupBox):
            texts[widget.objectName()] = widget.title()
    return texts


def test_the_print_dialog_speaks_vietnamese(qtbot, qapp, vietnamese) -> None:
    def shown() -> dict[str, str]:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)  # outlives the dialog that uses it
        dialog = QPrintDialog(printer)
        qtbot.addWidget(dialog)
        dialog.show()
        options = next(b for b in dialog.findChildren(QAbstractButton) if b.text().endswith(">>"))
        options.click()  # unfold the options
        texts = _texts(dialog)
        texts["window"] = dialog.windowTitle()
        texts["options"] = options.text()
        texts["buttons"] = " | ".join(b.text() for b in dialog.findChildren(QAbstractButton)
                                      if b.isVisible() and not b.objectName())
        dialog.close()
        return texts

    english = shown()
    before, locale = set(map(id, qapp.findChildren(QTranslator))), QLocale()
    app_module._install_translations(qapp, "vi")
    try:
        vietnamese = shown()
    finally:
        for translator in qapp.findChildren(QTranslator):
            if id(translator) not in before:
                qapp.removeTranslator(translator)
        QLocale.setDefault(locale)
    blank = [name for name, text in english.items() if text and not vietnamese.get(name)]
    assert blank == [], f"labels blanked in Vietnamese: {blank}"
    assert i18n.current_language() == "vi"
    assert vietnamese["window"] == "In"
    assert vietnamese["buttons"] == "&In | Hủy | &Tùy chọn <<", vietnamese["buttons"]
    assert {"Máy in", "Phạm vi in", "&Tùy chọn <<", "In tất cả"} <= set(vietnamese.values()), vietnamese
    untranslated = [name for name, text in english.items() if text and vietnamese.get(name) == text
                    and text not in ("...", "")]
    assert untranslated == [], f"still in English: {[(n, english[n]) for n in untranslated]}"


def test_the_recording_translator_keeps_none_alive(qapp) -> None:
    recorder = RecordingTranslator()
    qapp.installTranslator(recorder)
    try:
        before = sys.getrefcount(None)
        for _ in range(2000):
            QCoreApplication.translate("QShortcut", "Ctrl")
        assert abs(sys.getrefcount(None) - before) < 50
    finally:
        qapp.removeTranslator(recorder)
