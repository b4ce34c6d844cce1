"""The Reports page as an officer uses it: edit the report's text, click Issue, type the number, see the issued
report; printed again it is the same document. Screenshots in Vietnamese at 1366×768."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from kehoach_desktop.services import reports
from kehoach_desktop.services.documents import list_register
from kehoach_desktop.services.session import WorkspaceSession, new_demo_workspace
from kehoach_desktop.ui.dialogs.report_dialogs import ReportTextDialog
from kehoach_desktop.ui.pages.reports_page import ReportsPage
from tests.exchange.pdf_readers import needs_readers, text
from tests.ui.test_documents_folder import type_vietnamese

pytestmark = [pytest.mark.gui, needs_readers]

PROPOSAL = "Đề nghị UBND Thành phố bổ sung kinh phí tuyên truyền quý IV năm 2021."


@pytest.fixture
def english_page(qtbot: QtBot, session: WorkspaceSession, english: None) -> ReportsPage:
    widget = ReportsPage(session)
    qtbot.addWidget(widget)
    widget.refresh()
    widget.kind.setCurrentIndex(widget.kind.findData(reports.PROGRESS))
    return widget


@pytest.fixture
def session(tmp_path: Path) -> Iterator[WorkspaceSession]:
    opened = new_demo_workspace(tmp_path / "demo.khws")
    yield opened
    opened.close()


@pytest.fixture
def page(qtbot: QtBot, session: WorkspaceSession, vietnamese: None) -> ReportsPage:
    widget = ReportsPage(session)
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    widget.refresh()
    widget.kind.setCurrentIndex(widget.kind.findData(reports.PROGRESS))
    widget.period.setCurrentIndex(widget.period.findData("2021-Q3"))
    return widget


def shown_words(qtbot: QtBot, page: ReportsPage) -> str:
    qtbot.waitUntil(lambda: page.document.status() == QPdfDocument.Status.Ready, timeout=60_000)
    assert page.current is not None
    return " ".join(text(page.current).split())


def test_edit_the_text_issue_with_a_typed_number_and_print_again(qtbot: QtBot, page: ReportsPage,
                                                                 session: WorkspaceSession, tmp_path: Path) -> None:
    assert page.issue_button.isEnabled() and page.text_button.isEnabled()
    assert page.issue_label.text() == "Dự thảo, chưa ban hành"

    # the text: the officer replaces the proposals with their own words
    qtbot.mouseClick(page.text_button, Qt.MouseButton.LeftButton)  # the text is read in the background
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible(), timeout=30_000)
    dialog = page.dialog
    assert isinstance(dialog, ReportTextDialog)
    proposals = dialog.edits["proposals"]
    assert "Đề nghị gia hạn đến quý IV/2021" in proposals.toPlainText()  # pre-filled from the tasks' results
    dialog.tabs.setCurrentWidget(proposals)
    proposals.selectAll()
    type_vietnamese(proposals, PROPOSAL)
    dialog.grab().save(str(tmp_path / "text-dialog.png"))
    with qtbot.waitSignal(page.report_ready, timeout=60_000):
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    draft = shown_words(qtbot, page)
    assert PROPOSAL in draft and "DỰ THẢO" in draft and "Đề nghị gia hạn đến quý IV/2021 đối với" not in draft

    # the issue: the next free number is offered; the officer types 12 instead
    qtbot.mouseClick(page.issue_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert dialog is not None and dialog.number.value() == 1
    assert dialog.recipient.text() == "Sở Thông tin và Truyền thông"
    dialog.number.selectAll()
    qtbot.keyClicks(dialog.number, "12")
    dialog.grab().save(str(tmp_path / "issue-dialog.png"))
    with qtbot.waitSignal(page.report_ready, timeout=60_000):
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    issued = shown_words(qtbot, page)
    assert "Số: 12/BC-UBND" in issued and "DỰ THẢO" not in issued and PROPOSAL in issued
    assert page.issue_label.text() == "Báo cáo đã được ban hành số 12/BC-UBND ngày 20/09/2021."
    assert not page.issue_button.isEnabled() and not page.text_button.isEnabled()
    [plan, report] = list_register(uow_factory=session.uow_factory)
    assert (plan.number_symbol, report.number_symbol, report.period) == ("05/KH-UBND", "12/BC-UBND", "2021-Q3")
    page.grab().save(str(tmp_path / "issued-page.png"))
    first = page.current.read_bytes()  # type: ignore[union-attr]

    with qtbot.waitSignal(page.report_ready, timeout=60_000):
        qtbot.mouseClick(page.generate_button, Qt.MouseButton.LeftButton)
    assert page.current.read_bytes() == first  # type: ignore[union-attr]

    qtbot.mouseClick(page.register_button, Qt.MouseButton.LeftButton)
    register = page.dialog
    assert register is not None and register.isVisible()
    table = register.table
    rows = [[table.item(r, c).text() for c in range(3)] for r in range(table.rowCount())]
    assert rows == [["05/KH-UBND", "20/01/2021", "Kế hoạch"], ["12/BC-UBND", "20/09/2021", "Báo cáo kết quả"]]
    assert table.item(1, 4).text() == "Sở Thông tin và Truyền thông"
    register.grab().save(str(tmp_path / "register-dialog.png"))


def test_the_buttons_and_the_state_read_in_english(english_page: ReportsPage) -> None:
    page = english_page
    assert (page.text_button.text(), page.issue_button.text()) == ("Edit the text…", "Issue…")
    assert page.issue_label.text() == "Draft, not issued"
    page.kind.setCurrentIndex(page.kind.findData(reports.PLAN))  # the plan is issued on the Plan page
    assert not page.issue_button.isEnabled() and not page.text_button.isEnabled() and page.issue_label.text() == ""
