"""The city's 2026 in the window, clicked: the wizard on the city's template, the template editor, the board
of 126 wards with a return that reaches the ward, reminders and reports. Screenshots in Vietnamese at 1366×768."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget

from kehoach_desktop.domain.enums import WorkspaceMode
from kehoach_desktop.domain.template import parse_template
from kehoach_desktop.services import template_editing
from kehoach_desktop.services.session import WorkspaceSession, new_workspace, open_workspace
from kehoach_desktop.services.templates import builtin_template
from kehoach_desktop.services.workspace import WorkspaceSetup
from kehoach_desktop.ui.dialogs.review_dialog import ReviewDialog
from kehoach_desktop.ui.dialogs.template_dialogs import NewYearDialog
from kehoach_desktop.ui.main_window import MainWindow
from kehoach_desktop.ui.setup_wizard import SetupWizard
from kehoach_desktop.ui.style import STYLE_SHEET
from tests.services.ward_fixtures import PERIOD, WARD, build_wards_city, import_all, new_city_2026

pytestmark = pytest.mark.gui
SHOTS = Path(os.environ.get("KEHOACH_SCREENSHOTS", "/tmp/kehoach-cityyear-shots"))
REASON = "Thiếu ảnh băng rôn và số người tham gia"


def shot(widget: QWidget, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    widget.grab().save(str(SHOTS / f"{name}.png"))


def window_of(qtbot, session: WorkspaceSession, tmp_path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    settings = QSettings(str(tmp_path / f"settings-{id(session)}.ini"), QSettings.Format.IniFormat)
    window = MainWindow(session, settings, log_file=tmp_path / "kehoach.log")
    window.setStyleSheet(STYLE_SHEET)
    window.resize(1366, 768)
    qtbot.addWidget(window)
    window.show()
    return window


def answer_modal(kind: type, answer: Callable[[QWidget], None]) -> None:
    """When the next modal dialog of ``kind`` opens, ``answer`` it (as the user would)."""
    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if not isinstance(widget, kind):
            QTimer.singleShot(20, poll)
            return
        answer(widget)
    QTimer.singleShot(0, poll)


def answer_in_turn(kind: type, *answers: Callable[[QWidget], None]) -> None:
    """Answer the next modal dialogs of ``kind`` one after the other (a dialog may open inside another's answer)."""
    queue = list(answers)
    answered: list[QWidget] = []

    def poll() -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind) and widget not in answered and widget.isVisible():
            answered.append(widget)
            queue.pop(0)(widget)
        if queue:
            QTimer.singleShot(20, poll)
    QTimer.singleShot(0, poll)


def choose_file(path: Path) -> Callable[[QWidget], None]:
    def answer(dialog: QWidget) -> None:
        assert isinstance(dialog, QFileDialog)
        dialog.selectFile(str(path))
        dialog.accept()
    return answer


