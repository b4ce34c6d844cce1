"""The Reports page's "Export to Word…" button, clicked as a user does, in Vietnamese and in English."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog
from pytestqt.qtbot import QtBot

from kehoach_desktop.services import reports
from kehoach_desktop.services.session import WorkspaceSession, new_demo_workspace
from kehoach_desktop.ui.pages.reports_page import ReportsPage

pytestmark = pytest.mark.gui


@pytest.fixture
def session(tmp_path: Path) -> Iterator[WorkspaceSession]:
    opened = new_demo_workspace(tmp_path / "demo.khws")
    yield opened
    opened.close()


def open_page(qtbot: QtBot, session: WorkspaceSession) -> ReportsPage:
    widget = ReportsPage(session)
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    widget.refresh()
    return widget


def save_as(path: Path, seen: list[str]) -> None:
    """When the save dialog opens, type the file's name into it and accept (as the user would)."""
    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(20, poll)
            return
        seen.append(dialog.windowTitle() + " | " + ";".join(dialog.nameFilters()))
        dialog.selectFile(str(path))
        dialog.accept()
    QTimer.singleShot(0, poll)


def document_text(docx: Path) -> str:
    return zipfile.ZipFile(docx).read("word/document.xml").decode("utf-8")


@pytest.mark.parametrize(("language", "button", "title", "done"), [
    ("vietnamese", "Xuất Word…", "Xuất Word | Văn bản Word (*.docx)", "Đã lưu vào"),
    ("english", "Export to Word…", "Export to Word | Word documents (*.docx)", "Saved to"),
])
def test_the_word_button_writes_the_chosen_report(qtbot: QtBot, session: WorkspaceSession, tmp_path: Path,
                                                  request: pytest.FixtureRequest, language: str, button: str,
                                                  title: str, done: str) -> None:
    request.getfixturevalue(language)
    page = open_page(qtbot, session)
    assert page.word_button.text() == button and page.word_button.isEnabled()  # nothing to generate first
    page.grab().save(str(tmp_path / f"reports-word-{language}.png"))

    page.kind.setCurrentIndex(page.kind.findData(reports.PROGRESS))
    page.period.setCurrentIndex(page.period.findData("2021-Q2"))
    seen: list[str] = []
    save_as(tmp_path / "bao-cao-quy-2", seen)  # typed without the extension: .docx is added
    with qtbot.waitSignal(page.word_written, timeout=120_000) as written:
        qtbot.mouseClick(page.word_button, Qt.MouseButton.LeftButton)
    out = tmp_path / "bao-cao-quy-2.docx"
    assert written.args[0] == out and out.exists()
    assert seen == [title]
    xml = document_text(out)
    assert "BÁO CÁO" in xml and "quý II/2021" in xml  # the document is Vietnamese whatever the interface
    assert page.done_notice.text().startswith(done) and str(out) in page.done_notice.text()

    page.kind.setCurrentIndex(page.kind.findData(reports.PLAN))
    save_as(tmp_path / "ke-hoach.docx", seen)
    with qtbot.waitSignal(page.word_written, timeout=120_000):
        qtbot.mouseClick(page.word_button, Qt.MouseButton.LeftButton)
    assert "KẾ HOẠCH" in document_text(tmp_path / "ke-hoach.docx")


def test_cancelling_the_dialog_writes_nothing(qtbot: QtBot, session: WorkspaceSession, tmp_path: Path) -> None:
    page = open_page(qtbot, session)
    closed: list[bool] = []

    def cancel() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(20, cancel)
            return
        dialog.reject()
        closed.append(True)
    QTimer.singleShot(0, cancel)
    with qtbot.assertNotEmitted(page.word_written, wait=300):
        qtbot.mouseClick(page.word_button, Qt.MouseButton.LeftButton)
    assert closed and not list(tmp_path.glob("*.docx"))
