"""The materials register driven through its widgets: add, edit, filter, bulk change, photo, undo, reminder."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QItemSelectionModel, QSettings, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from kehoach_desktop.services.materials import (
    MaterialFilter,
    create_material,
    get_material,
    material_totals,
    update_material,
)
from kehoach_desktop.ui.main_window import MainWindow
from kehoach_desktop.ui.pages.materials_page import MaterialsPage
from tests.services.register_fixtures import banner, district, jpeg_bytes  # noqa: F401
from tests.ui.clicking import Answer, answering, choose_file, press

pytestmark = pytest.mark.gui


@pytest.fixture
def page(qtbot, district):  # noqa: F811
    page = MaterialsPage(district)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    page.refresh()
    return page


def answer_next_question(button: QMessageBox.StandardButton) -> None:
    def click() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox), box
        box.button(button).click()

    QTimer.singleShot(0, click)


def save(dialog) -> None:  # type: ignore[no-untyped-def]
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()


def change_status_to(status: str, day: str) -> Answer:
    """In the Change status dialog: choose the status, type the date, OK."""
    def answer(dialog) -> None:  # type: ignore[no-untyped-def]
        dialog.status.setCurrentIndex(dialog.status.findData(status))
        dialog.date.setFocus()
        dialog.date.selectAll()
        QTest.keyClicks(dialog.date, day)
        press("OK")(dialog)
    return answer


def test_the_table_model_passes_the_model_tester(qtmodeltester, page, district) -> None:  # noqa: F811
    for n in range(5):
        create_material(uow_factory=district.uow_factory, values=banner(f"Khẩu hiệu {n}"))
    page.refresh()
    qtmodeltester.check(page.model)


def test_add_through_the_form_then_undo_and_redo(qtbot, page, district) -> None:  # noqa: F811
    dialog = page.make_dialog(None)
    qtbot.addWidget(dialog)
    dialog.content.setPlainText("Nhiệt liệt chào mừng Đại hội Đảng bộ quận")
    dialog.quantity.setValue(40)
    dialog.ward.setCurrentText("Phường Láng Hạ")
    dialog.cost.setText("12.500.000")
    save(dialog)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert page.model.rowCount() == 1
    assert page.footer.text().startswith("1 row · quantity 40 · cost ") and "12,500,000" in page.footer.text()
    row = page.model.row_at(0)
    assert row.content == "Nhiệt liệt chào mừng Đại hội Đảng bộ quận" and row.cost == 12_500_000
    qtbot.keyClick(page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert page.model.rowCount() == 0
    qtbot.keyClick(page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert page.model.rowCount() == 1


def test_a_removal_before_installation_is_refused_with_the_reason(qtbot, page, district) -> None:  # noqa: F811
    material_id, _ = create_material(uow_factory=district.uow_factory, values=banner(
        status="installed", produced_on=dt.date(2021, 2, 1), installed_on=dt.date(2021, 3, 5)))
    page.refresh()
    dialog = page.make_dialog(page.model.row_at(0))
    qtbot.addWidget(dialog)
    dialog.status.setCurrentIndex(dialog.status.findData("removed"))
    assert dialog.dates["removed_on"].value() == district.today()  # the step's date, filled
    dialog.dates["removed_on"].set_value(dt.date(2021, 3, 1))
    save(dialog)
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "removal date 01/03/2021 is before the installation date 05/03/2021" in dialog.problem.text()
    assert get_material(uow_factory=district.uow_factory, material_id=material_id).status == "installed"


def test_a_skipped_step_asks_and_fills_nothing_else(qtbot, page, district) -> None:  # noqa: F811
    material_id, _ = create_material(uow_factory=district.uow_factory, values=banner())
    page.refresh()
    dialog = page.make_dialog(page.model.row_at(0))
    qtbot.addWidget(dialog)
    dialog.status.setCurrentIndex(dialog.status.findData("installed"))
    assert dialog.dates["produced_on"].value() is None
    answer_next_question(QMessageBox.StandardButton.No)
    save(dialog)
    assert get_material(uow_factory=district.uow_factory, material_id=material_id).status == "planned"
    answer_next_question(QMessageBox.StandardButton.Yes)
    save(dialog)
    record = get_material(uow_factory=district.uow_factory, material_id=material_id)
    assert record.status == "installed" and record.produced_on is None and record.installed_on == district.today()
    assert dialog.history.topLevelItemCount() == 1  # the form's history was loaded when it opened
    again = page.make_dialog(page.model.row_at(0))
    qtbot.addWidget(again)
    assert again.history.topLevelItemCount() == 2 and again.history.topLevelItem(0).childCount() == 2


def test_a_save_over_someone_elses_newer_edit_is_refused_and_the_form_shows_it(qtbot, page,
                                                                             district) -> None:  # noqa: F811
    material_id, _ = create_material(uow_factory=district.uow_factory, values=banner("Chào mừng Đại hội"))
    page.refresh()
    dialog = page.make_dialog(page.model.row_at(0))  # officer A opens the form
    qtbot.addWidget(dialog)
    opened = get_material(uow_factory=district.uow_factory, material_id=material_id)
    update_material(uow_factory=district.uow_factory, material_id=material_id,  # officer B saves meanwhile
                    values=replace(opened.as_input(), content="Nội dung cán bộ B đã lưu"), expected_version=1)
    dialog.quantity.setValue(25)
    shown: list[str] = []

    def close_message() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox), box
        shown.append(box.text())
        box.button(QMessageBox.StandardButton.Ok).click()

    QTimer.singleShot(0, close_message)
    save(dialog)
    assert dialog.result() != dialog.DialogCode.Accepted
    assert len(shown) == 1 and "changed by someone else" in shown[0]
    assert "Content / slogan is now “Nội dung cán bộ B đã lưu”" in shown[0]
    stored = get_material(uow_factory=district.uow_factory, material_id=material_id)
    assert (stored.content, stored.quantity) == ("Nội dung cán bộ B đã lưu", 10)  # B's edit kept, A's not saved
    assert dialog.content.toPlainText() == "Nội dung cán bộ B đã lưu" and dialog.quantity.value() == 10
    assert dialog.version == stored.version
    dialog.quantity.setValue(25)  # A makes the change again over the newer values: it is saved
    save(dialog)
    assert dialog.result() == dialog.DialogCode.Accepted
    stored = get_material(uow_factory=district.uow_factory, material_id=material_id)
    assert (stored.content, stored.quantity) == ("Nội dung cán bộ B đã lưu", 25)


def test_filter_search_and_totals(qtbot, page, district) -> None:  # noqa: F811
    f = district.uow_factory
    create_material(uow_factory=f, values=banner("Chào mừng Đại hội Đảng", quantity=3, cost=1_000))
    create_material(uow_factory=f, values=banner("Bầu cử đại biểu", type="poster", quantity=5, cost=2_000))
    page.refresh()
    assert page.shown_totals.count == 2
    page.type_filter.setCurrentIndex(page.type_filter.findData("poster"))
    assert [r.content for r in page.model.loaded_rows()] == ["Bầu cử đại biểu"]
    assert (page.shown_totals.quantity, page.shown_totals.cost) == (5, 2_000)
    qtbot.mouseClick(page.clear_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(page.search, "dai hoi dang")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert page.model.row_at(0).content == "Chào mừng Đại hội Đảng"


def test_bulk_status_change_of_the_selection_and_undo(qtbot, page, district) -> None:  # noqa: F811
    f = district.uow_factory
    for n in range(40):
        create_material(uow_factory=f, values=banner(f"Băng rôn {n:02d}", status="installed",
                                                     installed_on=dt.date(2021, 9, 1)))
    page.refresh()
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert len(page.selected_rows()) == 40
    with answering(qtbot, change_status_to("removed", "10/09/2021")):
        qtbot.mouseClick(page.status_button, Qt.MouseButton.LeftButton)
    removed = MaterialFilter(statuses=("removed",))
    assert material_totals(uow_factory=f, flt=removed).count == 40
    assert {r.removed_on for r in page.model.loaded_rows()} == {dt.date(2021, 9, 10)}
    assert page.undo_button.toolTip() == "Undo: Mark 40 materials “Removed”"
    qtbot.mouseClick(page.undo_button, Qt.MouseButton.LeftButton)
    assert material_totals(uow_factory=f, flt=removed).count == 0
    assert {r.status for r in page.model.loaded_rows()} == {"installed"}


def test_attach_a_photo_and_offer_its_date(qtbot, page, district, tmp_path: Path) -> None:  # noqa: F811
    create_material(uow_factory=district.uow_factory, values=banner(
        status="installed", installed_on=dt.date(2021, 3, 1)))
    page.refresh()
    photo = tmp_path / "pano.jpg"
    photo.write_bytes(jpeg_bytes(2400, 1800, taken=dt.datetime(2021, 3, 4, 9, 0)))
    dialog = page.make_dialog(page.model.row_at(0))
    qtbot.addWidget(dialog)
    dialog.show()
    with answering(qtbot, choose_file(photo)):
        qtbot.mouseClick(dialog.photos.add_button, Qt.MouseButton.LeftButton)
    assert dialog.photos.list.count() == 1
    icon = dialog.photos.list.item(0).icon().pixmap(200, 200)
    assert max(icon.width(), icon.height()) == 132
    assert dialog.photo_date_button.isVisible() and "04/03/2021" in dialog.photo_date_button.text()
    dialog.photo_date_button.click()
    assert dialog.dates["installed_on"].value() == dt.date(2021, 3, 4)
    with answering(qtbot, choose_file(photo)):  # the same photo again: stored and shown once
        qtbot.mouseClick(dialog.photos.add_button, Qt.MouseButton.LeftButton)
    assert dialog.photos.list.count() == 1


def test_export_of_the_current_view(qtbot, page, district, tmp_path: Path) -> None:  # noqa: F811
    create_material(uow_factory=district.uow_factory, values=banner("=HYPERLINK(\"x\")", quantity=4))
    create_material(uow_factory=district.uow_factory, values=banner("Khác", type="poster"))
    page.refresh()
    page.type_filter.setCurrentIndex(page.type_filter.findData("banner"))
    target = tmp_path / "view.xlsx"
    with answering(qtbot, choose_file(target)):
        qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.last_export == target)
    sheet = load_workbook(target).active
    assert sheet["B3"].value == "=HYPERLINK(\"x\")" and sheet["B3"].data_type == "s"
    assert sheet["D3"].value == 4 and sheet.max_row == 4  # heading, header, one row, totals


def test_the_reminder_appears_on_the_overview(qtbot, district, tmp_path: Path) -> None:  # noqa: F811
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(district, settings, log_file=tmp_path / "log.txt")
    qtbot.addWidget(window)
    window.show()
    overview = window.page_by_key["overview"]
    assert overview.removals_card.value.text() == "0"
    window.show_area("materials")
    page = window.page_by_key["materials"]
    today = district.today()
    dialog = page.make_dialog(None)
    qtbot.addWidget(dialog)
    dialog.content.setPlainText("Cờ phướn Quốc khánh")
    dialog.status.setCurrentIndex(dialog.status.findData("installed"))
    dialog.dates["installed_on"].set_value(today - dt.timedelta(days=10))
    dialog.planned_removal.set_value(today - dt.timedelta(days=1))
    save(dialog)
    assert overview.removals_card.value.text() == "1"
    texts = [overview.attention.item(i).text() for i in range(overview.attention.count())]
    assert "1 installed material is past its planned removal date" in texts
    qtbot.mouseClick(page.undo_button, Qt.MouseButton.LeftButton)
    assert overview.removals_card.value.text() == "0"


def test_the_selection_model_keeps_rows_after_fetching_more(qtbot, page, district) -> None:  # noqa: F811
    f = district.uow_factory
    for n in range(450):
        create_material(uow_factory=f, values=banner(f"Tờ rơi {n:03d}", type="leaflet"))
    page.refresh()
    assert page.model.rowCount() == 200 and page.shown_totals.count == 450
    page.table.selectionModel().select(page.model.index(0, 0), QItemSelectionModel.SelectionFlag.Select
                                       | QItemSelectionModel.SelectionFlag.Rows)
    page.table.scrollToBottom()
    while page.model.canFetchMore():
        page.model.fetchMore()
    assert page.model.rowCount() == 450 and len({r.id for r in page.model.loaded_rows()}) == 450
    assert len(page.selected_rows()) == 1


def test_sorting_by_a_header_keeps_the_totals_and_orders_every_page(qtbot, page, district,  # noqa: F811
                                                                    monkeypatch) -> None:
    for n in range(7):
        create_material(uow_factory=district.uow_factory, values=banner(f"Khẩu hiệu {n}", cost=(n % 3) * 1_000_000))
    qtbot.keyClicks(page.search, "khau hieu")
    qtbot.waitUntil(lambda: page.shown_totals.count == 7)
    footer = page.footer.text()
    counted: list[object] = []
    monkeypatch.setattr(page, "totals", lambda flt: counted.append(flt))  # a sort must not count again
    cost_column = next(i for i, c in enumerate(page.model.columns) if c.sort_key == "cost")
    page.table.horizontalHeader().setSortIndicator(cost_column, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: page._sort.key == "cost")
    costs = [page.model.row_at(r).cost for r in range(page.model.rowCount())]
    assert costs == sorted(costs, reverse=True) and len(costs) == 7
    assert counted == [] and page.footer.text() == footer


def test_a_bulk_change_over_someone_elses_newer_edit_is_refused_and_the_list_shows_it(
        qtbot, page, district) -> None:  # noqa: F811
    f = district.uow_factory
    for n in range(3):
        create_material(uow_factory=f, values=banner(f"Băng rôn {n}", status="installed",
                                                     installed_on=dt.date(2021, 9, 1)))
    page.refresh()
    page.table.selectAll()
    rows = page.selected_rows()  # officer A selects the three rows
    other = rows[1]
    update_material(uow_factory=f, material_id=other.id,  # officer B saves one of them meanwhile
                    values=replace(other.as_input(), content="Băng rôn cán bộ B đã sửa"), expected_version=1)
    shown: list[str] = []

    def close_message(box: QMessageBox) -> None:
        assert isinstance(box, QMessageBox), box
        shown.append(box.text())
        box.button(QMessageBox.StandardButton.Ok).click()

    with answering(qtbot, change_status_to("removed", "10/09/2021"), close_message):
        qtbot.mouseClick(page.status_button, Qt.MouseButton.LeftButton)
    assert len(shown) == 1 and "1 of the chosen rows was changed by someone else" in shown[0]
    assert "“Băng rôn cán bộ B đã sửa”" in shown[0]  # named as it is now, as the refreshed list shows it
    assert material_totals(uow_factory=f, flt=MaterialFilter(statuses=("removed",))).count == 0  # nothing changed
    assert "Băng rôn cán bộ B đã sửa" in {r.content for r in page.model.loaded_rows()}  # the list shows B's edit
    page.table.selectAll()
    with answering(qtbot, press("Yes")):  # the refreshed selection carries the newer versions: it goes through
        qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    assert material_totals(uow_factory=f, flt=MaterialFilter()).count == 0
