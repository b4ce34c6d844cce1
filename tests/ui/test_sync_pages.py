"""The Gửi báo cáo page of a district and the received packages of the city, driven through real widgets."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from kehoach_desktop.services.session import new_demo_workspace
from kehoach_desktop.services.sync_dto import ReceivedPackageRow, SentPackageRow
from kehoach_desktop.ui.pages.packages_page import PackagesPage, received_columns
from kehoach_desktop.ui.pages.sync_page import SyncPage, sent_columns
from kehoach_desktop.ui.table_model import DtoTableModel
from tests.services.package_tools import new_city
from tests.ui.clicking import answering, choose_file

pytestmark = pytest.mark.gui
SCREENSHOTS = Path(os.environ.get("KEHOACH_SCREENSHOTS", "/tmp/sync-screens"))


def _answer_next_dialog(qtbot, button_text: str, seen: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Click ``button_text`` in the next modal message box, remembering its text."""
    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        seen.append(box.objectName() + ": " + box.text())
        for button in box.buttons():
            if button.text().startswith(button_text):
                button.click()
                return
        raise AssertionError(f"no button {button_text!r} in {[b.text() for b in box.buttons()]}")
    QTimer.singleShot(0, click)


def test_district_exports_and_city_imports_after_confirming_the_key(qtbot, tmp_path: Path, english) -> None:
    district = new_demo_workspace(tmp_path / "district.khws")
    city = new_city(tmp_path / "city.khws")
    try:
        page = SyncPage(district)
        qtbot.addWidget(page)
        page.resize(1100, 700)
        page.show()
        page.refresh()
        assert page.fingerprint.text() == district.summary().key_fingerprint
        assert page.period.currentData() == "2021-Q3"
        with qtbot.waitSignal(page.changed, timeout=20000), answering(qtbot, choose_file(
                tmp_path / "006-2021-Q3-001.khsync")):
            qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
        assert page.model.rowCount() == 1
        # only written to disk: exported, not sent (the city's receipt says when it arrived)
        assert page.model.data(page.model.index(0, 4)) == "Exported (no receipt from the city yet)"
        assert page.model.data(page.model.index(0, 1)) == "Quarter III/2021"  # the period in words, standing alone
        assert (tmp_path / "006-2021-Q3-001.khsync").is_file()
        assert "quarter III/2021" in page.done_notice.text() and page.done_notice.folder == tmp_path

        packages = PackagesPage(city)
        qtbot.addWidget(packages)
        packages.resize(1100, 700)
        packages.show()
        packages.refresh()
        assert not packages.receipt_button.isEnabled()
        seen: list[str] = []
        _answer_next_dialog(qtbot, "The fingerprint is the same", seen)
        results: list[str] = []  # the results dialog follows the confirmation
        with qtbot.waitSignal(packages.changed, timeout=20000):
            with answering(qtbot, choose_file(tmp_path)):  # the whole folder
                qtbot.mouseClick(packages.folder_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: bool(seen), timeout=20000)
            _answer_next_dialog(qtbot, "OK", results)
        qtbot.waitUntil(lambda: bool(results), timeout=20000)
        assert seen[0].startswith("confirm_key_dialog") and district.summary().key_fingerprint in seen[0]
        assert "1 imported" in results[0]
        assert packages.model.rowCount() == 1
        assert packages.model.data(packages.model.index(0, 0)) == "006"
        packages.table.selectRow(0)
        assert packages.receipt_button.isEnabled()

        # the city's receipt, imported by the district: now the package is sent
        receipts = tmp_path / "receipts"
        receipts.mkdir()
        packages.export_receipt(packages.model.row_at(0).sha256, receipts / "r.khreceipt")
        qtbot.waitUntil(lambda: (receipts / "r.khreceipt").is_file() and packages.done_notice.isVisible())
        confirmed, imported = [], []
        _answer_next_dialog(qtbot, "The fingerprint is the same", confirmed)
        with qtbot.waitSignal(page.changed, timeout=20000):
            page.import_files([receipts / "r.khreceipt"])
            qtbot.waitUntil(lambda: bool(confirmed), timeout=20000)
            _answer_next_dialog(qtbot, "OK", imported)
        qtbot.waitUntil(lambda: bool(imported), timeout=20000)
        assert page.model.data(page.model.index(0, 4)) == "Sent: received by the city"

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.grab().save(str(SCREENSHOTS / "sync_page.png"))
        packages.grab().save(str(SCREENSHOTS / "packages_page.png"))
    finally:
        district.close()
        city.close()


def test_refusing_the_key_imports_nothing(qtbot, tmp_path: Path, english) -> None:
    from kehoach_desktop.services import sync

    district = new_demo_workspace(tmp_path / "district.khws")
    city = new_city(tmp_path / "city.khws")
    try:
        sync.export_sync_package(uow_factory=district.uow_factory, out=tmp_path / "p.khsync")
        packages = PackagesPage(city)
        qtbot.addWidget(packages)
        packages.refresh()
        seen: list[str] = []
        results: list[str] = []
        _answer_next_dialog(qtbot, "Do not import", seen)
        with answering(qtbot, choose_file(tmp_path / "p.khsync")):
            qtbot.mouseClick(packages.import_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(seen), timeout=20000)
        _answer_next_dialog(qtbot, "OK", results)
        qtbot.waitUntil(lambda: bool(results), timeout=20000)
        assert "0 imported" in results[0] and "1 refused" in results[0]
        qtbot.waitUntil(lambda: not packages.runner.busy, timeout=20000)
        assert packages.model.rowCount() == 0
    finally:
        district.close()
        city.close()


def test_table_models_pass_the_model_tester(qtmodeltester, english) -> None:
    import datetime as dt

    now = dt.datetime(2021, 3, 20, 8, 0, tzinfo=dt.UTC)
    sent: DtoTableModel[SentPackageRow] = DtoTableModel(sent_columns())
    sent.set_rows([SentPackageRow(1, "2021-Q1", now, "a.khsync", 2048, "0" * 64, "AAAA", "returned", "Thiếu số liệu")])
    qtmodeltester.check(sent)
    received: DtoTableModel[ReceivedPackageRow] = DtoTableModel(received_columns())
    received.set_rows([ReceivedPackageRow("x", "district-report", "006", "UBND quận Đống Đa", 1, "2021-Q1", now, now,
                                          "a.khsync", 2048, "0" * 64, "received", "", "AAAA")])
    qtmodeltester.check(received)
