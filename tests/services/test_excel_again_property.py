"""Property: importing again any workbook imported earlier — the same bytes, or the same cells saved again —
never changes the workspace, whatever happened in between (other copies of the same export saved before
or after it, other exports, the officer's own changes, conflicts taken or left).

The workspace is compared through ``services/dump.py`` (what ``kehoach dump`` writes) without its audit
trail: the audit log records the attempt, the content must not move.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kehoach_desktop.domain.errors import UserFacingError
from kehoach_desktop.services.excel_export import export_progress_workbook
from kehoach_desktop.services.excel_import import OK, apply_excel_import, preview_excel_import
from kehoach_desktop.services.progress import update_task_progress
from kehoach_desktop.services.session import WorkspaceSession, open_workspace
from kehoach_desktop.storage.models import Task
from tests.services.excel_support import content_dump, demo, header_columns, set_saved_at

TASKS, MATERIALS = "Nhiệm vụ", "Tuyên truyền cổ động trực quan"
RESULTS = ("Đã triển khai", "Đang thực hiện theo kế hoạch", "Hoàn thành 50%")
CONTENTS = ("Pa-nô chào mừng Đại hội", "Băng rôn an toàn giao thông")
NOTES = ("Đã kiểm tra", "Cần thay mới", "")

task_edit = st.tuples(st.just("task"), st.integers(0, 4), st.sampled_from(["percent", "result", "status"]),
                      st.integers(0, 99))
material_edit = st.tuples(st.just("material"), st.integers(0, 3), st.sampled_from(["notes", "quantity"]),
                          st.integers(0, 5))
new_row = st.tuples(st.just("new"), st.integers(0, 1), st.sampled_from(["content", "notes"]), st.integers(0, 2))
edits = st.lists(st.one_of(task_edit, material_edit, new_row), min_size=1, max_size=4)
step = st.one_of(
    st.tuples(st.just("export")),
    st.tuples(st.just("edit"), st.integers(0, 20), edits),
    st.tuples(st.just("import"), st.integers(0, 20), st.booleans()),
    st.tuples(st.just("officer"), st.integers(0, 4), st.integers(0, 99)),
)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("again") / "demo.khws"
    demo(path).close()
    return path


class Story:
    """A workspace, the workbooks made from it, and a clock for the times the copies say they were saved."""

    def __init__(self, ws: WorkspaceSession, folder: Path) -> None:
        self.ws, self.folder = ws, folder
        self.books: list[Path] = []
        self.imported: list[Path] = []
        self.clock = dt.datetime(2021, 9, 1, 8, 0, tzinfo=dt.UTC)

    def tick(self) -> str:
        self.clock += dt.timedelta(hours=1)
        return self.clock.strftime("%Y-%m-%dT%H:%M:%SZ")

    def export(self) -> Path:
        out = self.folder / f"xuat-{len(self.books)}.xlsx"
        export_progress_workbook(uow_factory=self.ws.uow_factory, out=out, today=self.ws.today())
        self.books.append(set_saved_at(out, self.tick()))
        return out

    def book(self, index: int) -> Path:
        return self.books[index % len(self.books)] if self.books else self.export()

    def edit(self, index: int, changes: list[tuple[Any, ...]]) -> None:
        workbook = openpyxl.load_workbook(self.book(index))
        tasks, materials = workbook[TASKS], workbook[MATERIALS]
        t, m = header_columns(tasks), header_columns(materials)
        first_new = 3 + sum(1 for (v,) in materials.iter_rows(min_row=3, max_col=1, values_only=True) if v)
        for kind, row, field, value in changes:
            if kind == "task":
                column, typed = {"percent": ("Tỷ lệ hoàn thành", value / 100),
                                 "result": ("Kết quả thực hiện", RESULTS[value % len(RESULTS)]),
                                 "status": ("Trạng thái", "Đang thực hiện")}[field]
                tasks.cell(row=3 + row, column=t[column], value=typed)
            elif kind == "material":
                column, typed = {"notes": ("Ghi chú", NOTES[value % len(NOTES)]),
                                 "quantity": ("Số lượng", value + 1)}[field]
                materials.cell(row=3 + row, column=m[column], value=typed)
            else:  # a new material in one of the first two prepared rows
                at = first_new + row
                for title, typed in (("Loại", "Pa-nô"), ("Số lượng", 1), ("Trạng thái", "Dự kiến"),
                                     ("Nội dung", CONTENTS[value % len(CONTENTS)] if field == "content"
                                      else materials.cell(row=at, column=m["Nội dung"]).value or CONTENTS[0]),
                                     ("Ghi chú", NOTES[value % len(NOTES)] if field == "notes" else None)):
                    materials.cell(row=at, column=m[title], value=typed)
        out = self.folder / f"sua-{len(self.books)}.xlsx"
        workbook.save(out)
        self.books.append(set_saved_at(out, self.tick()))

    def import_(self, path: Path, take: bool) -> None:
        found = preview_excel_import(uow_factory=self.ws.uow_factory, paths=[path], today=self.ws.today())
        if found.files[0].status == OK:
            apply_excel_import(uow_factory=self.ws.uow_factory, preview=found,
                               take_file_values=[c.key for c in found.conflicts] if take else [])
        self.imported.append(path)

    def officer(self, row: int, percent: int) -> None:
        workbook = openpyxl.load_workbook(self.book(0), read_only=True)
        task_id = workbook[TASKS].cell(row=3 + row, column=1).value
        with self.ws.uow_factory() as uow:
            task = uow.session.get(Task, task_id)
            update = (task.status, task.percent_done, task.indicator_achieved, task.spent, task.result_text)
        from kehoach_desktop.services.plan_dto import ProgressUpdate

        current = ProgressUpdate(*update, updated_on=self.ws.today())
        update_task_progress(uow_factory=self.ws.uow_factory, task_id=task_id, update=replace(
            current, status="in_progress", percent_done=percent))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(step, min_size=1, max_size=7), again=st.integers(0, 20), resave=st.booleans())
def test_importing_an_earlier_or_the_same_file_again_changes_nothing(pristine: Path, tmp_path_factory, steps,
                                                                     again, resave) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("story")
    shutil.copy(pristine, folder / "ws.khws")
    ws = open_workspace(folder / "ws.khws")
    try:
        story = Story(ws, folder)
        for item in steps:
            if item[0] == "export":
                story.export()
            elif item[0] == "edit":
                story.edit(item[1], item[2])
            elif item[0] == "import":
                story.import_(story.book(item[1]), item[2])
            else:
                story.officer(item[1], item[2])
        if not story.imported:
            story.import_(story.book(again), False)
        earlier = story.imported[again % len(story.imported)]
        if resave:  # the same cells, other bytes, saved later
            workbook = openpyxl.load_workbook(earlier)
            earlier = folder / f"luu-lai-{earlier.name}"
            workbook.save(earlier)
            set_saved_at(earlier, story.tick())
        before = content_dump(ws)
        found = preview_excel_import(uow_factory=ws.uow_factory, paths=[earlier], today=ws.today())
        with contextlib.suppress(UserFacingError):  # nothing to import: every file already imported
            apply_excel_import(uow_factory=ws.uow_factory, preview=found)
        assert content_dump(ws) == before
    finally:
        ws.close()
