"""Trợ giúp as an officer uses it: the guide from the menu and with F1, its contents, search, links and Back,
the printable PDF from its button (fonts embedded), and the list of keyboard shortcuts read from the actions."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtGui import QAction, QKeySequence, QTextCursor, QTextDocument
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QFileDialog, QLineEdit

from kehoach_desktop.services.session import WorkspaceSession, new_demo_workspace, open_workspace
from kehoach_desktop.ui.main_window import MainWindow
from kehoach_desktop.ui.shortcuts_dialog import ShortcutsDialog
from tests.ui.clicking import when_modal

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("guide-demo") / "demo.khws"
    new_demo_workspace(path).close()
    return path


@pytest.fixture
def session(demo_file: Path, tmp_path: Path) -> Iterator[WorkspaceSession]:
    copy = tmp_path / "demo.khws"
    shutil.copy(demo_file, copy)
    opened = open_workspace(copy)
    yield opened
    opened.close()


def make_window(qtbot, session: WorkspaceSession, tmp_path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(session, settings, log_file=tmp_path / "kehoach.log")
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def menu_action(window: MainWindow, menu_title: str, text: str) -> QAction:
    """The entry ``text`` of the menu ``menu_title`` of the menu bar, as the officer reads them."""
    for action in window.menuBar().actions():
        if action.menu() is not None and action.menu().title().replace("&", "") == menu_title:
            for entry in action.menu().actions():
                if entry.text().replace("&", "") == text:
                    return entry
    raise LookupError(f"{menu_title} > {text}")


def click_nav(qtbot, window: MainWindow, key: str) -> None:  # type: ignore[no-untyped-def]
    row = [area.key for area in window.areas].index(key)
    rect = window.navigation.visualItemRect(window.navigation.item(row))
    qtbot.mouseClick(window.navigation.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())




@pytest.mark.parametrize(("language", "menu", "entry", "first"), [
    ("vi", "Trợ giúp", "Hướng dẫn sử dụng", "Bắt đầu"), ("en", "Help", "User guide", "Getting started")])
def test_the_help_menu_opens_the_guide_and_F1_the_chapter_of_the_page(
        qtbot, session, tmp_path: Path, language: str, menu: str, entry: str, first: str, request) -> None:
    request.getfixturevalue("vietnamese" if language == "vi" else "english")
    window = make_window(qtbot, session, tmp_path)
    menu_action(window, menu, entry).trigger()
    guide = window.guide_window
    assert guide is not None and guide.isVisible()
    assert guide.current_chapter() == "start"
    assert guide.browser.toPlainText().startswith(f"1. {first}")
    assert guide.contents.topLevelItemCount() == len(guide.guide.chapters)
    pictures = [image for source, image in guide.guide.images() if "01-" in source]
    assert pictures and all(not guide.browser.loadResource(QTextDocument.ResourceType.ImageResource.value,
                                                          QUrl(name)).isNull() for name in pictures)

    for key, chapter in (("tasks", "tasks"), ("materials", "registers"), ("sync", "sync"), ("overview", "start")):
        click_nav(qtbot, window, key)
        window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
        qtbot.keyClick(window, Qt.Key.Key_F1)
        assert guide.current_chapter() == chapter, key
    assert guide.contents.currentItem().data(0, Qt.ItemDataRole.UserRole) == "first-steps"  # Tổng quan's section
    assert window.guide_window is guide  # one window, brought back


def test_search_finds_highlights_and_opens_places_back_and_contents(qtbot, session, tmp_path: Path,
                                                                   vietnamese) -> None:
    window = make_window(qtbot, session, tmp_path)
    window.guide_action.trigger()
    guide = window.guide_window
    qtbot.keyClicks(guide.search_field, "ban hanh")
    assert guide.results_label.isVisible() and guide.results_label.text().endswith("có “ban hanh”")
    first = guide.contents.topLevelItem(0)
    assert first.text(0).startswith("Kế hoạch › Ban hành kế hoạch")
    rect = guide.contents.visualItemRect(first)
    qtbot.mouseClick(guide.contents.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert guide.current_chapter() == "plan"
    assert guide.highlighted > 3  # "Ban hành" in the chapter shown, marked
    assert guide.back_button.isEnabled()
    qtbot.mouseClick(guide.back_button, Qt.MouseButton.LeftButton)
    assert guide.current_chapter() == "start"
    qtbot.mouseClick(guide.contents_button, Qt.MouseButton.LeftButton)
    assert guide.search_field.text() == "" and not guide.results_label.isVisible()
    assert guide.contents.topLevelItem(0).text(0) == "1. Bắt đầu"

    guide.search_field.clear()
    qtbot.keyClicks(guide.search_field, "qwzx")
    assert "không có nội dung nào" in guide.results_label.text() and guide.contents.topLevelItemCount() == 0


def test_a_link_opens_the_place_it_names(qtbot, session, tmp_path: Path, english) -> None:
    window = make_window(qtbot, session, tmp_path)
    window.guide_action.trigger()
    guide = window.guide_window
    browser = guide.browser
    block = browser.document().begin()
    position = -1
    while block.isValid() and position < 0:
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            if fragment.charFormat().anchorHref() == "#plan-details":
                position = fragment.position() + 1
                break
            iterator += 1
        block = block.next()
    assert position > 0
    cursor = QTextCursor(browser.document())
    cursor.setPosition(position)
    browser.setTextCursor(cursor)
    browser.ensureCursorVisible()
    point = browser.cursorRect(cursor).center()
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert guide.current_chapter() == "plan"
    assert guide.contents.currentItem().data(0, Qt.ItemDataRole.UserRole) == "plan-details"


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_printable_guide_is_saved_from_its_button(qtbot, session, tmp_path: Path, language: str,
                                                      request) -> None:
    request.getfixturevalue("vietnamese" if language == "vi" else "english")
    window = make_window(qtbot, session, tmp_path)
    window.guide_action.trigger()
    guide = window.guide_window
    out = tmp_path / "in" / ("hướng-dẫn.pdf" if language == "vi" else "guide.pdf")
    out.parent.mkdir()

    def save(dialog: QDialog) -> None:
        assert isinstance(dialog, QFileDialog)
        dialog.findChild(QLineEdit, "fileNameEdit").setText(str(out))
        dialog.accept()

    answered = when_modal(QFileDialog, save)
    qtbot.mouseClick(guide.pdf_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: guide.done_notice.isVisible(), timeout=120_000)
    assert answered and out.is_file()
    assert str(out) in guide.done_notice.text()
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(" yes yes yes " in line and "LiberationSerif" in line for line in fonts), fonts
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    for number, chapter in enumerate(guide.guide.chapters, start=1):
        assert f"{number}. {chapter.title}" in text  # in the contents and as the chapter's heading
    pages = int(next(line.split()[-1] for line in subprocess.run(
        ["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout.splitlines()
        if line.startswith("Pages:")))
    assert pages > 25 and f"({pages} " in guide.done_notice.text()


@pytest.mark.parametrize(("language", "quit_text", "help_text"), [
    ("vi", "Thoát", "Hướng dẫn cho trang này"), ("en", "Quit", "Help on this page")])
def test_the_shortcuts_are_read_from_the_window_itself(qtbot, session, tmp_path: Path, language: str,
                                                       quit_text: str, help_text: str, request) -> None:
    request.getfixturevalue("vietnamese" if language == "vi" else "english")
    window = make_window(qtbot, session, tmp_path)
    shown = window.shortcuts_action
    assert shown.text() in {"Phím tắt", "Keyboard shortcuts"}
    shown.trigger()
    dialog = window.findChild(ShortcutsDialog)
    assert dialog is not None and dialog.isVisible()
    rows = dialog.model.rows if hasattr(dialog.model, "rows") else [
        dialog.model.row_at(i) for i in range(dialog.model.rowCount())]
    by_command = {(r.keys, r.command) for r in rows}
    assert ("Ctrl+Q", quit_text) in by_command and ("F1", help_text) in by_command
    assert ("Ins", "Thêm nhiệm vụ" if language == "vi" else "Add task") in by_command  # a page's own action
    assert ("Ctrl+2", "Kế hoạch" if language == "vi" else "Plan") in by_command
    # nothing hand-written: every key listed is a shortcut of an action or a button of the window
    real = {s.toString(QKeySequence.SequenceFormat.PortableText)
            for a in window.findChildren(QAction) for s in a.shortcuts()}
    real |= {b.shortcut().toString(QKeySequence.SequenceFormat.PortableText)
             for b in window.findChildren(QAbstractButton) if not b.shortcut().isEmpty()}
    assert {key for r in rows for key in r.keys.split(", ")} <= real
    assert len(rows) >= 20
