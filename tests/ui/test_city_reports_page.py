"""The city's Consolidated reports page: a paper copy's QR text typed (or scanned) into the box says which
received package it matches; a certificate of another organisation is confirmed before the report is signed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from kehoach_desktop.services import reports
from kehoach_desktop.services.session import open_workspace
from kehoach_desktop.ui.pages.city_reports_page import CityReportsPage
from tests.exchange.certs import make_pki
from tests.exchange.pdf_readers import needs_readers, run
from tests.services.city_fixtures import CityWithDistricts, build_city

pytestmark = [pytest.mark.gui, needs_readers]
SHOTS = Path("/tmp/kehoach-city-shots")


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CityWithDistricts]:
    built = build_city(tmp_path_factory.mktemp("city"), districts=("006", "001"), received_on=dt.date(2021, 3, 20))
    try:
        yield built
    finally:
        built.city.close()


@pytest.fixture
def page(qtbot: QtBot, city: CityWithDistricts, vietnamese: None) -> CityReportsPage:
    widget = CityReportsPage(city.city)
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    widget.refresh()
    return widget


def paper_qr(folder: Path, code: str, period: str = "2021-Q1") -> str:
    """The QR text of the progress report the demo district printed for ``period`` (as of the day it sent)."""
    district = open_workspace(folder / f"d{code}.khws")
    try:
        out = folder / f"paper-{code}.pdf"
        done = reports.generate_report(uow_factory=district.uow_factory, kind="progress", period=period, out=out,
                                       today=district.today())
    finally:
        district.close()
    return done.stamp.payload()


def test_a_scanned_qr_text_says_which_package_the_paper_matches(qtbot: QtBot, page: CityReportsPage,
                                                                 city: CityWithDistricts) -> None:
    folder = city.packages["006"].parent
    text = paper_qr(folder, "006")
    qtbot.keyClicks(page.qr_text, text)
    qtbot.keyClick(page.qr_text, Qt.Key.Key_Return)  # what a scanner does after the text
    shown = page.lookup_result.text()
    assert "Khớp với gói 1 của Ủy ban nhân dân quận Đống Đa cho quý I/2021" in shown, shown
    SHOTS.mkdir(exist_ok=True)
    qtbot.wait(50)  # the label grows to its lines
    page.grab().save(str(SHOTS / "qr-lookup.png"))

    page.qr_text.clear()
    other = paper_qr(folder, "006", "2021-H1")  # a paper of a period the unit has not sent
    qtbot.keyClicks(page.qr_text, other)
    qtbot.mouseClick(page.lookup_button, Qt.MouseButton.LeftButton)
    assert "Chưa nhận được gói nào của đơn vị đó cho 6 tháng đầu năm 2021" in page.lookup_result.text()
    page.qr_text.clear()
    qtbot.keyClicks(page.qr_text, "KHDESKTOP|2|006|2021-Q1||sha256:12ab")  # cut short when scanned
    qtbot.mouseClick(page.lookup_button, Qt.MouseButton.LeftButton)
    assert "không phải nội dung mã QR" in page.lookup_result.text()


def test_the_deviations_say_when_there_are_too_few_plans_to_compare_budgets(page: CityReportsPage) -> None:
    first = page.deviations.topLevelItem(0).text(0)
    assert first == "2 đơn vị đã gửi kế hoạch: kinh phí chỉ được so sánh khi có từ 4 đơn vị."


def answer_mismatch(button_text: str, seen: list[str]) -> QTimer:
    """Waits for the signer warning, keeps its text, and clicks ``button_text``."""
    timer = QTimer()

    def look() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.objectName() == "signer_mismatch":
            timer.stop()
            seen.append(box.text())
            next(b for b in box.buttons() if b.text() == button_text).click()

    timer.timeout.connect(look)
    timer.start(50)
    return timer


def test_a_certificate_of_another_organisation_is_confirmed_before_signing(
        qtbot: QtBot, page: CityReportsPage, tmp_path: Path) -> None:
    pki = make_pki(tmp_path, signer="Lê Văn Bình", organisation="UBND quận Hoàn Kiếm")
    credentials = reports.P12Credentials(pki.signer_p12, pki.password)
    seen: list[str] = []
    timer = answer_mismatch("Hủy", seen)
    assert page.export_pdf(tmp_path / "no.pdf", credentials) is None
    timer.stop()
    assert not (tmp_path / "no.pdf").exists()
    assert "Lê Văn Bình" in seen[0] and "UBND quận Hoàn Kiếm" in seen[0]
    assert "Sở Thông tin và Truyền thông" in seen[0]
    timer = answer_mismatch("Vẫn ký", seen)
    signed = page.export_pdf(tmp_path / "yes.pdf", credentials)
    timer.stop()
    assert signed is not None and "Signature is Valid." in run("pdfsig", signed).stdout
    assert len(seen) == 2
