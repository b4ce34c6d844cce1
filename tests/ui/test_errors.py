"""One handler for every unexpected exception in the GUI: logged with its traceback, shown readably, app usable."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QListWidget, QMessageBox, QPushButton

from kehoach_desktop.domain.enums import WorkspaceMode
from kehoach_desktop.domain.errors import DiskFullError
from kehoach_desktop.services.session import WorkspaceSession, new_workspace
from kehoach_desktop.services.workspace import WorkspaceSetup
from kehoach_desktop.ui.errors import ExceptionHook
from kehoach_desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def session(tmp_path: Path) -> Iterator[WorkspaceSession]:
    opened = new_workspace(tmp_path / "ws.khws", WorkspaceSetup(
        mode=WorkspaceMode.DISTRICT, unit_code="006", signer_name="Nguyễn Văn A", signer_title="Phó Chủ tịch"))
    yield opened
    opened.close()


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "logs" / "kehoach.log"
    path.parent.mkdir()
    handler = logging.FileHandler(path, encoding="utf-8")
    root = logging.getLogger()
    root.addHandler(handler)
    yield path
    root.removeHandler(handler)
    handler.close()


@pytest.fixture
def hook(log_file: Path) -> Iterator[ExceptionHook]:
    previous = sys.excepthook
    installed = ExceptionHook(log_file)
    installed.install()
    yield installed
    sys.excepthook = previous


def close_next_box(seen: list[QMessageBox | str]) -> QTimer:
    timer = QTimer()

    def poll() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(f"{box.icon().name}|{box.text()}|{box.informativeText()}")
            timer.stop()
            box.button(QMessageBox.StandardButton.Ok).click()

    timer.timeout.connect(poll)
    timer.start(20)
    return timer


def window_for(qtbot, session: WorkspaceSession, tmp_path: Path, log_file: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(session, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), log_file=log_file)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _broken_slot() -> None:
    raise RuntimeError("boom in a slot: division of the plan by zero")


@pytest.mark.qt_no_exception_capture
def test_a_bug_in_a_slot_is_logged_shown_with_the_log_location_and_the_app_goes_on(
        qtbot, session: WorkspaceSession, tmp_path: Path, log_file: Path, hook: ExceptionHook, english) -> None:
    window = window_for(qtbot, session, tmp_path, log_file)
    broken = QPushButton("Break", window)
    broken.clicked.connect(_broken_slot)
    broken.show()
    seen: list[str] = []
    timer = close_next_box(seen)
    qtbot.mouseClick(broken, Qt.MouseButton.LeftButton)
    timer.stop()

    assert hook.shown == 1
    icon, text, informative = seen[0].split("|")
    assert icon == "Critical"
    assert "Sorry, something went wrong" in text and "Your saved work is safe" in text
    assert str(log_file) in informative
    assert "Traceback" not in text + informative  # no traceback for the user …
    logged = log_file.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in logged and "boom in a slot" in logged  # … all of it in the log

    navigation = window.findChild(QListWidget, "navigation")  # the window still works
    row = [area.key for area in window.areas].index("backups")
    qtbot.mouseClick(navigation.viewport(), Qt.MouseButton.LeftButton, pos=navigation.visualItemRect(
        navigation.item(row)).center())
    assert window.current_area() == "backups"
    assert window.pages.currentWidget().objectName() == "page_backups"


@pytest.mark.qt_no_exception_capture
def test_a_known_failure_escaping_a_slot_shows_its_own_words(qtbot, session: WorkspaceSession, tmp_path: Path,
                                                             log_file: Path, hook: ExceptionHook, english) -> None:
    window = window_for(qtbot, session, tmp_path, log_file)

    def full() -> None:
        raise DiskFullError("The disk that holds ws.khws is full, so the last change was not saved.")

    button = QPushButton("Save", window)
    button.clicked.connect(full)
    button.show()
    seen: list[str] = []
    timer = close_next_box(seen)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    timer.stop()
    icon, text, _informative = seen[0].split("|")
    assert icon == "Warning" and text.startswith("The disk that holds ws.khws is full")
    assert "Traceback" not in log_file.read_text(encoding="utf-8")
