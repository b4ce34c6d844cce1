"""Plan editor and progress page with 2,000 tasks: time to open the editor, to filter, and to save an edit.

Tasks are created with the services (one transaction each, as the editor does). The floor is
the same page built on an empty plan in the same run. Prints medians; run by hand:

    python tests/bench/bench_plan_editor.py [--tasks 2000] [--runs 7]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from kehoach_desktop.domain.enums import PropagandaForm, WorkspaceMode
from kehoach_desktop.services.plan_dto import TaskInput
from kehoach_desktop.services.plan_editing import create_task, get_plan_editor
from kehoach_desktop.services.session import WorkspaceSession, new_workspace
from kehoach_desktop.services.workspace import WorkspaceSetup
from kehoach_desktop.ui.pages.plan_page import PlanPage
from kehoach_desktop.ui.pages.tasks_page import TasksPage
from kehoach_desktop.ui.style import STYLE_SHEET

PLACES = ("Đống Đa", "Văn Miếu", "Quốc Tử Giám", "Hàng Bột", "Láng Thượng", "Kim Liên", "Trung Liệt")


def workspace(path: Path, tasks: int) -> WorkspaceSession:
    session = new_workspace(path, WorkspaceSetup(mode=WorkspaceMode.DISTRICT, unit_code="006",
                                                 signer_name="Nguyễn Văn An", signer_title="Phó Chủ tịch"))
    state = get_plan_editor(uow_factory=session.uow_factory, today=session.today())
    assert state is not None
    sections = [s.id for s in state.sections if s.accepts_tasks]
    units = [u.id for u in state.units]
    forms = [f.value for f in PropagandaForm]
    for i in range(tasks):
        due = dt.date(2021, 1, 1) + dt.timedelta(days=(i * 7) % 365)
        create_task(uow_factory=session.uow_factory, section_id=sections[i % len(sections)], fields=TaskInput(
            content=f"Tuyên truyền nhiệm vụ số {i + 1} tại phường {PLACES[i % len(PLACES)]}",
            form=forms[i % len(forms)],
            lead_unit_id=units[i % len(units)], supporting_unit_ids=(units[(i + 3) % len(units)],),
            start_date=dt.date(2021, 1, 1), due_date=due, budget=1_000_000 * (i % 50), indicator_unit="buổi",
            indicator_target=10 + i % 100))
    return session


def median_ms(work: Callable[[], None], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def open_editor(app: QApplication, session: WorkspaceSession) -> Callable[[], None]:
    def work() -> None:
        page = PlanPage(session)
        page.resize(1050, 760)
        page.show()
        page.refresh()
        page.select_section("II.1.2")
        page.tabs.setCurrentIndex(1)
        app.processEvents()
        page.close()
        page.deleteLater()
        app.processEvents()
    return work


def progress_filter(app: QApplication, session: WorkspaceSession) -> tuple[Callable[[], None], TasksPage]:
    page = TasksPage(session)
    page.resize(1050, 760)
    page.show()
    page.refresh()
    app.processEvents()
    queries = ("dong da", "van mieu", "", "kim lien")

    def work() -> None:
        for query in queries:
            page.search.setText(query)
            app.processEvents()
        page.status_filter.setCurrentIndex(page.status_filter.findData("overdue"))
        app.processEvents()
        page.status_filter.setCurrentIndex(0)
        app.processEvents()
    return work, page


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tasks", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    app.setStyleSheet(STYLE_SHEET)
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        big = workspace(Path(folder) / "big.khws", args.tasks)
        made = time.perf_counter() - started
        empty = workspace(Path(folder) / "empty.khws", 0)
        try:
            open_editor(app, big)()  # warm caches
            floor_open = median_ms(open_editor(app, empty), args.runs)
            big_open = median_ms(open_editor(app, big), args.runs)
            floor_work, floor_page = progress_filter(app, empty)
            big_work, big_page = progress_filter(app, big)
            floor_filter = median_ms(floor_work, args.runs) / 6
            big_filter = median_ms(big_work, args.runs) / 6
            load = median_ms(lambda: big_page.refresh(), args.runs)
            editor = PlanPage(big)
            editor.show()
            editor.refresh()
            editor.select_section("II.1.2")
            form = editor.task_form
            counter = iter(range(10**6))

            def edit_once() -> None:
                form.indicator_unit.setText(f"buổi {next(counter)}")
                form.flush()
                app.processEvents()
            save = median_ms(edit_once, args.runs)
            floor_page.close()
            big_page.close()
            editor.close()
        finally:
            big.close()
            empty.close()
    each = made / max(1, args.tasks) * 1000
    print(f"created {args.tasks} tasks with the services in {made:.1f} s ({each:.1f} ms each)")
    print(f"open the plan editor (build, show, load, select a theme), median of {args.runs}: "
          f"{big_open:.0f} ms with {args.tasks} tasks; floor (empty plan) {floor_open:.0f} ms; "
          f"ratio {big_open / floor_open:.2f}")
    print(f"filter the progress page (one search or status change), median: {big_filter:.1f} ms with "
          f"{args.tasks} tasks; floor (empty plan) {floor_filter:.1f} ms")
    print(f"reload the progress page: {load:.0f} ms; save one task edit and refresh the editor: {save:.0f} ms")


if __name__ == "__main__":
    main()
