"""The city's consolidated report as a Word copy, from its page: the number typed, the button clicked, the file
named in the save dialog (Vietnamese and English)."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kehoach_desktop.ui.pages.city_reports_page import CityReportsPage
from tests.services.city_fixtures import CityWithDistricts, build_city
from tests.ui.test_reports_word import save_as

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CityWithDistricts]:
    built = build_city(tmp_path_factory.mktemp("city"), districts=("006", "001"), received_on=dt.date(2021, 3, 20))
    try:
        yield built
    finally:
        built.city.close()


@pytest.mark.parametrize(("language", "button", "title"), [
    ("vietnamese", "Báo cáo tổng hợp (Word)…", "Xuất Word | Văn bản Word (*.docx)"),
    ("english", "Consolidated report (Word)…", "Export to Word | Word documents (*.docx)"),
])
def test_the_consolidated_report_as_word(qtbot: QtBot, city: CityWithDistricts, tmp_path: Path,
                                         request: pytest.FixtureRequest, language: str, button: str,
                                         title: str) -> None:
    request.getfixturevalue(language)
    page = CityReportsPage(city.city)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    page.refresh()
    page.period.setCurrentIndex(page.period.findData("2021-Q1"))
    qtbot.keyClicks(page.number, "07")
    assert page.word_button.text() == button
    seen: list[str] = []
    save_as(tmp_path / "tong-hop", seen)
    qtbot.mouseClick(page.word_button, Qt.MouseButton.LeftButton)
    out = tmp_path / "tong-hop.docx"
    qtbot.waitUntil(out.exists, timeout=60_000)
    assert seen == [title]
    xml = zipfile.ZipFile(out).read("word/document.xml").decode("utf-8")
    for expected in ("Số: 07/BC-STTTT", "BÁO CÁO", "Quận Đống Đa", "Quận Ba Đình", "PHỤ LỤC I"):
        assert expected in xml, expected
    assert str(out) in page.result.text()
