"""The plan editor driven like a coordinator does: tasks under two themes, edits, undo/redo, issue, revise, compare."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from kehoach_desktop.domain.enums import PropagandaForm, WorkspaceMode
from kehoach_desktop.formats import format_vnd
from kehoach_desktop.services.plan_dto import EditorTask
from kehoach_desktop.services.plan_editing import get_plan_editor, issue_plan
from kehoach_desktop.services.plan_revisions import list_revisions
from kehoach_desktop.services.responsible_units import list_responsible_units
from kehoach_desktop.services.session import WorkspaceSession, new_workspace
from kehoach_desktop.services.workspace import WorkspaceSetup
from kehoach_desktop.ui.dialogs.issue_dialogs import IssueDialog, ReviseDialog
from kehoach_desktop.ui.dialogs.revisions_dialog import RevisionsDialog, revision_columns
from kehoach_desktop.ui.dialogs.units_dialog import unit_columns
from kehoach_desktop.ui.pages.plan_page import PlanPage, editor_task_columns
from kehoach_desktop.ui.table_model import DtoTableModel
from tests.ui.clicking import type_text

pytestmark = pytest.mark.gui


@pytest.fixture
def session(tmp_path: Path) -> Iterator[WorkspaceSession]:
    workspace = new_workspace(tmp_path / "dongda.khws", WorkspaceSetup(
        mode=WorkspaceMode.DISTRICT, unit_code="006", signer_name="Nguyễn Văn An", signer_title="Phó Chủ tịch"))
    yield workspace
    workspace.close()


@pytest.fixture
def page(qtbot, session: WorkspaceSession) -> PlanPage:
    widget = PlanPage(session)
    qtbot.addWidget(widget)
    widget.resize(1100, 760)
    widget.show()
    qtbot.waitExposed(widget)
    widget.refresh()
    return widget


def tasks_of(page: PlanPage, key: str) -> list[EditorTask]:
    assert page.state is not None
    return list(next(s for s in page.state.sections if s.template_key == key).tasks)


def stored_tasks(session: WorkspaceSession, key: str) -> list[EditorTask]:
    state = get_plan_editor(uow_factory=session.uow_factory, today=session.today())
    assert state is not None
    return list(next(s for s in state.sections if s.template_key == key).tasks)


def add_task(qtbot, page: PlanPage, key: str, content: str) -> str:
    page.select_section(key)
    page.tabs.setCurrentIndex(1)
    page.task_table.setFocus()
    qtbot.keyClick(page.task_table, Qt.Key.Key_Insert)
    task_id = page.task_form.task_id
    assert task_id is not None and page.task_form.content.toPlainText() == "New task"
    page.task_form.content.setPlainText(content)  # QTest cannot type Vietnamese
    page.task_form.flush()  # what the pause after typing does
    return task_id


def test_a_coordinator_drafts_edits_undoes_issues_revises_and_compares(qtbot, page: PlanPage, session) -> None:
    first = add_task(qtbot, page, "II.1.2", "Phát thanh trên loa truyền thanh 21 phường quận Đống Đa")
    second = add_task(qtbot, page, "II.1.2", "Treo băng rôn tại các tuyến phố chính")
    third = add_task(qtbot, page, "II.1.4", "Hội thi văn nghệ quần chúng")
    assert [t.fields.content for t in stored_tasks(session, "II.1.2")] == [
        "Phát thanh trên loa truyền thanh 21 phường quận Đống Đa", "Treo băng rôn tại các tuyến phố chính"]
    assert [t.id for t in stored_tasks(session, "II.1.4")] == [third]
    assert page.tabs.tabText(1) == "Tasks (1)"

    # edit the second task's form, budget, lead unit and dates, as typed in the form
    page.select_section("II.1.2")
    page.task_table.selectRow(1)
    form = page.task_form
    assert form.task_id == second
    form.form.setCurrentIndex(form.form.findData(PropagandaForm.VISUAL.value))
    form.lead.setCurrentIndex(form.lead.findText("Phòng Văn hóa và Thông tin"))
    form.budget.setText("1.500.000")
    form.target.setText("40")
    form.indicator_unit.setText("băng rôn")
    form.flush()
    saved = stored_tasks(session, "II.1.2")[1].fields
    assert (saved.form, saved.budget, saved.indicator_target, saved.indicator_unit) == ("visual", 1_500_000, 40,
                                                                                      "băng rôn")
    assert page.task_model.data(page.task_model.index(1, 4)) == format_vnd(1_500_000)

    # validation as you type: a due date before the start is refused with the reason next to the field
    form.due.set_value(dt.date(2021, 1, 2))
    form.start.set_value(dt.date(2021, 3, 1))
    assert form.problem["due_date"].isVisible() and "before the start" in form.problem["due_date"].text()
    form.flush()
    assert stored_tasks(session, "II.1.2")[1].fields.due_date == dt.date(2021, 12, 31)
    form.due.set_value(dt.date(2022, 1, 15))  # outside the year: flagged, still saved
    assert "Outside the plan's year" in form.problem["due_date"].text()
    form.flush()
    assert stored_tasks(session, "II.1.2")[1].fields.due_date == dt.date(2022, 1, 15)
    form.budget.setText("-5")
    assert "negative" in form.problem["budget"].text()
    form.flush()
    assert stored_tasks(session, "II.1.2")[1].fields.budget == 1_500_000
    form.budget.setText("1.500.000")

    # undo and redo with the keyboard, from the outline
    page.tree.setFocus()
    qtbot.keyClick(page.tree, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the due date change
    assert stored_tasks(session, "II.1.2")[1].fields.due_date == dt.date(2021, 12, 31)
    qtbot.keyClick(page.tree, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)  # redo
    assert stored_tasks(session, "II.1.2")[1].fields.due_date == dt.date(2022, 1, 15)
    for _step in range(2):  # the due date, then the form/budget/indicator edit: the toolbar's Undo
        page.undo_action.trigger()
    assert stored_tasks(session, "II.1.2")[1].fields.budget == 0
    page.redo_action.trigger()
    assert stored_tasks(session, "II.1.2")[1].fields.budget == 1_500_000

    # reorder, duplicate, remove with confirmation — and undo the removal
    page.task_table.setFocus()
    page.task_table.selectRow(1)
    qtbot.keyClick(page.task_table, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert [t.id for t in stored_tasks(session, "II.1.2")] == [second, first]
    qtbot.keyClick(page.task_table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert len(stored_tasks(session, "II.1.2")) == 3
    copy = page.task_form.task_id
    assert copy not in (first, second) and stored_tasks(session, "II.1.2")[1].id == copy
    qtbot.keyClick(page.task_table, Qt.Key.Key_Delete)
    box = page.confirm_box
    assert box is not None and box.isVisible()
    box.button(QMessageBox.StandardButton.Yes).click()
    assert [t.id for t in stored_tasks(session, "II.1.2")] == [second, first]
    page.undo_action.trigger()
    assert [t.id for t in stored_tasks(session, "II.1.2")] == [second, copy, first]
    page.undo_action.trigger()  # and the duplication itself
    assert [t.id for t in stored_tasks(session, "II.1.2")] == [second, first]

    # texts: the locked theme is read-only; an open form is adapted, marked, and can be undone
    page.select_section("II.1.2")
    assert page.text_edit.isReadOnly() and "locked" in page.section_marks.text()
    page.local_edit.setPlainText("Quận Đống Đa tập trung tuyên truyền tại 21 phường.")
    page.local_edit.commit()
    page.select_section("II.2.3")
    page.tabs.setCurrentIndex(0)
    assert not page.text_edit.isReadOnly()
    page.text_edit.setPlainText("Tuyên truyền cổ động trực quan tại quận Đống Đa.")
    page.text_edit.commit()
    item = page.tree.currentItem()
    assert not item.icon(2).isNull() and "adapted" in page.section_marks.text().lower()  # the bundled pencil icon
    assert page.section_marks.icon_name == "edit"
    assert page.revert_button.isEnabled()
    qtbot.mouseClick(page.show_template_button, Qt.MouseButton.LeftButton)
    assert page.template_view.isVisible() and page.template_view.toPlainText().startswith("Phát hành cắm nang")
    page.undo_action.trigger()
    assert page.text_edit.toPlainText().startswith("Phát hành cắm nang")

    # issue: the plan locks
    page.issue_action.trigger()
    issue = page.dialog
    assert isinstance(issue, IssueDialog) and issue.isVisible()
    issue.number.setText("05")
    issue.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert page.state.status == "issued" and page.state.revision == 1
    assert page.undo_stack.count() == 0 and not page.undo_action.isEnabled()
    assert not page.add_task_action.isEnabled() and page.local_edit.isReadOnly()
    assert "locked" in page.banner.text()

    # revise with a reason, change a task, issue revision 2, compare
    page.revise_action.trigger()
    revise = page.dialog
    assert isinstance(revise, ReviseDialog) and revise.isVisible()
    ok = revise.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled() and ok.toolTip() == "Write why the plan is revised first."
    type_text(revise.reason, "Bổ sung nhiệm vụ quý III")
    ok.click()
    assert page.state.status == "draft" and page.state.revision == 2
    assert "Bổ sung nhiệm vụ quý III" in page.banner.text()
    page.select_section("II.1.4")
    page.tabs.setCurrentIndex(1)
    page.task_form.budget.setText("2.000.000")
    page.task_form.flush()
    page.issue_action.trigger()
    page.dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert page.state.revision == 2 and page.state.status == "issued"

    page.revisions_action.trigger()
    dialog = page.dialog
    assert isinstance(dialog, RevisionsDialog)
    dialog.compare(1, 2)
    shown = dialog.view.toPlainText()
    assert "From Revision 1 to Revision 2" in shown
    assert "Hội thi văn nghệ quần chúng" in shown and "Budget" in shown and format_vnd(2_000_000) in shown
    assert "1 task changed" in shown
    dialog.table.selectRow(0)
    assert "Revision 1" in dialog.reader.toPlainText() and "Hội thi văn nghệ" in dialog.reader.toPlainText()
    dialog.close()


def test_plan_details_are_edited_in_a_dialog_and_undone(qtbot, page: PlanPage, session) -> None:
    page.details_action.trigger()
    dialog = page.dialog
    assert dialog.isVisible() and dialog.symbol.text() == "KH-UBND" and dialog.deputy.text() == "KT. CHỦ TỊCH"
    dialog.number.setText("07")
    dialog.recipients.setPlainText("UBND Thành phố;\nLưu: VT, VHTT.")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    state = get_plan_editor(uow_factory=session.uow_factory, today=session.today())
    assert state.details.number == "07" and state.details.recipients == ("UBND Thành phố;", "Lưu: VT, VHTT.")
    assert "07/KH-UBND" in page.header.subtitle.text()
    page.undo_action.trigger()
    assert get_plan_editor(uow_factory=session.uow_factory, today=session.today()).details.number == ""


def test_the_units_directory_feeds_the_task_form(qtbot, page: PlanPage, session) -> None:
    page.units_action.trigger()
    dialog = page.dialog
    qtbot.mouseClick(dialog.new_button, Qt.MouseButton.LeftButton)
    type_text(dialog.name, "Hội Liên hiệp Phụ nữ quận")
    dialog.save_button.click()
    assert any(u.name == "Hội Liên hiệp Phụ nữ quận" for u in list_responsible_units(uow_factory=session.uow_factory))
    dialog.close()
    add_task(qtbot, page, "II.1.1", "Tuyên truyền trong hội viên phụ nữ")
    assert page.task_form.lead.findText("Hội Liên hiệp Phụ nữ quận") > 0


def test_the_editor_models_pass_the_model_tester(qtmodeltester, page: PlanPage, qtbot, session) -> None:
    add_task(qtbot, page, "II.1.2", "Một")
    add_task(qtbot, page, "II.1.2", "Hai")
    model: DtoTableModel[EditorTask] = DtoTableModel(editor_task_columns())
    model.set_rows(tasks_of(page, "II.1.2"))
    qtmodeltester.check(model, force_py=True)
    units = DtoTableModel(unit_columns())
    units.set_rows(list_responsible_units(uow_factory=session.uow_factory))
    qtmodeltester.check(units, force_py=True)
    issue_plan(uow_factory=session.uow_factory, plan_id=page.state.plan_id, number="05",
               issue_date=dt.date(2021, 1, 20))
    revisions = DtoTableModel(revision_columns())
    revisions.set_rows(list_revisions(uow_factory=session.uow_factory))
    qtmodeltester.check(revisions, force_py=True)
