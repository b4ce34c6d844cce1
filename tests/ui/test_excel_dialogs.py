"""Export, fill in as a ward would, import with a preview, apply, and see the new values in the pages."""

from __future__ import annotations

import os
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest

from kehoach_desktop.services.session import new_demo_workspace
from kehoach_desktop.ui.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    session = new_demo_workspace(tmp_path / "demo.khws")
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    main = MainWindow(session, settings, log_file=tmp_path / "kehoach.log")
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    yield main
    main.close()
    session.close()


def rows_of(model) -> list:  # type: ignore[no-untyped-def]
    return [model.row_at(i) for i in range(model.rowCount())]


def test_export_fill_in_import_preview_apply_and_see_it(qtbot, window: MainWindow, tmp_path: Path) -> None:
    window.show_area("tasks")
    window.show_area("events")
    export = window.open_excel_export()
    qtbot.waitUntil(lambda: export.unit.count() > 0)
    out = tmp_path / "tien-do.xlsx"
    export.export_to(out)
    qtbot.waitUntil(lambda: bool(export.result_files))
    assert out.exists() and export.result_files[0].rows == {"tasks": 40, "materials": 200, "events": 24}

    workbook = openpyxl.load_workbook(out)  # a ward fills it in
    tasks, events = workbook["Nhiệm vụ"], workbook["Sự kiện"]
    task_cols = {c.value: c.column for c in tasks[2]}
    event_cols = {c.value: c.column for c in events[2]}
    task_id, event_id = tasks.cell(row=3, column=1).value, events.cell(row=3, column=1).value
    tasks.cell(row=3, column=task_cols["Kết quả thực hiện"], value="Phường đã treo đủ 40 băng rôn")
    tasks.cell(row=3, column=task_cols["Tỷ lệ hoàn thành"], value="90%")
    tasks.cell(row=4, column=task_cols["Tỷ lệ hoàn thành"], value="nhiều")
    events.cell(row=3, column=event_cols["Số người tham gia thực tế"], value="1.234")
    workbook.save(out)

    dialog = window.open_excel_import()
    dialog.load_files([out])
    qtbot.waitUntil(lambda: dialog.preview is not None)
    assert dialog.apply_button.isEnabled() and dialog.save_marked.isEnabled()
    texts = []
    iterator_items = [dialog.tree.topLevelItem(0)]
    while iterator_items:
        item = iterator_items.pop()
        texts.append(" | ".join(item.text(c) for c in range(5)))
        iterator_items.extend(item.child(i) for i in range(item.childCount()))
    joined = "\n".join(texts)
    assert "Phường đã treo đủ 40 băng rôn" in joined and "1.234" in joined and "nhiều" in joined
    if os.environ.get("KEHOACH_SHOTS"):
        dialog.grab().save(f"{os.environ['KEHOACH_SHOTS']}/excel_import_preview.png")
        export.grab().save(f"{os.environ['KEHOACH_SHOTS']}/excel_export.png")
    marked = dialog.save_marked_copies(tmp_path / "back")
    assert [p.name for p in marked] == ["tien-do-can-sua.xlsx"]

    QTest.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.outcome is not None)
    assert (dialog.outcome.updated, dialog.outcome.created) == (2, 0)

    tasks_page = window.page_by_key["tasks"]
    qtbot.waitUntil(lambda: any(r.id == task_id and r.result_text == "Phường đã treo đủ 40 băng rôn"
                                and r.percent_done == 90 for r in rows_of(tasks_page.model)))
    events_page = window.page_by_key["events"]
    qtbot.waitUntil(lambda: any(r.id == event_id and r.actual_participants == 1234
                                for r in rows_of(events_page.model)))
