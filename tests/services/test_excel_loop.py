"""The whole loop of a progress workbook, with LibreOffice in it (issue 19).

export → a ward's edits → import → the marked copy corrected and returned → the same file again → a
LibreOffice re-save of it → the ward's copy continued → an older copy arriving after the newer ones.
Each step checks the values in the workspace against what was typed, worked out by hand here.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from kehoach_desktop.domain.errors import UserFacingError
from kehoach_desktop.exchange.excel_format import MATERIALS_SHEET
from kehoach_desktop.exchange.excel_origin import origin_keys, read_origin
from kehoach_desktop.services.excel_export import export_progress_workbook
from kehoach_desktop.services.excel_import import (
    ALREADY,
    OK,
    apply_excel_import,
    describe_file,
    describe_preview,
    preview_excel_import,
    write_problem_copies,
)
from kehoach_desktop.services.session import WorkspaceSession
from kehoach_desktop.storage.models import Material, Task
from tests.services.excel_support import (
    content_dump,
    demo,
    header_columns,
    libreoffice_convert,
    set_saved_at,
    soffice_or_skip,
)

TASKS, MATERIALS = "Nhiệm vụ", "Tuyên truyền cổ động trực quan"
TODAY = dt.date(2021, 9, 20)  # the demo's day
# rows of the tasks sheet (the demo's tasks, in plan order)
A, D, E, C, F = 6, 7, 8, 9, 10  # A 08/09 and C 10/09 change; D gets a red cell; E's name is typed over
FIRST_NEW = 3 + 200  # the first row left for new materials (200 materials)


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkspaceSession]:
    session = demo(tmp_path_factory.mktemp("loop") / "demo.khws")
    yield session
    session.close()


def preview(ws: WorkspaceSession, *paths: Path):  # type: ignore[no-untyped-def]
    return preview_excel_import(uow_factory=ws.uow_factory, paths=list(paths), today=ws.today())


def task_row(path: Path, row: int) -> str:
    return openpyxl.load_workbook(path, read_only=True)[TASKS].cell(row=row, column=1).value


def task(ws: WorkspaceSession, task_id: str) -> Task:
    with ws.uow_factory() as uow:
        record = uow.session.get(Task, task_id)
        uow.session.expunge(record)
        return record


def material_count(ws: WorkspaceSession) -> int:
    with ws.uow_factory() as uow:
        return uow.session.scalar(select(func.count()).select_from(Material).where(Material.deleted_at.is_(None)))


def edit(path: Path, sheet_name: str, edits: dict[tuple[int, str], object], saved_at: str, out: Path | None = None
         ) -> Path:
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[sheet_name]
    columns = header_columns(sheet)
    for (row, title), value in edits.items():
        sheet.cell(row=row, column=columns[title], value=value)
    target = out or path
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)
    return set_saved_at(target, saved_at)


def sheet_of(file, key: str):  # type: ignore[no-untyped-def]
    return next(s for s in file.sheets if s.key == key)


def test_the_whole_loop(ws: WorkspaceSession, tmp_path: Path) -> None:
    soffice_or_skip()
    exported = tmp_path / "tien-do.xlsx"
    export_progress_workbook(uow_factory=ws.uow_factory, out=exported, today=ws.today())
    older = shutil.copy(exported, tmp_path / "tien-do-ban-cu.xlsx")  # another copy of the same export
    ids = {row: task_row(exported, row) for row in (A, C, D, E, F)}
    start = {row: task(ws, ids[row]) for row in ids}
    assert (start[A].progress_updated_on, start[C].progress_updated_on) == (dt.date(2021, 9, 8), dt.date(2021, 9, 10))
    materials = material_count(ws)

    # the older copy was filled first, on 19/09, and sent late (it arrives at the end)
    edit(older, TASKS, {(A, "Tỷ lệ hoàn thành"): 0.5, (F, "Kết quả thực hiện"): "Đã đăng 12 tin trên cổng"},
         "2021-09-19T02:00:00Z")
    edit(older, MATERIALS, {(FIRST_NEW + 1, "Loại"): "Co", (FIRST_NEW + 1, "Nội dung"): "Cờ Tổ quốc tuyến phố Tây Sơn",
                            (FIRST_NEW + 1, "Số lượng"): 40, (FIRST_NEW + 1, "Trạng thái"): "Da lap dat"},
         "2021-09-19T02:00:00Z")

    # 1. the ward's edits, saved on 20/09
    edit(exported, TASKS, {(A, "Tỷ lệ hoàn thành"): 0.6, (A, "Kết quả thực hiện"): "Đã tổ chức 2 hội nghị",
                           (C, "Kết quả thực hiện"): "Đã phát 168 buổi",
                           (D, "Tỷ lệ hoàn thành"): "150%", (D, "Chỉ tiêu đạt được"): 500,
                           (D, "Kết quả thực hiện"): "Đã đăng 500/600 tin, bài",
                           (E, "Nhiệm vụ"): "Tên nhiệm vụ gõ đè"}, "2021-09-20T01:00:00Z")
    edit(exported, MATERIALS, {(FIRST_NEW, "Loại"): "pa-no", (FIRST_NEW, "Nội dung"): "Chào mừng Đại hội",
                               (FIRST_NEW, "Số lượng"): 2, (FIRST_NEW, "Trạng thái"): "du kien",
                               (FIRST_NEW, "Chủ đề"): "1.1"}, "2021-09-20T01:00:00Z")
    first = preview(ws, exported)
    file = first.files[0]
    tasks = sheet_of(file, "tasks")
    assert [(c.row, c.record_id) for c in tasks.changes] == [(A, ids[A]), (C, ids[C])]
    assert {f.column: (f.old, f.new) for f in tasks.changes[0].fields} == {
        "Tỷ lệ hoàn thành": ("45%", "60%"),
        "Kết quả thực hiện": (start[A].result_text, "Đã tổ chức 2 hội nghị"),
        "Ngày cập nhật": ("08/09/2021", "20/09/2021")}
    by_place = {(p.row, p.column): p for p in file.all_problems}
    red = by_place[(D, "Tỷ lệ hoàn thành")]
    assert red.blocking and red.found == "150%"
    others = by_place[(D, "")]
    assert others.blocking and "Chỉ tiêu đạt được, Kết quả thực hiện" in others.expected
    assert "not imported either" in others.expected
    typed_over = by_place[(E, "Nhiệm vụ")]
    assert not typed_over.blocking and typed_over.found == "Tên nhiệm vụ gõ đè"
    assert start[E].content in typed_over.expected and "reading only" in typed_over.expected
    assert describe_file(file).endswith("2 records change, 1 new record, 0 conflicts, 0 rows missing, "
                                        "2 problems, 1 note.")  # the typed-over name is a note, not a problem
    new = sheet_of(file, "materials").new_records
    assert [(n.row, n.label) for n in new] == [(FIRST_NEW, "Chào mừng Đại hội")]
    marked = write_problem_copies(preview=first, folder=tmp_path / "back")[0]
    outcome = apply_excel_import(uow_factory=ws.uow_factory, preview=first)
    assert (outcome.updated, outcome.created) == (2, 1)
    after_first = {row: task(ws, ids[row]) for row in ids}
    assert (after_first[A].percent_done, after_first[A].progress_updated_on) == (60, TODAY)
    assert (after_first[C].result_text, after_first[C].progress_updated_on) == ("Đã phát 168 buổi", TODAY)
    assert after_first[D].percent_done == start[D].percent_done and after_first[D].indicator_achieved == \
        start[D].indicator_achieved
    assert after_first[E].content == start[E].content
    assert material_count(ws) == materials + 1
    new_id = new[0].record_id

    # the marked copy: red and amber cells, the new id in column A, the token kept, A and the problems printed
    book = openpyxl.load_workbook(marked)
    sheet = book[TASKS]
    columns = header_columns(sheet)
    assert sheet.cell(row=D, column=columns["Tỷ lệ hoàn thành"]).fill.fgColor.rgb.endswith("FCA5A5")
    assert sheet.cell(row=E, column=columns["Nhiệm vụ"]).fill.fgColor.rgb.endswith("FDE68A")
    problems_column = columns["Lỗi cần sửa"]
    assert "not imported either" in sheet.cell(row=D, column=problems_column).value
    letter = openpyxl.utils.get_column_letter(problems_column)
    assert sheet.print_area == f"'{TASKS}'!$A$1:${letter}${2 + 40}"  # column A to the problems, all 40 tasks
    assert sheet.row_dimensions[D].height >= 30  # two problems' lines
    new_row = book[MATERIALS]
    assert new_row.cell(row=FIRST_NEW, column=1).value == new_id
    origin = read_origin(new_row.cell(row=FIRST_NEW, column=header_columns(new_row)["Dữ liệu khi xuất (không sửa)"])
                         .value, origin_keys(MATERIALS_SHEET))
    assert origin is not None and origin.token.endswith(":materials:1") and origin.values["content"] == \
        "Chào mừng Đại hội"

    # 2. the marked copy corrected and returned on 21/09: only D changes; nothing is created again; the stale
    # dates 08/09 and 10/09 printed in it do not move A's and C's 20/09 back
    corrected = edit(marked, TASKS, {(D, "Tỷ lệ hoàn thành"): "80%"}, "2021-09-21T01:00:00Z",
                     out=tmp_path / "tien-do-can-sua.xlsx")
    second = preview(ws, corrected)
    file = second.files[0]
    assert file.status == OK
    tasks = sheet_of(file, "tasks")
    assert [c.row for c in tasks.changes] == [D] and file.conflicts == ()
    assert {f.column: f.new for f in tasks.changes[0].fields} == {
        "Tỷ lệ hoàn thành": "80%", "Chỉ tiêu đạt được": "500", "Kết quả thực hiện": "Đã đăng 500/600 tin, bài",
        "Ngày cập nhật": "20/09/2021"}
    assert sheet_of(file, "materials").new_records == ()
    assert not [p for p in file.all_problems if p.blocking]
    apply_excel_import(uow_factory=ws.uow_factory, preview=second)
    assert (task(ws, ids[D]).percent_done, task(ws, ids[D]).indicator_achieved) == (80, 500)
    assert task(ws, ids[A]).progress_updated_on == TODAY and task(ws, ids[C]).progress_updated_on == TODAY
    assert material_count(ws) == materials + 1

    # 3. the same file again, then 4. a LibreOffice re-save of it: nothing changes
    settled = content_dump(ws)
    for again in (corrected, libreoffice_convert(corrected, tmp_path / "lo")):
        found = preview(ws, again)
        assert found.files[0].status == ALREADY, describe_preview(found)
        with pytest.raises(UserFacingError):
            apply_excel_import(uow_factory=ws.uow_factory, preview=found)
        assert content_dump(ws) == settled

    # 5. the ward kept working in its first file and sends it again, re-saved by LibreOffice: its new row is the
    # record created from it (its token), not a second one; its later change is taken
    continued = edit(exported, MATERIALS, {(FIRST_NEW, "Ghi chú"): "Đã in xong"}, "2021-09-22T01:00:00Z",
                     out=tmp_path / "tiep" / "tien-do.xlsx")
    resaved = libreoffice_convert(continued, tmp_path / "lo2")
    third = preview(ws, resaved)
    file = third.files[0]
    materials_sheet = sheet_of(file, "materials")
    assert materials_sheet.recognised == 1 and materials_sheet.new_records == ()
    assert [(c.record_id, [(f.column, f.new) for f in c.fields]) for c in materials_sheet.changes] == [
        (new_id, [("Ghi chú", "Đã in xong")])]
    assert [c.row for c in sheet_of(file, "tasks").changes] == []  # A, C as imported; D as corrected
    apply_excel_import(uow_factory=ws.uow_factory, preview=third)
    assert material_count(ws) == materials + 1

    # 6. the older copy (saved 19/09) arrives last: A changed since its export → a conflict with three values,
    # left alone; F, untouched since, takes its change; its own new row is created
    late = preview(ws, older)
    file = late.files[0]
    assert file.status == OK
    (conflict,) = file.conflicts
    assert (conflict.row, conflict.record_id) == (A, ids[A])
    fields = {f.column: (f.at_export, f.now, f.in_file) for f in conflict.fields}
    assert fields["Tỷ lệ hoàn thành"] == ("45%", "60%", "50%")
    assert fields["Kết quả thực hiện"] == (start[A].result_text, "Đã tổ chức 2 hội nghị", start[A].result_text)
    assert any("older copy" in p.expected for p in file.problems)
    assert describe_file(file).endswith("1 conflict, 0 rows missing, 0 problems, 1 note.")
    assert [c.row for c in sheet_of(file, "tasks").changes] == [F]
    assert [n.label for n in sheet_of(file, "materials").new_records] == ["Cờ Tổ quốc tuyến phố Tây Sơn"]
    outcome = apply_excel_import(uow_factory=ws.uow_factory, preview=late)
    assert (outcome.conflicts_taken, outcome.conflicts_left) == (0, 1)
    assert task(ws, ids[A]).percent_done == 60 and task(ws, ids[F]).result_text == "Đã đăng 12 tin trên cổng"
    assert material_count(ws) == materials + 2

    # the officer then takes the file's value for that conflict: only A's percent changes
    again = preview(ws, older)
    (conflict,) = again.files[0].conflicts
    assert again.files[0].change_count == 0
    apply_excel_import(uow_factory=ws.uow_factory, preview=again, take_file_values=[conflict.key])
    record = task(ws, ids[A])
    assert (record.percent_done, record.result_text, record.progress_updated_on) == (50, "Đã tổ chức 2 hội nghị",
                                                                                      TODAY)
    assert material_count(ws) == materials + 2


def test_two_copies_filling_the_same_new_row_do_not_overwrite_each_other(ws: WorkspaceSession,
                                                                        tmp_path: Path) -> None:
    exported = tmp_path / "chung.xlsx"
    export_progress_workbook(uow_factory=ws.uow_factory, out=exported, today=ws.today())
    other = Path(shutil.copy(exported, tmp_path / "chung-2.xlsx"))
    first_new = 3 + len([1 for row in openpyxl.load_workbook(exported, read_only=True)[MATERIALS].iter_rows(
        min_row=3, max_col=1, values_only=True) if row[0]])
    row = {(first_new, "Loại"): "Pa-nô", (first_new, "Số lượng"): 1, (first_new, "Trạng thái"): "Dự kiến"}
    edit(exported, MATERIALS, row | {(first_new, "Nội dung"): "Pa-nô cổng chợ"}, "2021-09-20T01:00:00Z")
    edit(other, MATERIALS, row | {(first_new, "Nội dung"): "Pa-nô trường học"}, "2021-09-20T03:00:00Z")
    count = material_count(ws)
    apply_excel_import(uow_factory=ws.uow_factory, preview=preview(ws, exported))
    found = preview(ws, other).files[0]
    (conflict,) = found.conflicts  # the same prepared row, another record: shown, not written over
    assert {f.column: (f.now, f.in_file) for f in conflict.fields}["Nội dung"] == ("Pa-nô cổng chợ",
                                                                                    "Pa-nô trường học")
    assert material_count(ws) == count + 1
