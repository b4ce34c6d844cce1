"""Actions that cannot apply are disabled, and their tooltip says why and what to do first (in Vietnamese).

An issued plan: its texts, tasks and responsible units can only be read until Sửa đổi, bổ sung…; a register with no
row matching: nothing to export; rows to act on: select them first; a report to print: generate it first.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from kehoach_desktop.services.responsible_units import list_responsible_units
from kehoach_desktop.services.session import WorkspaceSession, new_demo_workspace, open_workspace
from kehoach_desktop.ui.dialogs.units_dialog import ResponsibleUnitsDialog
from kehoach_desktop.ui.pages.materials_page import MaterialsPage
from kehoach_desktop.ui.pages.plan_page import PlanPage
from kehoach_desktop.ui.pages.reports_page import ReportsPage
from tests.ui.clicking import type_text

pytestmark = pytest.mark.gui
ISSUED = ("Kế hoạch đã ban hành và đã khóa. Muốn thay đổi, hãy mở lần ban hành mới (Sửa đổi, bổ sung…) và nêu "
          "lý do.")


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.khws"
    new_demo_workspace(path).close()
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Iterator[WorkspaceSession]:
    shutil.copy(demo_file, tmp_path / "demo.khws")
    session = open_workspace(tmp_path / "demo.khws")
    yield session
    session.close()


def shown(qtbot, widget):  # type: ignore[no-untyped-def]
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    widget.refresh()
    return widget


def test_an_issued_plan_says_how_to_change_it(qtbot, demo, vietnamese) -> None:
    page = shown(qtbot, PlanPage(demo))
    page.select_section(next(s.template_key for s in page.state.sections if s.tasks))
    assert not page.state.is_draft  # the demo's plan is issued
    assert not page.issue_action.isEnabled()
    assert "mở lần ban hành mới trước (Sửa đổi, bổ sung…)" in page.issue_action.toolTip()
    for action in (page.add_task_action, page.duplicate_task_action, page.move_up_action, page.remove_task_action):
        assert not action.isEnabled() and ISSUED in action.toolTip()
    assert page.revise_action.isEnabled()
    assert page.task_form.toolTip() == ISSUED and page.local_edit.isReadOnly()
    assert not page.revert_button.isEnabled() and page.revert_button.toolTip() == ISSUED

    # Đơn vị thực hiện: the directory can be read, not changed, and says so
    page.units_action.trigger()
    dialog = page.dialog
    assert isinstance(dialog, ResponsibleUnitsDialog) and dialog.isVisible()
    assert dialog.locked_note.isVisible() and dialog.locked_note.text() == ISSUED
    for widget in (dialog.name, dialog.new_button, dialog.save_button, dialog.active_button):
        assert not widget.isEnabled() and ISSUED in widget.toolTip()
    before = list_responsible_units(uow_factory=demo.uow_factory)
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    assert list_responsible_units(uow_factory=demo.uow_factory) == before
    dialog.close()

    # Sửa đổi, bổ sung…: a draft again, so the tasks and the units can be changed; Ban hành… applies, and
    # Sửa đổi, bổ sung… does not
    def give_reason() -> None:
        revise = page.dialog
        type_text(revise.reason, "Bổ sung nhiệm vụ quý IV")
        revise.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    QTimer.singleShot(0, give_reason)
    page.revise_action.trigger()
    qtbot.waitUntil(lambda: page.state.is_draft)
    assert page.add_task_action.isEnabled() and page.issue_action.isEnabled()
    assert not page.revise_action.isEnabled() and "đang là dự thảo" in page.revise_action.toolTip()
    page.units_action.trigger()
    dialog = page.dialog
    assert not dialog.locked_note.isVisible() and dialog.save_button.isEnabled() and dialog.name.isEnabled()
    assert not dialog.active_button.isEnabled()
    assert dialog.active_button.toolTip() == "Hãy chọn một đơn vị trong danh sách trước."
    dialog.close()


def test_the_city_view_of_a_units_directory_is_read_only(qtbot, demo, vietnamese) -> None:
    dialog = ResponsibleUnitsDialog(demo.uow_factory, locked_why="Thành phố chỉ xem.")
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.save_button.isEnabled() and dialog.save_button.toolTip() == "Thành phố chỉ xem."


def test_register_actions_need_rows(qtbot, demo, vietnamese) -> None:
    page = shown(qtbot, MaterialsPage(demo))
    assert page.model.rowCount() > 0 and page.export_button.isEnabled()
    for button in (page.edit_button, page.status_button, page.delete_button):
        assert not button.isEnabled() and button.toolTip() == "Hãy chọn một hoặc nhiều dòng trước."
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=page.table.visualRect(page.model.index(0, 1)).center())
    assert page.status_button.isEnabled() and page.delete_button.isEnabled() and page.status_button.toolTip() == ""

    qtbot.keyClicks(page.search, "khong co dong nao nhu the nay")
    qtbot.waitUntil(lambda: page.model.rowCount() == 0)
    assert not page.export_button.isEnabled()
    assert page.export_button.toolTip() == "Không có gì để xuất: không có dòng nào khớp với bộ lọc."
    qtbot.mouseClick(page.clear_button, Qt.MouseButton.LeftButton)
    assert page.export_button.isEnabled() and page.export_button.toolTip() == ""


def test_a_report_is_generated_before_it_is_printed(qtbot, demo, vietnamese) -> None:
    page = shown(qtbot, ReportsPage(demo))
    for button in (page.print_button, page.save_button, page.sign_button):
        assert not button.isEnabled() and button.toolTip() == "Hãy tạo báo cáo trước (Tạo báo cáo)."
    assert page.next_button.toolTip().startswith("Trang sau\n")  # its own tip first, then why
    qtbot.mouseClick(page.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.print_button.isEnabled(), timeout=60_000)
    assert page.print_button.toolTip() == "" and page.next_button.toolTip() == "Trang sau"
    QApplication.processEvents()
