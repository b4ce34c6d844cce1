"""A package given on the command line (a double-click): the question, then the Sync page's import."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from kehoach_desktop.services import sync
from kehoach_desktop.services.changes import Changes
from kehoach_desktop.services.session import new_demo_workspace
from kehoach_desktop.ui.open_file import FileImportOffer, kind_of
from tests.services.package_tools import new_city

pytestmark = pytest.mark.gui


def _answer_next_dialog(button_text: str, seen: list[str]) -> None:
    """Click ``button_text`` in the next modal message box, remembering its name and texts."""
    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        seen.append(f"{box.objectName()}: {box.text()}\n{box.informativeText()}")
        for button in box.buttons():
            if button.text().startswith(button_text):
                button.click()
                return
        raise AssertionError(f"no button {button_text!r} in {[b.text() for b in box.buttons()]}")
    QTimer.singleShot(0, click)


@pytest.fixture
def district_package(tmp_path: Path) -> Path:
    district = new_demo_workspace(tmp_path / "district.khws")
    try:
        out = tmp_path / "incoming" / "006-2021-Q3-001.khsync"
        out.parent.mkdir()
        sync.export_sync_package(uow_factory=district.uow_factory, out=out)
    finally:
        district.close()
    return out


def test_the_question_names_the_file_its_kind_and_the_workspace(qtbot, tmp_path: Path, district_package: Path,
                                                                 english) -> None:
    city = new_city(tmp_path / "city.khws")
    try:
        parent = QWidget()
        qtbot.addWidget(parent)
        box = FileImportOffer(parent, city, district_package, on_changes=lambda _c: None).confirmation()
        text = box.informativeText()
        assert "006-2021-Q3-001.khsync" in text
        assert "a reporting unit's sync package" in text
        assert str(tmp_path / "city.khws") in text
        assert [b.text() for b in box.buttons()] == ["Import", "Do not import"]
    finally:
        city.close()


def test_yes_imports_the_package_after_the_key_is_confirmed(qtbot, tmp_path: Path, district_package: Path,
                                                            english) -> None:
    city = new_city(tmp_path / "city.khws")
    try:
        parent = QWidget()
        qtbot.addWidget(parent)
        changes: list[Changes] = []
        offer = FileImportOffer(parent, city, district_package, on_changes=changes.append)
        asked: list[str] = []
        key: list[str] = []
        results: list[str] = []
        _answer_next_dialog("Import", asked)
        assert offer.ask() is True
        _answer_next_dialog("The fingerprint is the same", key)
        qtbot.waitUntil(lambda: bool(key), timeout=20000)
        _answer_next_dialog("OK", results)
        qtbot.waitUntil(lambda: bool(results), timeout=20000)
        assert asked[0].startswith("open_file_dialog")
        assert "1 imported" in results[0]
        assert changes and changes[0].packages
        rows = sync.list_received_packages(uow_factory=city.uow_factory)
        assert [(r.unit_code, r.file_name) for r in rows] == [("006", "006-2021-Q3-001.khsync")]
    finally:
        city.close()


def test_no_imports_nothing(qtbot, tmp_path: Path, district_package: Path, english) -> None:
    city = new_city(tmp_path / "city.khws")
    try:
        parent = QWidget()
        qtbot.addWidget(parent)
        changes: list[Changes] = []
        asked: list[str] = []
        _answer_next_dialog("Do not import", asked)
        assert FileImportOffer(parent, city, district_package, on_changes=changes.append).ask() is False
        assert asked and changes == []
        assert sync.list_received_packages(uow_factory=city.uow_factory) == ()
    finally:
        city.close()


def test_a_missing_file_is_said_and_nothing_is_asked(qtbot, tmp_path: Path, english) -> None:
    city = new_city(tmp_path / "city.khws")
    try:
        parent = QWidget()
        qtbot.addWidget(parent)
        seen: list[str] = []
        _answer_next_dialog("OK", seen)
        offer = FileImportOffer(parent, city, tmp_path / "gone.khtemplate", on_changes=lambda _c: None)
        assert offer.ask() is False
        assert seen[0].startswith("open_file_missing_dialog") and "gone.khtemplate" in seen[0]
    finally:
        city.close()


def test_kinds_follow_the_extension_whatever_its_case(english) -> None:
    assert kind_of(Path("a.KHTEMPLATE")) == "a plan template package from the city"
    assert kind_of(Path("a.khreceipt")) == "a receipt from the city for a package you sent"
    assert kind_of(Path("a.zip")) == "an unknown kind of file"
