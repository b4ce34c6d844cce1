"""Nhiệm vụ: progress of the issued plan — update, filter, search without diacritics, sort, totals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from kehoach_desktop.domain.enums import PropagandaForm, WorkspaceMode
from kehoach_desktop.services.changes import Changes
from kehoach_desktop.services.plan_dto import TaskInput
from kehoach_desktop.services.plan_editing import create_task, get_plan_editor, issue_plan
from kehoach_desktop.services.progress import get_progress_board, progress_totals
from kehoach_desktop.services.session import WorkspaceSession, new_workspace, open_workspace
from kehoach_desktop.services.workspace import WorkspaceSetup, set_demo_today
from kehoach_desktop.ui.pages.tasks_page import (
    OVERDUE_BACKGROUND,
    ProgressTableModel,
    TasksPage,
    progress_columns,
    total_columns,
)
from kehoach_desktop.ui.table_model import DtoTableModel

pytestmark = pytest.mark.gui
TODAY = dt.date(2021, 6, 15)  # the workspace's day (a demo-day setting), so the figures never drift


@pytest.fixture
def session(tmp_path: Path) -> Iterator[WorkspaceSession]:
    """An issued plan with four tasks under two themes; one overdue, one due in three days."""
    workspace = new_workspace(tmp_path / "dongda.khws", WorkspaceSetup(
        mode=WorkspaceMode.DISTRICT, unit_code="006", signer_name="Nguyễn Văn An", signer_title="Phó Chủ tịch"))
    state = get_plan_editor(uow_factory=workspace.uow_factory, today=TODAY)
    vhtt = next(u.id for u in state.units if u.code == "vhtt")
    economy = next(s.id for s in state.sections if s.template_key == "II.1.2")
    culture = next(s.id for s in state.sections if s.template_key == "II.1.4")
    for section, content, due, lead in (
        (economy, "Pa nô tuyên truyền tại quận Đống Đa", TODAY - dt.timedelta(days=2), vhtt),
        (economy, "Phát thanh hướng dẫn hộ kinh doanh", TODAY + dt.timedelta(days=3), None),
        (culture, "Hội thi văn nghệ quần chúng", TODAY + dt.timedelta(days=60), vhtt),
        (culture, "Triển lãm ảnh", TODAY + dt.timedelta(days=90), None),
    ):
        create_task(uow_factory=workspace.uow_factory, section_id=section, fields=TaskInput(
            content=content, form=PropagandaForm.VISUAL.value, lead_unit_id=lead, start_date=None, due_date=due,
            budget=10_000_000, indicator_unit="pa nô", indicator_target=12))
    issue_plan(uow_factory=workspace.uow_factory, plan_id=state.plan_id, number="05", issue_date=TODAY)
    set_demo_today(uow_factory=workspace.uow_factory, day=TODAY)
    workspace.close()
    reopened = open_workspace(tmp_path / "dongda.khws")
    assert reopened.today() == TODAY
    yield reopened
    reopened.close()


@pytest.fixture
def page(qtbot, session: WorkspaceSession) -> TasksPage:
    widget = TasksPage(session)
    qtbot.addWidget(widget)
    widget.resize(1200, 760)
    widget.show()
    qtbot.waitExposed(widget)
    widget.refresh()
    return widget


def contents(page: TasksPage) -> list[str]:
    return [row.content for row in page.visible_rows()]


def test_every_task_is_listed_and_overdue_or_soon_stand_out(page: TasksPage) -> None:
    assert len(contents(page)) == 4
    assert "4 tasks" in page.count_label.text() and "1 overdue" in page.count_label.text()
    model = page.model
    late = next(i for i in range(model.rowCount()) if model.row_at(i).content.startswith("Pa nô"))
    soon = next(i for i in range(model.rowCount()) if model.row_at(i).content.startswith("Phát thanh"))
    assert model.data(model.index(late, 0)) == "Overdue"  # not colour alone: the words and a warning icon
    assert model.data(model.index(late, 0), Qt.ItemDataRole.DecorationRole) is not None
    assert model.data(model.index(late, 0), Qt.ItemDataRole.BackgroundRole).color() == OVERDUE_BACKGROUND
    assert "2 days late" in model.data(model.index(late, 4))
    assert "in 3 days" in model.data(model.index(soon, 4))
    assert model.data(model.index(soon, 0), Qt.ItemDataRole.BackgroundRole) is not None


def test_search_without_diacritics_and_filters(qtbot, page: TasksPage) -> None:
    page.search.setText("dong da")
    assert contents(page) == ["Pa nô tuyên truyền tại quận Đống Đa"]
    page.search.clear()
    page.due_filter.setCurrentIndex(page.due_filter.findData("overdue"))
    assert contents(page) == ["Pa nô tuyên truyền tại quận Đống Đa"]
    page.due_filter.setCurrentIndex(page.due_filter.findData("7days"))
    assert contents(page) == ["Phát thanh hướng dẫn hộ kinh doanh"]
    qtbot.mouseClick(page.clear_button, Qt.MouseButton.LeftButton)
    page.theme_filter.setCurrentIndex(2)  # 1.4
    assert sorted(contents(page)) == ["Hội thi văn nghệ quần chúng", "Triển lãm ảnh"]
    page.unit_filter.setCurrentIndex(page.unit_filter.findText("Phòng Văn hóa và Thông tin"))
    assert contents(page) == ["Hội thi văn nghệ quần chúng"]
    assert page.theme_totals.rowCount() == 1 and page.theme_totals.row_at(0).tasks == 1
    qtbot.mouseClick(page.clear_button, Qt.MouseButton.LeftButton)
    page.status_filter.setCurrentIndex(page.status_filter.findData("overdue"))
    assert len(contents(page)) == 1


def test_sorting_by_due_date(qtbot, page: TasksPage) -> None:
    page.table.sortByColumn(4, Qt.SortOrder.DescendingOrder)
    assert contents(page)[0] == "Triển lãm ảnh"
    page.table.sortByColumn(4, Qt.SortOrder.AscendingOrder)
    assert contents(page)[0] == "Pa nô tuyên truyền tại quận Đống Đa"


def test_progress_is_updated_on_the_issued_plan(qtbot, page: TasksPage, session) -> None:
    page.search.setText("dong da")
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    dialog = page.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.status.setCurrentIndex(dialog.status.findData("done"))
    assert dialog.percent.value() == 100
    dialog.achieved.setText("14")
    dialog.spent.setText("9.500.000")
    dialog.result.setPlainText("Đã lắp đặt 14 pa nô tại 21 phường")
    with qtbot.waitSignal(page.changed) as signal:
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert signal.args[0] == Changes(tasks=True)
    [row] = page.visible_rows()
    assert (row.status, row.percent_done, row.indicator_achieved, row.spent) == ("done", 100, 14, 9_500_000)
    assert row.progress_updated_on == TODAY
    assert page.model.data(page.model.index(0, 0)) == "Done"
    assert page.model.data(page.model.index(0, 0), Qt.ItemDataRole.DecorationRole) is not None
    by_theme = page.theme_totals.row_at(0)
    assert (by_theme.done, by_theme.budget_used_percent) == (1, 95)


def test_impossible_progress_cannot_be_saved(qtbot, page: TasksPage) -> None:
    page.table.selectRow(0)
    qtbot.mouseClick(page.update_button, Qt.MouseButton.LeftButton)
    dialog = page.dialog
    assert dialog.isVisible()
    dialog.spent.setText("-3")
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled()
    assert "negative" in dialog.problem.text()


def test_the_progress_models_pass_the_model_tester(qtmodeltester, session) -> None:
    rows = get_progress_board(uow_factory=session.uow_factory, today=TODAY).rows
    model = ProgressTableModel(progress_columns())
    model.set_rows(rows)
    qtmodeltester.check(model, force_py=True)
    by_theme, by_unit = progress_totals(rows)
    for totals in (by_theme, by_unit):
        totals_model = DtoTableModel(total_columns("Theme"))
        totals_model.set_rows(totals)
        qtmodeltester.check(totals_model, force_py=True)