def click_button(choice: str | QMessageBox.StandardButton | QMessageBox.ButtonRole,
                 seen: list[str] | None = None) -> Callable[[QWidget], None]:
    """Answer a message box: a button by the start of its text, a standard button, or the first of a role."""
    def answer(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        if seen is not None:
            seen.append(box.text() + "\n" + box.informativeText())
        if isinstance(choice, QMessageBox.StandardButton):
            button = box.button(choice)
        elif isinstance(choice, QMessageBox.ButtonRole):
            button = next(b for b in box.buttons() if box.buttonRole(b) == choice)
        else:
            button = next(b for b in box.buttons() if b.text().startswith(choice))
        button.click()
    return answer


def test_the_wizard_starts_a_ward_from_the_city_s_template_package(qtbot, tmp_path: Path, vietnamese) -> None:
    new_city_2026(tmp_path)
    wizard = SetupWizard(builtin_template(), tmp_path / "ward.khws")
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.mode_page
    next_button = wizard.button(wizard.WizardButton.NextButton)
    page.package_template.click()  # (a click in the middle of a wide radio button misses its text)
    assert not next_button.isEnabled()  # a package must be chosen first
    qtbot.keyClicks(page.template_path, str(tmp_path / "hanoi-2026.khtemplate"))
    assert "hanoi-2026" in page.template_status.text() and "126" in page.template_status.text()
    assert "phường, xã" in page.district.text() and next_button.isEnabled()
    shot(wizard, "wizard-template")
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    units = wizard.unit_page
    assert units.units.count() == 126
    qtbot.keyClicks(units.search, "hoan kiem")
    visible = [units.units.item(i).text() for i in range(units.units.count()) if not units.units.item(i).isHidden()]
    assert visible == ["00070 — Phường Hoàn Kiếm"]
    assert units.full_name.text() == "Ủy ban nhân dân phường Hoàn Kiếm"
    shot(wizard, "wizard-unit")
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    wizard.signer_page.name.setFocus()
    wizard.signer_page.name.insert("Trần Thị Hoa")
    qtbot.mouseClick(next_button, Qt.MouseButton.LeftButton)
    setup = wizard.result_setup()
    assert (setup.unit_code, setup.template) == (WARD, str(tmp_path / "hanoi-2026.khtemplate"))
    session = new_workspace(wizard.workspace_location(), setup)
    try:
        assert session.summary().template_code == "hanoi-2026" and session.template().unit_term == "phường, xã"
    finally:
        session.close()


def test_the_wizard_says_what_the_package_holds_in_english(qtbot, tmp_path: Path, english) -> None:
    new_city_2026(tmp_path)
    wizard = SetupWizard(builtin_template(), tmp_path / "ward.khws")
    qtbot.addWidget(wizard)
    wizard.show()
    page = wizard.mode_page
    page.package_template.click()
    assert page.template_status.text() == "Choose the .khtemplate file the city sent."
    qtbot.keyClicks(page.template_path, str(tmp_path / "nothing.khtemplate"))
    assert page.template_status.text().startswith("No file at ")
    page.template_path.clear()
    qtbot.keyClicks(page.template_path, str(tmp_path / "hanoi-2026.khtemplate"))
    assert page.template_status.text().startswith(
        "Template hanoi-2026 (2026): 126 reporting units (phường, xã), report to Sở Thông tin và Truyền thông. "
        "Signed by Sở Thông tin và Truyền thông with the key ")
    assert page.district.text().startswith("A reporting unit (phường, xã)")


def test_the_template_editor_makes_2026_and_edits_every_field(qtbot, tmp_path: Path, vietnamese) -> None:
    city = new_workspace(tmp_path / "city.khws", WorkspaceSetup(mode=WorkspaceMode.CITY))
    try:
        window = window_of(qtbot, city, tmp_path)
        window.show_area("template")
        page = window.page_by_key["template"]
        qtbot.mouseClick(page.new_year_button, Qt.MouseButton.LeftButton)
        dialog = page.dialog
        assert isinstance(dialog, NewYearDialog)
        dialog.year.selectAll()
        qtbot.keyClicks(dialog.year, "2026")
        dialog.units.setCurrentIndex(dialog.units.findData("official-2025"))
        assert dialog.use.isChecked()
        qtbot.mouseClick(dialog.findChild(QWidget, "new_year_ok"), Qt.MouseButton.LeftButton)
        assert page.template_combo.currentData() == "hanoi-2026" and page.units_model.rowCount() == 126
        assert page.fields["unit_term"].text() == "phường, xã" and not page.use_button.isEnabled()
        assert city.summary().template_code == "hanoi-2026"

        # every kind of field: identity, agencies, the city's text, its agencies, the units' plans
        edits = {"code": "hanoi-2026-pxa", "receiving_agency.code": "SVHTT",
                 "receiving_agency.name": "Sở Văn hóa và Thể thao", "receiving_agency.abbreviation": "SVHTT",
                 "issuing_agency.name": "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI", "reminder_symbol": "SVHTT-VHCS",
                 "unit_term": "phường, xã"}
        for key, value in edits.items():
            page.fields[key].selectAll()
            page.fields[key].insert(value)
        page.preamble.setPlainText("Năm 2026 là năm đầu tiên của chính quyền địa phương hai cấp.")
        page.closing.setPlainText("Trên đây là Kế hoạch năm 2026./.")
        page.recipients.setPlainText("Chính phủ;\nUBND các phường, xã;\nLưu: VT, KGVX.")
        page.tabs.setCurrentIndex(5)
        qtbot.mouseClick(page.city_units_buttons[0], Qt.MouseButton.LeftButton)
        row = page.city_units_model.rowCount() - 1
        for column, text in enumerate(("STC", "Sở Tài chính mới", "")):
            page.city_units_model.setData(page.city_units_model.index(row, column), text)
        page.plan_office.selectAll()
        page.plan_office.insert("Phòng Văn hóa - Xã hội phường")
        page.tabs.setCurrentIndex(6)
        shot(window, "template-editor-unit-plans")
        page.tabs.setCurrentIndex(3)
        shot(window, "template-editor-units")
        page.tabs.setCurrentIndex(0)
        shot(window, "template-editor-general")
        problems = page.validate()
        assert [p.path for p in problems] == ["$.city_units[8].code"]  # STC is used twice
        page.city_units_model.setData(page.city_units_model.index(row, 0), "STC2")
        qtbot.mouseClick(page.save_button, Qt.MouseButton.LeftButton)
        assert page.template_combo.currentData() == "hanoi-2026-pxa"

        saved = parse_template(template_editing.get_template_document(uow_factory=city.uow_factory,
                                                                      code="hanoi-2026-pxa").document)
        assert (saved.receiving_agency.code, saved.reminder_symbol) == ("SVHTT", "SVHTT-VHCS")
        assert saved.preamble[0].text.startswith("Năm 2026") and saved.recipients[1] == "UBND các phường, xã;"
        assert saved.city_units[-1].name == "Sở Tài chính mới"
        assert saved.unit_plan.office == "Phòng Văn hóa - Xã hội phường" and len(saved.reporting_units) == 126
        summary = city.summary()
        assert (summary.unit_code, summary.unit_full_name, summary.template_code) == (
            "SVHTT", "Sở Văn hóa và Thể thao", "hanoi-2026-pxa")

        # 2021 is still there: use it, and the board shows the 30 districts again
        page.template_combo.setCurrentIndex(page.template_combo.findData("hanoi-2021"))
        qtbot.mouseClick(page.use_button, Qt.MouseButton.LeftButton)
        window.show_area("board")
        assert window.page_by_key["board"].model.rowCount() == 30
    finally:
        city.close()


def test_the_board_of_126_wards_returns_a_report_that_reaches_the_ward(qtbot, tmp_path: Path, vietnamese) -> None:
    wards = build_wards_city(tmp_path)
    city = import_all(wards)
    try:
        window = window_of(qtbot, city, tmp_path)
        window.show_area("board")
        board = window.page_by_key["board"]
        assert board.model.rowCount() == 126
        assert "phường, xã" in board.header.subtitle.text()
        shot(window, "board-126")
        assert board.select_unit(WARD, PERIOD)
        qtbot.mouseClick(board.return_button, Qt.MouseButton.LeftButton)
        dialog = board.dialog
        assert isinstance(dialog, ReviewDialog)
        dialog.reason.setFocus()
        dialog.reason.insertPlainText(REASON)
        dialog.receipt_path.setText(str(tmp_path / "bien-nhan.khreceipt"))
        shot(dialog, "review-dialog")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        assert board.current_unit().cell(PERIOD).reason == REASON

        # reminders: the folder, then one letter to all
        letters = tmp_path / "letters"
        letters.mkdir()
        seen: list[str] = []
        answer_modal(QFileDialog, choose_file(letters))
        QTimer.singleShot(0, lambda: answer_modal(QMessageBox, click_button("Một công văn", seen)))
        qtbot.mouseClick(board.remind_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: any(letters.iterdir()))
        assert [p.name for p in letters.iterdir()] == [f"don-doc-{PERIOD}-tat-ca.pdf"]

        # the consolidated report, saved where the officer chooses
        window.show_area("reports")
        reports = window.page_by_key["reports"]
        reports.period.setCurrentIndex(reports.period.findData(PERIOD))
        answer_modal(QFileDialog, choose_file(tmp_path / "tong-hop.pdf"))
        qtbot.mouseClick(reports.pdf_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: (tmp_path / "tong-hop.pdf").exists(), timeout=30000)
        shot(window, "reports-126")
    finally:
        city.close()

    # the ward imports the receipt on its Sync page and reads the reason
    ward = open_workspace(wards.ward)
    try:
        window = window_of(qtbot, ward, tmp_path)
        window.show_area("sync")
        sync_page = window.page_by_key["sync"]
        seen = []
        answer_modal(QFileDialog, choose_file(tmp_path / "bien-nhan.khreceipt"))
        QTimer.singleShot(0, lambda: answer_modal(QMessageBox, click_button(QMessageBox.StandardButton.Ok, seen)))
        qtbot.mouseClick(sync_page.import_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(seen), timeout=30000)
        qtbot.waitUntil(lambda: REASON in (sync_page.model.index(0, 4).data() or ""), timeout=10000)
        shot(window, "ward-sync-returned")
    finally:
        ward.close()


def test_a_district_starts_2022_from_the_city_s_template_and_views_2021_again(qtbot, tmp_path: Path,
                                                                             vietnamese) -> None:
    from kehoach_desktop.services import sync
    from kehoach_desktop.ui.dialogs.years_dialog import YearsDialog

    city = new_workspace(tmp_path / "city.khws", WorkspaceSetup(mode=WorkspaceMode.CITY))
    template_editing.copy_template_for_new_year(uow_factory=city.uow_factory, use=True)
    sync.export_template_package(uow_factory=city.uow_factory, out=tmp_path / "hanoi-2022.khtemplate")
    city.close()
    district = new_workspace(tmp_path / "d.khws", WorkspaceSetup(mode=WorkspaceMode.DISTRICT, unit_code="006",
                                                                 signer_name="Nguyễn Văn An"))
    try:
        window = window_of(qtbot, district, tmp_path)
        window.show_area("sync")
        sync_page = window.page_by_key["sync"]
        seen: list[str] = []
        answer_modal(QFileDialog, choose_file(tmp_path / "hanoi-2022.khtemplate"))
        QTimer.singleShot(0, lambda: answer_in_turn(
            QMessageBox, click_button(QMessageBox.ButtonRole.AcceptRole, seen),  # the city's key, confirmed
            click_button(QMessageBox.StandardButton.Ok, seen),  # the results
            click_button(QMessageBox.StandardButton.No, seen)))  # start the 2022 plan now? not yet
        qtbot.mouseClick(sync_page.import_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: len(seen) == 3, timeout=30000)
        assert "2022" in seen[2] and district.plan_outline().year == 2021

        window.years_action.trigger()
        dialog = window.dialog
        assert isinstance(dialog, YearsDialog) and dialog.table.rowCount() == 2
        assert dialog.select_code("hanoi-2022") and dialog.use_button.isEnabled()
        qtbot.mouseClick(dialog.use_button, Qt.MouseButton.LeftButton)
        assert "2022" in dialog.state.text() and district.plan_outline().year == 2022
        shot(dialog, "years-dialog")
        window.show_area("plan")
        assert "2022" in window.page_by_key["plan"].header.subtitle.text()
        assert dialog.select_code("hanoi-2021")
        qtbot.mouseClick(dialog.use_button, Qt.MouseButton.LeftButton)
        assert "2021" in window.page_by_key["plan"].header.subtitle.text()  # the earlier year, viewable
        dialog.close()
    finally:
        district.close()
