"""The Reports page: generate in the background, preview with QtPdf, navigate, zoom, print, save, sign, verify."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QComboBox, QLineEdit
from pytestqt.qtbot import QtBot

from kehoach_desktop.services import reports
from kehoach_desktop.services.session import WorkspaceSession, new_demo_workspace
from kehoach_desktop.ui.pages.reports_page import ReportsPage
from tests.exchange.certs import make_pki
from tests.exchange.pdf_readers import needs_readers, page_sizes
from tests.ui.clicking import answering, choose_file, press

pytestmark = [pytest.mark.gui, needs_readers]


@pytest.fixture
def session(tmp_path: Path) -> Iterator[WorkspaceSession]:
    opened = new_demo_workspace(tmp_path / "demo.khws")
    yield opened
    opened.close()


@pytest.fixture
def page(qtbot: QtBot, session: WorkspaceSession) -> ReportsPage:
    widget = ReportsPage(session)
    qtbot.addWidget(widget)
    widget.resize(1100, 800)
    widget.show()
    widget.refresh()
    return widget


def generate(qtbot: QtBot, page: ReportsPage, kind: str, period: str | None = None) -> None:
    page.kind.setCurrentIndex(page.kind.findData(kind))
    if period:
        page.period.setCurrentIndex(page.period.findData(period))
    with qtbot.waitSignal(page.report_ready, timeout=60_000):
        qtbot.mouseClick(page.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.document.status() == QPdfDocument.Status.Ready)


def has_dark_pixels(page: ReportsPage) -> bool:
    """True once the view shows rendered text (black on the white page)."""
    image = page.view.viewport().grab().toImage()
    return any(image.pixelColor(x, y).lightness() < 80
               for x in range(0, image.width(), 5) for y in range(0, image.height(), 5))


def test_the_period_chooser_offers_the_plan_year(page: ReportsPage) -> None:
    codes = [page.period.itemData(i) for i in range(page.period.count())]
    assert codes[:4] == ["2021", "2021-H1", "2021-H2", "2021-Q1"] and "2021-12" in codes
    assert page.period.currentData() == "2021-Q3"  # the demo's day, 20/09/2021, is in the third quarter
    assert not page.period.isEnabled()  # the plan has no period
    page.kind.setCurrentIndex(page.kind.findData(reports.PROGRESS))
    assert page.period.isEnabled()
    assert not page.print_button.isEnabled() and not page.sign_button.isEnabled()  # nothing generated yet


def test_generate_preview_navigate_zoom_save_and_print(qtbot: QtBot, page: ReportsPage, tmp_path: Path) -> None:
    generate(qtbot, page, reports.PROGRESS, "2021-Q2")
    pages = page.document.pageCount()
    assert pages > 3 and page.page_count.text() == f"/ {pages}"
    assert page.status.text() == f"{pages} pages generated."  # the data's hash only in the details (tooltip)
    assert "SHA-256" in page.status.toolTip()
    qtbot.waitUntil(lambda: has_dark_pixels(page), timeout=20_000)  # QPdfView renders asynchronously
    page.grab().save(str(tmp_path / "reports-page.png"))

    page.next_button.click()
    assert page.page_spin.value() == 2 and page.view.pageNavigator().currentPage() == 1
    page.page_spin.setFocus()
    page.page_spin.selectAll()
    qtbot.keyClicks(page.page_spin, str(pages))  # the last page, typed
    qtbot.keyClick(page.page_spin, Qt.Key.Key_Return)
    assert page.page_spin.value() == pages and page.view.pageNavigator().currentPage() == pages - 1
    page.zoom_in_button.click()
    assert page.view.zoomMode() == QPdfView.ZoomMode.Custom and page.view.zoomFactor() == pytest.approx(1.25)
    page.zoom.setCurrentIndex(0)
    assert page.view.zoomMode() == QPdfView.ZoomMode.FitToWidth

    saved = tmp_path / "saved.pdf"
    with answering(qtbot, choose_file(saved)):
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
    assert saved.read_bytes() == page.current.read_bytes()
    assert str(saved) in page.done_notice.text() and page.done_notice.folder == tmp_path

    def print_to_file(dialog) -> None:  # type: ignore[no-untyped-def]
        """Qt's print dialog: the PDF printer (the only one without CUPS), its file, Print."""
        printers = dialog.findChild(QComboBox, "printers")
        printers.setCurrentIndex(printers.findText("Print to File (PDF)"))
        file_name = dialog.findChild(QLineEdit, "filename")
        file_name.selectAll()
        qtbot.keyClicks(file_name, str(tmp_path / "printed.pdf"))
        press("Print")(dialog)

    with answering(qtbot, print_to_file):
        qtbot.mouseClick(page.print_button, Qt.MouseButton.LeftButton)
    assert len(page_sizes(tmp_path / "printed.pdf")) == pages


