"""Issue 18 in the import dialog, as a user meets it: a hostile workbook is a line in the preview (was: the whole
application vanished, exit 134); Cancel, or closing the dialog, stops a long read at once."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QProgressDialog, QPushButton

from kehoach_desktop.services.excel_export import export_progress_workbook
from kehoach_desktop.services.session import new_demo_workspace
from kehoach_desktop.ui.main_window import MainWindow
from tests.services import hostile_workbooks as hostile

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, tmp_path: Path, vietnamese: None):  # type: ignore[no-untyped-def]
    session = new_demo_workspace(tmp_path / "demo.khws")
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    main = MainWindow(session, settings, log_file=tmp_path / "kehoach.log")
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    yield main
    main.close()
    session.close()


@pytest.fixture
def exported(window: MainWindow, tmp_path: Path) -> Path:
    out = tmp_path / "tien-do.xlsx"
    session = window._session
    export_progress_workbook(uow_factory=session.uow_factory, out=out, today=session.today())
    return out


def test_hostile_workbooks_are_lines_of_the_preview(qtbot, window: MainWindow, exported: Path,
                                                    tmp_path: Path) -> None:
    far = hostile.strict_namespace_far_cell(exported, tmp_path / "xa.xlsx")
    twice = hostile.sheet_named_twice(exported, tmp_path / "hai-lan.xlsx")
    dialog = window.open_excel_import()
    dialog.load_files([far, twice])
    qtbot.waitUntil(lambda: dialog.preview is not None, timeout=60_000)
    lines = [dialog.tree.topLevelItem(i).text(0) for i in range(dialog.tree.topLevelItemCount())]
    assert any("xa.xlsx: 0 mục thay đổi" in line for line in lines), lines  # read like the export it came from
    assert any("Bị từ chối: hai-lan.xlsx" in line and "hai trang tính “_meta”" in line for line in lines), lines
    window.grab().save(str(tmp_path / "hostile-preview.png"))
    dialog.reject()


def _progress(window: MainWindow) -> QProgressDialog | None:
    found = [w for w in window.findChildren(QProgressDialog) if w.objectName() == "excel_progress" and w.isVisible()]
    return found[0] if found else None


def test_cancel_stops_a_long_read(qtbot, window: MainWindow, exported: Path, tmp_path: Path) -> None:
    """About 8,000 task rows, every cell closed with ``</c >``: a read of seconds, cancelled as it starts."""
    big = hostile.spaced_closing_tags(exported, tmp_path / "dai.xlsx", copies=200)
    dialog = window.open_excel_import()
    dialog.load_files([big])
    qtbot.waitUntil(lambda: _progress(window) is not None, timeout=10_000)
    progress = _progress(window)
    assert progress is not None
    cancel = progress.findChild(QPushButton)
    assert cancel is not None and cancel.text() == "Hủy"
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    clicked = time.perf_counter()
    qtbot.waitUntil(lambda: not dialog.runner.busy, timeout=30_000)
    print(f"cancel took effect after {time.perf_counter() - clicked:.3f} s")
    assert dialog.preview is None
    assert dialog.summary.text() == "Đã hủy việc đọc; không ghi dữ liệu nào."


def test_closing_the_dialog_during_a_read_stops_the_read(qtbot, window: MainWindow, exported: Path,
                                                         tmp_path: Path) -> None:
    big = hostile.spaced_closing_tags(exported, tmp_path / "dai.xlsx", copies=200)
    dialog = window.open_excel_import()
    dialog.load_files([big])
    qtbot.waitUntil(lambda: dialog.runner.busy, timeout=10_000)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # done() asks the read to stop, then waits for it
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: not dialog.runner.busy, timeout=30_000)
    assert dialog.preview is None
