"""A new unit's first steps on Tổng quan, ticked from the workspace's data, each button leading to where the step
is done; empty lists and charts that say what they will hold and offer the action that fills them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QFileDialog, QLineEdit, QWidget

from kehoach_desktop.domain.enums import WorkspaceMode
from kehoach_desktop.services.first_steps import FirstSteps, get_first_steps
from kehoach_desktop.services.session import WorkspaceSession, new_workspace
from kehoach_desktop.services.workspace import WorkspaceSetup
from kehoach_desktop.ui.dialogs.excel_export_dialog import ExcelExportDialog
from kehoach_desktop.ui.dialogs.material_dialog import MaterialDialog
from kehoach_desktop.ui.dialogs.plan_details_dialog import PlanDetailsDialog
from kehoach_desktop.ui.first_steps_panel import STEPS
from kehoach_desktop.ui.main_window import MainWindow
from tests.ui.clicking import when_modal

pytestmark = pytest.mark.gui


@pytest.fixture
def session(tmp_path: Path) -> Iterator[WorkspaceSession]:
    opened = new_workspace(tmp_path / "ws" / "dongda.khws", WorkspaceSetup(
        mode=WorkspaceMode.DISTRICT, unit_code="006", signer_name="Nguyễn Văn An", signer_title="Chủ tịch"))
    yield opened
    opened.close()


def make_window(qtbot, session: WorkspaceSession, tmp_path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(session, settings, log_file=tmp_path / "kehoach.log")
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    return window


def type_text(widget: QWidget, text: str) -> None:
    """Vietnamese as an input method commits it (QTest types ASCII only)."""
    widget.setFocus()
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)




def click_nav(qtbot, window: MainWindow, key: str) -> None:  # type: ignore[no-untyped-def]
    row = [area.key for area in window.areas].index(key)
    rect = window.navigation.visualItemRect(window.navigation.item(row))
    qtbot.mouseClick(window.navigation.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_a_new_workspace_shows_its_first_steps_each_button_leads_there_and_ticks_it(
        qtbot, session: WorkspaceSession, tmp_path: Path, vietnamese) -> None:
    window = make_window(qtbot, session, tmp_path)
    overview = window.page_by_key["overview"]
    panel = overview.first_steps
    assert panel.isVisible() and panel.done_keys == set()
    assert panel.progress.text().startswith("Đã xong 0/8 bước")
    assert panel.texts[STEPS[0].key].text() == (
        "1. Điền thông tin kế hoạch: số, ký hiệu, căn cứ ban hành, người ký, nơi nhận")
    assert panel.buttons["plan_details"].text() == "Thông tin kế hoạch…"
    assert panel.buttons["package"].text() == f"Đến trang “{window.navigation.item(6).text()}”"

    # 1. plan details: the button opens the dialog; saving a change ticks the step
    qtbot.mouseClick(panel.buttons["plan_details"], Qt.MouseButton.LeftButton)
    assert window.current_area() == "plan"
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, PlanDetailsDialog)
    dialog.place.clear()
    type_text(dialog.place, "Hà Nội")
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    click_nav(qtbot, window, "overview")
    assert panel.done_keys == {"plan_details"}
    assert panel.progress.text().startswith("Đã xong 1/8 bước")

    # 2. the draft: "Go to Kế hoạch" shows the page; a task added there ticks it
    qtbot.mouseClick(panel.buttons["draft"], Qt.MouseButton.LeftButton)
    assert window.current_area() == "plan"
    plan = window.page_by_key["plan"]
    plan.select_section("II.1.2")
    plan.tabs.setCurrentIndex(1)
    assert plan.task_empty.isVisible() and "chưa có nhiệm vụ nào" in plan.task_empty.text()
    qtbot.mouseClick(plan.task_empty.button, Qt.MouseButton.LeftButton)  # the empty list's own "Thêm nhiệm vụ"
    assert plan.task_model.rowCount() == 1 and not plan.task_empty.isVisible()
    click_nav(qtbot, window, "overview")
    assert "draft" in panel.done_keys
    overview = window.page_by_key["overview"]
    qtbot.waitUntil(lambda: overview.theme_model.rowCount() >= 1)  # the new task's theme, in place of the notice
    assert not overview.theme_empty.isVisible()

    # 5. the first material: the materials page and its form, answered as the officer does
    def record(dialog: QDialog) -> None:
        assert isinstance(dialog, MaterialDialog)
        type_text(dialog.content, "Chào mừng Đại hội")
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()

    answered = when_modal(MaterialDialog, record)
    qtbot.mouseClick(panel.buttons["materials"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(answered))
    assert window.current_area() == "materials"
    assert window.page_by_key["materials"].model.rowCount() == 1
    click_nav(qtbot, window, "overview")
    assert "materials" in panel.done_keys

    # 7. the units' workbooks: File's export dialog, a workbook written, the step ticked
    out = tmp_path / "tien-do.xlsx"

    def save(dialog: QDialog) -> None:
        dialog.findChild(QLineEdit, "fileNameEdit").setText(str(out))
        dialog.accept()

    qtbot.mouseClick(panel.buttons["workbooks"], Qt.MouseButton.LeftButton)
    export = QApplication.activeModalWidget()
    assert isinstance(export, ExcelExportDialog)
    when_modal(QFileDialog, save)
    qtbot.waitUntil(lambda: export.export_button.isEnabled())
    qtbot.mouseClick(export.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(out.is_file, timeout=30_000)
    qtbot.waitUntil(lambda: get_first_steps(uow_factory=session.uow_factory).workbooks, timeout=30_000)
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QDialog) and widget.isVisible():
            widget.done(0)
    click_nav(qtbot, window, "plan")
    click_nav(qtbot, window, "overview")  # shown again: the export ticked its step
    assert "workbooks" in panel.done_keys

    # 8. the package: the button shows the Sync page, where the empty list offers the export
    qtbot.mouseClick(panel.buttons["package"], Qt.MouseButton.LeftButton)
    assert window.current_area() == "sync"
    sync = window.page_by_key["sync"]
    assert sync.empty.isVisible() and sync.empty.button.text() == "Xuất gói dữ liệu…"


def test_the_steps_are_read_from_the_data_and_the_list_hides_when_all_are_done(
        qtbot, session: WorkspaceSession, tmp_path: Path) -> None:
    from kehoach_desktop.services import sync
    from kehoach_desktop.services.events import EventInput, create_event
    from kehoach_desktop.services.excel_export import export_progress_workbook
    from kehoach_desktop.services.materials import create_material
    from kehoach_desktop.services.plan_dto import ResponsibleUnitInput, TaskInput
    from kehoach_desktop.services.plan_editing import create_task, get_plan_editor, issue_plan
    from kehoach_desktop.services.responsible_units import create_responsible_unit
    from tests.services.register_fixtures import banner

    uow = session.uow_factory
    assert get_first_steps(uow_factory=uow) == FirstSteps(*([False] * 8))
    create_responsible_unit(uow_factory=uow, data=ResponsibleUnitInput(code="", name="Phường Láng Thượng",
                                                                       kind="ward"))
    create_material(uow_factory=uow, values=banner("Chào mừng Đại hội"))
    create_event(uow_factory=uow, values=EventInput(type="cultural", title="Hội diễn văn nghệ",
                                                    starts_on=dt.date(2021, 9, 1)))
    steps = get_first_steps(uow_factory=uow)
    assert (steps.responsible_units, steps.materials, steps.events, steps.issued, steps.done) == (
        True, True, True, False, 3)
    window = make_window(qtbot, session, tmp_path)
    panel = window.page_by_key["overview"].first_steps
    assert panel.done_keys == {"responsible_units", "materials", "events"} and panel.isVisible()
    assert panel.marks["materials"].toolTip() == "Done" and panel.marks["issued"].toolTip() == "Not done yet"

    # an officer who will not use a step hides the list; Help → First steps brings it back
    qtbot.mouseClick(panel.hide_button, Qt.MouseButton.LeftButton)
    assert not panel.isVisible() and get_first_steps(uow_factory=uow).hidden
    click_nav(qtbot, window, "plan")
    click_nav(qtbot, window, "overview")
    assert not panel.isVisible()
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.menu() and a.menu().title() == "&Help")
    next(a for a in help_menu.actions() if a.text() == "First steps").trigger()
    assert window.current_area() == "overview" and panel.isVisible()
    assert not get_first_steps(uow_factory=uow).hidden

    state = get_plan_editor(uow_factory=uow, today=session.today())
    theme = next(s for s in state.sections if s.template_key == "II.1.2")
    create_task(uow_factory=uow, section_id=theme.id, fields=TaskInput(content="Phát thanh trên loa", form="other"))
    issue_plan(uow_factory=uow, plan_id=state.plan_id, number="05", issue_date=dt.date(2021, 1, 20))
    export_progress_workbook(uow_factory=uow, out=tmp_path / "w.xlsx", today=session.today())
    sync.export_sync_package(uow_factory=uow, out=tmp_path / "p.khsync", period="2021", today=session.today())
    assert get_first_steps(uow_factory=uow).all_done
    click_nav(qtbot, window, "plan")
    click_nav(qtbot, window, "overview")
    assert not panel.isVisible()  # every step done: the page shows the year's figures only


@pytest.mark.parametrize("language", ["vi", "en"])
def test_an_empty_workspace_says_what_each_list_will_hold_and_offers_to_fill_it(
        qtbot, session: WorkspaceSession, tmp_path: Path, language: str, request) -> None:
    request.getfixturevalue("vietnamese" if language == "vi" else "english")
    window = make_window(qtbot, session, tmp_path)
    overview = window.page_by_key["overview"]
    for chart in (overview.materials_by_type_chart, overview.materials_by_status_chart,
                  overview.events_by_month_chart):
        assert chart.chart().axes() == [] and chart.chart().series() == []  # no empty axes
        assert chart.empty.isVisible() and chart.empty.text()

    themes = overview.theme_empty  # the table of progress by theme: what it will hold, and where tasks are written
    assert overview.theme_model.rowCount() == 0 and themes.isVisible()
    assert themes.text() == ("Kế hoạch chưa có nhiệm vụ nào. Nhiệm vụ, tiến độ và kinh phí của từng chủ đề sẽ hiện "
                             "ở đây." if language == "vi" else "The plan has no task yet. Each theme's tasks, their "
                             "progress and budget will show here.")
    qtbot.mouseClick(themes.button, Qt.MouseButton.LeftButton)
    assert window.current_area() == "plan"
    click_nav(qtbot, window, "overview")

    # the chart's button leads to the register and its form
    answered = when_modal(MaterialDialog, lambda dialog: dialog.reject())
    qtbot.mouseClick(overview.materials_by_type_chart.empty.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(answered))
    assert window.current_area() == "materials"

    materials = window.page_by_key["materials"]
    assert materials.empty.isVisible()
    assert materials.empty.button.text() == materials.add_button.text()
    qtbot.keyClicks(materials.search, "bang ron")
    qtbot.waitUntil(lambda: materials.empty.text() in ("Không có dòng nào khớp với bộ lọc.",
                                                       "No row matches the filters."))
    qtbot.mouseClick(materials.empty.button, Qt.MouseButton.LeftButton)  # "Clear filters"
    assert materials.search.text() == "" and materials.empty.button.text() == materials.add_button.text()

    click_nav(qtbot, window, "tasks")
    tasks = window.page_by_key["tasks"]
    assert tasks.empty.isVisible()
    qtbot.mouseClick(tasks.empty.button, Qt.MouseButton.LeftButton)
    assert window.current_area() == "plan"

    click_nav(qtbot, window, "reports")
    reports = window.page_by_key["reports"]
    assert reports.view_empty.isVisible() and reports.view_empty.button.text() == reports.generate_button.text()

    click_nav(qtbot, window, "backups")
    backups = window.page_by_key["backups"]
    if backups.model.rowCount() == 0:
        assert backups.empty.isVisible()
        qtbot.mouseClick(backups.empty.button, Qt.MouseButton.LeftButton)  # "Back up now"
        qtbot.waitUntil(lambda: backups.model.rowCount() == 1, timeout=30_000)
    assert not backups.empty.isVisible()