def test_sign_then_verify_and_trust_the_root(qtbot: QtBot, page: ReportsPage, tmp_path: Path) -> None:
    pki = make_pki(tmp_path)
    generate(qtbot, page, reports.PLAN)
    unsigned = page.current
    with qtbot.waitSignal(page.verified, timeout=60_000) as signed:
        page.sign_current(reports.P12Credentials(pki.signer_p12, pki.password))
    result = signed.args[0]
    assert page.current_signed and page.current != unsigned and unsigned.exists()  # both versions exist
    assert result.ok and not result.signatures[0].trusted
    assert "Phạm Thị Lan Anh" in page.status.text() and "Valid signature" in page.status.text()

    ca = tmp_path / "ca.pem"
    ca.write_bytes(pki.ca_pem)
    with qtbot.waitSignal(page.changed) as changed, answering(qtbot, choose_file(ca)):
        qtbot.mouseClick(page.trust_button, Qt.MouseButton.LeftButton)
    assert changed.args[0].workspace
    with qtbot.waitSignal(page.verified, timeout=60_000) as again, answering(qtbot, choose_file(page.current)):
        qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    assert again.args[0].signatures[0].trusted
    assert "Certificate trusted: yes" in page.status.text()

    with qtbot.waitSignal(page.verified, timeout=60_000) as plain, answering(qtbot, choose_file(unsigned)):
        qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    assert not plain.args[0].signed and "not signed" in page.status.text()


def test_signing_with_another_units_certificate_warns_with_both_names(qtbot: QtBot, page: ReportsPage,
                                                                      tmp_path: Path) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

    from kehoach_desktop.ui.pages.reports_page import SignDialog

    # keyClicks types ASCII only (QTest); a password of Latin letters is what a keyboard sends anyway
    pki = make_pki(tmp_path, signer="Lê Văn Bình", organisation="UBND quận Hoàn Kiếm", password="mat-khau-1")
    generate(qtbot, page, reports.PLAN)
    seen: list[str] = []

    def act() -> None:  # answers each modal window as it opens: the signing dialog, then the warning
        window = QApplication.activeModalWidget()
        if isinstance(window, SignDialog) and not window.p12_path.text():
            window.use_file.click()
            qtbot.keyClicks(window.p12_path, str(pki.signer_p12))
            qtbot.keyClicks(window.password, pki.password)
            ok = window.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
            qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        elif isinstance(window, QMessageBox) and window.objectName() == "signer_mismatch":
            seen.append(window.text())
            next(b for b in window.buttons() if b.text() == "Sign anyway").click()

    timer = QTimer()
    timer.timeout.connect(act)
    timer.start(50)
    try:
        with qtbot.waitSignal(page.verified, timeout=60_000) as signed:
            qtbot.mouseClick(page.sign_button, Qt.MouseButton.LeftButton)
    finally:
        timer.stop()
    assert len(seen) == 1 and "Lê Văn Bình" in seen[0] and "UBND quận Hoàn Kiếm" in seen[0]
    assert "Ủy ban nhân dân quận Đống Đa" in seen[0]
    assert page.current_signed and signed.args[0].signatures[0].signer == "Lê Văn Bình"


def test_a_period_not_begun_is_refused_with_its_first_day(qtbot: QtBot, vietnamese: None, page: ReportsPage) -> None:
    """On the demo's day (20/09/2021) the fourth quarter has not begun: the window says so and makes nothing."""
    page.kind.setCurrentIndex(page.kind.findData(reports.PROGRESS))
    page.period.setCurrentIndex(page.period.findData("2021-Q4"))
    said: list[str] = []

    def read_and_close(box) -> None:  # type: ignore[no-untyped-def]
        said.append(box.text())
        press("OK")(box)

    with answering(qtbot, read_and_close):
        qtbot.mouseClick(page.generate_button, Qt.MouseButton.LeftButton)
    assert said == ["Kỳ quý IV/2021 chưa bắt đầu (bắt đầu từ ngày 01/10/2021): báo cáo của kỳ này được lập từ ngày "
                    "đó trở đi."]
    assert page.current is None and page.generate_button.isEnabled()
    assert page.status.text() == said[0]
