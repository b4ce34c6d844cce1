"""Section III of the plan drafted from the tasks' units: the coordinator clicks "Draft from the tasks", edits the
draft, and the plan (PDF and Word) assigns the unit's own offices and its wards; the city's wording stays beside."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from kehoach_desktop.domain.enums import PropagandaForm, WorkspaceMode
from kehoach_desktop.services.plan_dto import TaskInput
from kehoach_desktop.services.plan_editing import create_task, get_plan_editor
from kehoach_desktop.services.reports import get_plan_document
from kehoach_desktop.services.session import WorkspaceSession, new_workspace
from kehoach_desktop.services.workspace import WorkspaceSetup
from kehoach_desktop.storage.models import ResponsibleUnit
from kehoach_desktop.ui.pages.plan_page import PlanPage

pytestmark = pytest.mark.gui


@pytest.fixture
def session(tmp_path: Path) -> Iterator[WorkspaceSession]:
    """Đống Đa with four tasks: the centre leads 1.1, a ward leads 1.3, the culture office leads two in 1.4."""
    workspace = new_workspace(tmp_path / "dongda.khws", WorkspaceSetup(
        mode=WorkspaceMode.DISTRICT, unit_code="006", signer_name="Nguyễn Văn An", signer_title="Phó Chủ tịch"))
    with workspace.uow_factory() as uow:
        units = uow.session.execute(select(ResponsibleUnit.id, ResponsibleUnit.name, ResponsibleUnit.kind)
                                    .order_by(ResponsibleUnit.position)).all()
    by_name = {name: id_ for id_, name, _kind in units}
    wards = [id_ for id_, _name, kind in units if kind == "ward"][:2]
    office, centre = by_name["Phòng Văn hóa và Thông tin"], by_name["Trung tâm Văn hóa - Thông tin và Thể thao"]
    state = get_plan_editor(uow_factory=workspace.uow_factory, today=workspace.today())
    assert state is not None
    section = {s.number: s.id for s in state.sections}
    for number, lead, support, budget in (
            ("1.1.", centre, (office, wards[0]), 10_000_000), ("1.3.", wards[1], (centre,), 2_500_000),
            ("1.4.", office, (wards[0], wards[1]), 4_000_000), ("1.4.", office, (office,), 1_000_000)):
        create_task(uow_factory=workspace.uow_factory, section_id=section[number], fields=TaskInput(
            content=f"Nhiệm vụ mục {number}", form=PropagandaForm.VISUAL.value, lead_unit_id=lead,
            supporting_unit_ids=support, budget=budget))
    yield workspace
    workspace.close()


EXPECTED = (
    "1. Phòng Văn hóa và Thông tin: chủ trì thực hiện các nhiệm vụ tại mục 1.4; phối hợp thực hiện các nhiệm vụ "
    "tại mục 1.1 của Kế hoạch.\n"
    "2. Trung tâm Văn hóa - Thông tin và Thể thao: chủ trì thực hiện các nhiệm vụ tại mục 1.1; phối hợp thực hiện "
    "các nhiệm vụ tại mục 1.3 của Kế hoạch.\n"
    "3. UBND các phường: chủ trì thực hiện các nhiệm vụ tại mục 1.3; phối hợp thực hiện các nhiệm vụ tại mục 1.1, "
    "1.4 của Kế hoạch.\n"
    # the district's offices and centre lead 10 + 4 + 1 million, the ward 2.5 million: 17.5 million in all
    "4. Kinh phí thực hiện: tổng kinh phí các nhiệm vụ của Kế hoạch là 17.500.000 đồng, trong đó: ngân sách quận "
    "15.000.000 đồng; ngân sách các phường 2.500.000 đồng (chi tiết tại Phụ lục kèm theo Kế hoạch).")


@pytest.mark.parametrize("language", ["vietnamese", "english"])
def test_draft_section_three_from_the_tasks_then_edit_it(qtbot, session: WorkspaceSession, tmp_path: Path,
                                                        request: pytest.FixtureRequest, language: str) -> None:
    request.getfixturevalue(language)
    page = PlanPage(session)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    page.refresh()
    state = page.state
    assert state is not None
    organisation = next(s for s in state.sections if s.kind == "organisation")
    city_wording = organisation.template_text
    assert city_wording and organisation.text == city_wording  # it starts as what the city asks of its units

    page.select_section(next(s for s in state.sections if s.kind == "theme").template_key or "")
    assert not page.draft_button.isVisible()  # only section III has it
    page.select_section(organisation.template_key or "")
    assert page.draft_button.isVisible() and page.draft_button.isEnabled()
    assert page.draft_button.text() == ("Soạn từ các nhiệm vụ" if language == "vietnamese" else "Draft from the tasks")
    qtbot.mouseClick(page.draft_button, Qt.MouseButton.LeftButton)
    assert page.text_edit.toPlainText() == EXPECTED
    page.grab().save(str(tmp_path / f"plan-organisation-{language}.png"))

    qtbot.mouseClick(page.show_template_button, Qt.MouseButton.LeftButton)  # the city's wording beside the draft
    assert page.template_view.isVisible() and page.template_view.toPlainText() == city_wording

    page.text_edit.setFocus()  # the officer adds a line of the unit's own (QTest types ASCII only), then pauses
    page.text_edit.moveCursor(page.text_edit.textCursor().MoveOperation.End)
    qtbot.keyClick(page.text_edit, Qt.Key.Key_Return)
    qtbot.keyClicks(page.text_edit, "5. Ban Chi huy Quan su: phoi hop.")

    def section_three() -> tuple[str, ...]:
        document = get_plan_document(uow_factory=session.uow_factory)
        return next(s for s in document.sections if s.number == organisation.number).paragraphs

    qtbot.waitUntil(lambda: len(section_three()) == 5, timeout=5000)  # saved by itself after the pause
    assert section_three() == (*EXPECTED.splitlines(), "5. Ban Chi huy Quan su: phoi hop.")

    page.undo_stack.undo()  # the typing, then the draft, undone: the city's wording is back
    page.undo_stack.undo()
    stored = get_plan_editor(uow_factory=session.uow_factory, today=session.today())
    assert stored is not None
    assert next(s for s in stored.sections if s.kind == "organisation").text == city_wording


def test_a_tasks_budget_source_is_chosen_in_its_form_and_the_plan_totals_the_budgets_by_source(
        qtbot, session: WorkspaceSession, tmp_path: Path, vietnamese: None) -> None:
    from kehoach_desktop.exchange.docx_writer import plan_docx
    from kehoach_desktop.exchange.pdf.plan_pdf import render_plan
    from tests.exchange.pdf_readers import run
    from tests.exchange.test_docx_reports import to_pdf

    page = PlanPage(session)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    page.refresh()
    form = page.task_form

    def choose_source(section_key: str, row: int, presses: int) -> None:
        """Click the task's row, then step down the source list with the arrow key, as a user does."""
        page.select_section(section_key)
        qtbot.mouseClick(page.tabs.tabBar(), Qt.MouseButton.LeftButton, pos=page.tabs.tabBar().tabRect(1).center())
        rect = page.task_table.visualRect(page.task_model.index(row, 1))
        qtbot.mouseClick(page.task_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        assert form.source.currentData() == ""  # not chosen yet: the lead unit's budget
        form.source.setFocus()
        for _press in range(presses):
            qtbot.keyClick(form.source, Qt.Key.Key_Down)
        form.flush()

    choose_source("II.1.1", 0, 4)  # the centre's 10 million: sponsorship
    assert [form.source.itemText(i) for i in range(form.source.count())] == [
        "Theo đơn vị chủ trì", "Ngân sách cấp trên (ngân sách Thành phố)", "Ngân sách của đơn vị (ngân sách quận)",
        "Ngân sách các địa bàn (ngân sách các phường)", "Xã hội hóa và nguồn huy động hợp pháp khác"]
    assert form.source.currentText() == "Xã hội hóa và nguồn huy động hợp pháp khác"
    choose_source("II.1.4", 0, 1)  # the office's 4 million: the city's budget
    page.grab().save(str(tmp_path / "task-budget-source.png"))

    # by hand: the city pays 4 million; the district 1 million (the office's other task, by its lead); the wards
    # 2.5 million (the ward's task, by its lead); sponsorship 10 million: 17.5 million in all
    expected = [("ngân sách Thành phố", 4_000_000), ("ngân sách quận", 1_000_000),
                ("ngân sách các phường", 2_500_000), ("nguồn xã hội hóa", 10_000_000)]
    organisation = next(s for s in page.state.sections if s.kind == "organisation")
    page.select_section(organisation.template_key or "")
    qtbot.mouseClick(page.draft_button, Qt.MouseButton.LeftButton)
    assert page.text_edit.toPlainText().splitlines()[-1] == (
        "4. Kinh phí thực hiện: tổng kinh phí các nhiệm vụ của Kế hoạch là 17.500.000 đồng, trong đó: ngân sách "
        "Thành phố 4.000.000 đồng; ngân sách quận 1.000.000 đồng; ngân sách các phường 2.500.000 đồng; nguồn xã hội "
        "hóa 10.000.000 đồng (chi tiết tại Phụ lục kèm theo Kế hoạch).")

    document = get_plan_document(uow_factory=session.uow_factory)
    assert list(document.budgets) == expected
    pdf = tmp_path / "ke-hoach.pdf"
    pdf.write_bytes(render_plan(document).data)
    word = tmp_path / "ke-hoach.docx"
    word.write_bytes(plan_docx(document))
    for rendered in (pdf, to_pdf(word)):  # the appendix, under its total: one line a source
        lines = [" ".join(line.split()) for line in run("pdftotext", "-layout", rendered, "-").stdout.splitlines()]
        total = next(i for i, line in enumerate(lines) if line.startswith("Tổng cộng"))
        assert lines[total].endswith("17.500.000"), lines[total]
        shown = [line for line in lines[total + 1:] if line][:4]
        assert shown == ["Trong đó: ngân sách Thành phố 4.000.000", "ngân sách quận 1.000.000",
                         "ngân sách các phường 2.500.000", "nguồn xã hội hóa 10.000.000"], (rendered, shown)
