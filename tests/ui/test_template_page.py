"""The template editor page: a new year from 2021, edit a section and the units, validate, save, publish."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QWidget

from kehoach_desktop.domain.enums import SectionKind, WorkspaceMode
from kehoach_desktop.domain.template import parse_template
from kehoach_desktop.services import sync, template_editing
from kehoach_desktop.services.session import WorkspaceSession, new_workspace
from kehoach_desktop.services.workspace import WorkspaceSetup
from kehoach_desktop.ui.main_window import MainWindow
from kehoach_desktop.ui.models.rows_model import TextRowsModel
from kehoach_desktop.ui.pages.template_page import TemplatePage
from kehoach_desktop.ui.style import STYLE_SHEET

pytestmark = pytest.mark.gui
SHOTS = Path("/tmp/kehoach-city-shots")


@pytest.fixture
def city(tmp_path: Path) -> Iterator[WorkspaceSession]:
    session = new_workspace(tmp_path / "city.kehoach", WorkspaceSetup(mode=WorkspaceMode.CITY))
    try:
        yield session
    finally:
        session.close()


def test_the_rows_model_passes_the_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = TextRowsModel([("code", "Code"), ("name", "Name")])
    model.set_rows([{"code": "001", "name": "Ba Đình"}, {"code": "002", "name": "Hoàn Kiếm"}])
    model.append_rows([{"code": "003", "name": " Tây Hồ "}])
    assert model.rows()[2] == {"code": "003", "name": "Tây Hồ"}
    qtmodeltester.check(model, force_py=True)
    model.read_only = True
    assert not model.setData(model.index(0, 0), "x")


def test_new_year_edit_validate_save_and_publish(qtbot, city: WorkspaceSession, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(city, settings, log_file=tmp_path / "kehoach.log")
    window.setStyleSheet(STYLE_SHEET)
    window.resize(1280, 800)
    qtbot.addWidget(window)
    window.show()
    window.show_area("template")
    page = window.page_by_key["template"]
    assert isinstance(page, TemplatePage)
    assert page.template_combo.currentData() == "hanoi-2021"
    assert not page.save_button.isEnabled() and not page.section_title.isEnabled()  # the built-in is read-only

    emitted = []
    page.changed.connect(emitted.append)
    qtbot.mouseClick(page.new_year_button, Qt.MouseButton.LeftButton)  # year + 1, the same units, in use
    assert page.dialog.year.value() == 2022
    qtbot.mouseClick(page.dialog.findChild(QWidget, "new_year_ok"), Qt.MouseButton.LeftButton)
    assert page.template_combo.currentData() == "hanoi-2022" and page.year.value() == 2022
    assert page.save_button.isEnabled() and emitted[-1].workspace
    assert page.periods_model.rows()[0] == {"period": "2022-Q1", "deadline": "2022-03-25"}

    # a section title, and a new theme with its text
    group = page.select_section("II.1")
    page.sections_tree.setCurrentItem(group.child(1))
    page.section_title.setText("Về phát triển kinh tế năm 2022")
    new_theme = page.add_section(SectionKind.THEME)
    assert new_theme is not None and group.indexOfChild(new_theme) == 2
    page.section_title.setText("Chuyển đổi số")
    page.section_text.setPlainText("- Tuyên truyền về chuyển đổi số\nĐoạn văn thường")
    page.section_locked.setChecked(True)

    # a unit with Vietnamese text, first with a code already used
    page.tabs.setCurrentIndex(3)
    qtbot.mouseClick(page.units_buttons[0], Qt.MouseButton.LeftButton)
    row = page.units_model.rowCount() - 1
    for column, text in enumerate(("001", "xã", "Tân Hội")):
        editor_index = page.units_model.index(row, column)
        page.units_view.setCurrentIndex(editor_index)
        page.units_view.edit(editor_index)
        editor = page.units_view.focusWidget()
        editor.setText(text)
        page.units_view.commitData(editor)
        page.units_view.closeEditor(editor, page.units_view.itemDelegate().EndEditHint.NoHint)
    assert page.units_model.rows()[row] == {"code": "001", "kind": "xã", "name": "Tân Hội", "places": ""}
    problems = page.validate()
    assert [p.path for p in problems] == [f"$.reporting_units[{row}].code"]
    assert page.problems.isVisible() and page.problems.count() == 1
    assert page.units_model.index(row, 0).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert not page.save()  # refused while invalid
    SHOTS.mkdir(exist_ok=True)
    window.grab().save(str(SHOTS / "template-problem.png"))

    page.units_model.setData(page.units_model.index(row, 0), "031")
    assert page.validate() == [] and not page.problems.isVisible()
    assert page.save()
    page.tabs.setCurrentIndex(1)
    assert page.sections_tree.currentItem().data(0, Qt.ItemDataRole.UserRole)["key"] == "II.1.5"  # kept
    window.grab().save(str(SHOTS / "template.png"))

    saved = parse_template(template_editing.get_template_document(uow_factory=city.uow_factory,
                                                                  code="hanoi-2022").document)
    assert saved.section("II.1.2").title == "Về phát triển kinh tế năm 2022"
    theme = saved.section("II.1.5")
    assert theme.title == "Chuyển đổi số" and theme.locked
    assert [(p.style, p.text) for p in theme.paragraphs] == [("bullet", "Tuyên truyền về chuyển đổi số"),
                                                             ("paragraph", "Đoạn văn thường")]
    assert saved.unit("031").name == "Tân Hội" and len(saved.reporting_units) == 31

    # moving sections
    new_theme = page.select_section("II.1.5")
    page.move_section(1)
    assert new_theme.parent().indexOfChild(new_theme) == 3
    assert page.export_package(tmp_path / "hanoi-2022.khtemplate") is not None  # saves the move first
    district = new_workspace(tmp_path / "d.kehoach", WorkspaceSetup(
        mode=WorkspaceMode.DISTRICT, unit_code="006", signer_name="Nguyễn Văn An", signer_title="Phó Chủ tịch"))
    try:
        assert sync.import_template_package(uow_factory=district.uow_factory, path=tmp_path / "hanoi-2022.khtemplate",
                                            trust_new_keys=True).imported
        received = template_editing.get_template_document(uow_factory=district.uow_factory, code="hanoi-2022")
        keys = [c["key"] for c in received.document["sections"][1]["children"][0]["children"]]
        assert keys == ["II.1.1", "II.1.2", "II.1.3", "II.1.5", "II.1.4"]
    finally:
        district.close()


def test_paste_adds_many_units(qtbot, city: WorkspaceSession) -> None:
    page = TemplatePage(city)
    qtbot.addWidget(page)
    page.refresh()
    page.copy_for_new_year()
    before = page.units_model.rowCount()
    added = page.paste_rows(page.units_model, "101\tphường\tPhúc Xá\n102\tphường\tTrúc Bạch\n\n103;xã;Tân Lập\n")
    assert added == 3 and page.units_model.rowCount() == before + 3
    assert page.units_model.rows()[-1] == {"code": "103", "kind": "xã", "name": "Tân Lập", "places": ""}
    assert page.validate() == []
