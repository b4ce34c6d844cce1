"""City mode in the window: the completeness board over three demo districts, review, drill-down, reports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QSettings, Qt

from kehoach_desktop.domain.periods import period_label
from kehoach_desktop.domain.reporting import Timeliness
from kehoach_desktop.services.materials import MaterialFilter, material_totals
from kehoach_desktop.ui.dialogs.review_dialog import ReviewDialog
from kehoach_desktop.ui.main_window import MainWindow
from kehoach_desktop.ui.models.board_model import BoardTableModel, CellRole
from kehoach_desktop.ui.style import STYLE_SHEET
from tests.services.city_fixtures import PERIOD, CityWithDistricts, build_city, set_received_on
from tests.ui.clicking import answering, choose_file, press

pytestmark = pytest.mark.gui
SHOTS = Path("/tmp/kehoach-city-shots")


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CityWithDistricts]:
    built = build_city(tmp_path_factory.mktemp("city"))
    set_received_on(built.city, dt.date(2021, 3, 20))
    set_received_on(built.city, dt.date(2021, 4, 2), "271")
    try:
        yield built
    finally:
        built.city.close()


@pytest.fixture
def window(qtbot, city: CityWithDistricts, tmp_path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(city.city, settings, log_file=tmp_path / "kehoach.log")
    window.setStyleSheet(STYLE_SHEET)
    window.resize(1280, 800)
    qtbot.addWidget(window)
    window.show()
    return window


def test_the_board_model_passes_the_model_tester(qtmodeltester, city: CityWithDistricts) -> None:
    from kehoach_desktop.services.city_board import get_completeness_board

    model = BoardTableModel()
    board = get_completeness_board(uow_factory=city.city.uow_factory, today=city.city.today())
    model.set_board(board.periods, board.rows)
    qtmodeltester.check(model, force_py=True)


def click_cell(qtbot, page, code: str, period: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """Click the unit's row, in the period's column (its name column without a period)."""
    column = 0 if period is None else page.model.FIXED + [p.period for p in page.board.periods].index(period)
    for row in range(page.proxy.rowCount()):
        index = page.proxy.index(row, column)
        if page.model.row_at(page.proxy.mapToSource(index).row()).code == code:
            page.table.scrollTo(index)
            qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton,
                             pos=page.table.visualRect(index).center())
            return
    raise AssertionError(f"no row {code}")


def test_board_review_drill_down_and_consolidated_reports(qtbot, window: MainWindow, city: CityWithDistricts,
                                                          tmp_path: Path) -> None:
    window.show_area("board")
    page = window.page_by_key["board"]
    assert page.model.rowCount() == 30
    assert not page.accept_button.isEnabled() and page.accept_button.toolTip() == "Select a unit in the table first."
    click_cell(qtbot, page, "006", PERIOD)
    cell = page.table.currentIndex().data(CellRole)
    assert cell.timeliness == "on_time" and "#1" in page.table.currentIndex().data()
    click_cell(qtbot, page, "001", "2021-H1")
    missing = page.table.currentIndex()  # missing: said by the text and a warning icon as well as the colour
    assert missing.data() == Timeliness.MISSING.label and missing.data(Qt.ItemDataRole.DecorationRole) is not None
    assert page.table.currentIndex().data(Qt.ItemDataRole.BackgroundRole) is not None
    assert not page.return_button.isEnabled()
    assert page.return_button.toolTip() == f"No report of Quận Ba Đình for {period_label('2021-H1')} has arrived."
    SHOTS.mkdir(exist_ok=True)
    window.grab().save(str(SHOTS / "board.png"))

    # filters: the kinds come from the template
    page.kind_filter.setCurrentIndex(page.kind_filter.findData("huyện"))
    assert page.model.rowCount() == 17
    page.kind_filter.setCurrentIndex(0)
    page.search.setText("ba vì")
    assert page.model.rowCount() == 1
    page.search.clear()

    # review: a reason is required to return, the board shows it, and the receipt for the unit is written
    click_cell(qtbot, page, "271", PERIOD)
    assert page.return_button.isEnabled()
    qtbot.mouseClick(page.return_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert isinstance(dialog, ReviewDialog) and dialog.isVisible() and not dialog.ok_button.isEnabled()
    dialog.reason.setFocus()
    dialog.reason.insertPlainText("Thiếu kết quả sự kiện quý I")  # committed text, as an input method sends it
    assert dialog.ok_button.isEnabled() and dialog.write_receipt.isChecked()
    dialog.receipt_path.setText(str(tmp_path / "271.khreceipt"))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert page.current_unit().cell(PERIOD).timeliness == "returned"
    assert (tmp_path / "271.khreceipt").read_bytes().startswith(b"PK")
    assert "Thiếu kết quả" in page.details.text() and "271.khreceipt" in page.done_notice.text()
    click_cell(qtbot, page, "006", PERIOD)
    qtbot.mouseClick(page.accept_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    qtbot.mouseClick(dialog.write_receipt, Qt.MouseButton.LeftButton)  # no receipt this time
    assert not dialog.receipt_path.isEnabled()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert page.current_unit().cell(PERIOD).decision == "accepted"
    assert not page.accept_button.isEnabled() and page.accept_button.toolTip() == "This report is already accepted."

    # drill-down: the district's own pages, over its records only, read-only
    click_cell(qtbot, page, "271")
    qtbot.mouseClick(page.open_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert dialog.isVisible()
    materials = dialog.show_tab("materials")
    materials.refresh()
    expected = material_totals(uow_factory=dialog.view_session.uow_factory, flt=MaterialFilter()).count
    assert materials.shown_totals.count == expected > 0
    assert {r.unit_code for r in materials.model.loaded_rows()} == {"271"}
    assert not materials.add_button.isVisible() and not materials.delete_button.isVisible()
    from kehoach_desktop.domain.text import fold

    word = fold(materials.model.row_at(0).content).split()[-1]  # search as the district does, without diacritics
    materials.search.setText(word)
    qtbot.waitUntil(lambda: 0 < materials.model.rowCount() < expected)
    plan = dialog.show_tab("plan")
    assert plan.tree.topLevelItemCount() > 0 and not plan.revise_action.isEnabled()
    tasks = dialog.show_tab("tasks")
    assert tasks.model.rowCount() == 40 and not tasks.update_button.isVisible()
    dialog.resize(1280, 800)
    dialog.show_tab("materials")
    dialog.grab().save(str(SHOTS / "drilldown.png"))
    dialog.close()

    # the consolidated report and workbook, saved where the file dialog says
    window.show_area("reports")
    reports = window.page_by_key["reports"]
    reports.period.setCurrentIndex(reports.period.findData(PERIOD))
    with answering(qtbot, choose_file(tmp_path / "city.pdf")):
        qtbot.mouseClick(reports.pdf_button, Qt.MouseButton.LeftButton)
    pdf = tmp_path / "city.pdf"
    assert pdf.read_bytes().startswith(b"%PDF") and str(pdf) in reports.result.text()
    with answering(qtbot, choose_file(tmp_path / "city.xlsx")):
        qtbot.mouseClick(reports.excel_button, Qt.MouseButton.LeftButton)
    assert "Nhiệm vụ" in load_workbook(tmp_path / "city.xlsx", read_only=True).sheetnames
    assert reports.deviations.topLevelItemCount() >= 0
    window.grab().save(str(SHOTS / "reports.png"))


def test_reminder_letters_from_the_board(qtbot, window: MainWindow, tmp_path: Path) -> None:
    window.show_area("board")
    page = window.page_by_key["board"]
    page.period.setCurrentIndex(page.period.findData("2021-H1"))
    click_cell(qtbot, page, "001", "2021-H1")
    letters = tmp_path / "letters"
    letters.mkdir()
    with answering(qtbot, choose_file(letters), press("One letter to all")):
        qtbot.mouseClick(page.remind_button, Qt.MouseButton.LeftButton)
    paths = list(letters.glob("*.pdf"))
    assert len(paths) == 1 and paths[0].read_bytes().startswith(b"%PDF")
    assert period_label("2021-H1") in page.done_notice.text() and "2021-H1" not in page.done_notice.text()
    assert page.done_notice.open_button.isVisible() and page.done_notice.folder == letters


def test_word_drafts_of_the_reminder_letters_from_the_board(qtbot, vietnamese, city: CityWithDistricts,  # type: ignore[no-untyped-def]
                                                           window: MainWindow, tmp_path: Path) -> None:
    from docx import Document as read_docx
    from PySide6.QtWidgets import QMessageBox

    from kehoach_desktop.services.city_board import get_completeness_board, units_to_remind
    from kehoach_desktop.services.documents import list_register

    window.show_area("board")
    page = window.page_by_key["board"]
    page.period.setCurrentIndex(page.period.findData("2021-H1"))
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    seen: list[str] = []

    def tick_and_one_per_unit(dialog) -> None:  # type: ignore[no-untyped-def]
        assert isinstance(dialog, QMessageBox)
        seen.append(dialog.checkBox().text())
        dialog.grab().save(str(SHOTS / "reminder-question.png"))
        qtbot.mouseClick(dialog.checkBox(), Qt.MouseButton.LeftButton, pos=dialog.checkBox().rect().center())
        press("Mỗi đơn vị một công văn")(dialog)

    issued = [e for e in list_register(uow_factory=city.city.uow_factory) if e.kind == "reminder"]
    with answering(qtbot, choose_file(drafts), tick_and_one_per_unit):
        qtbot.mouseClick(page.remind_button, Qt.MouseButton.LeftButton)
    board = get_completeness_board(uow_factory=city.city.uow_factory, today=city.city.today())
    late = len(units_to_remind(board, "2021-H1"))
    files = sorted(drafts.glob("*.docx"))
    assert seen == ["Dự thảo Word (.docx) để rà soát trước: chưa lấy số, chưa vào sổ văn bản đi"]
    assert len(files) == late and not list(drafts.glob("*.pdf"))
    first = "\n".join(p.text for p in read_docx(files[0]).paragraphs)
    assert "DỰ THẢO" in first and "Kính gửi: UBND" in first and "các đơn vị" not in first
    assert f"Đã lưu {late} dự thảo Word" in page.done_notice.text() and "để lấy số" in page.done_notice.text()
    assert [e for e in list_register(uow_factory=city.city.uow_factory) if e.kind == "reminder"] == issued
