"""Export → fill in as a ward would → preview → apply, and everything a returned file can get wrong."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from kehoach_desktop.domain.errors import UserFacingError
from kehoach_desktop.domain.rules import MAX_AMOUNT_VND, MAX_COUNT
from kehoach_desktop.formats import format_number, format_vnd
from kehoach_desktop.services.excel_export import export_progress_workbook, list_export_units
from kehoach_desktop.services.excel_import import (
    ALREADY,
    OK,
    REFUSED,
    apply_excel_import,
    preview_excel_import,
    write_problem_copies,
)
from kehoach_desktop.services.session import WorkspaceSession
from kehoach_desktop.storage.models import AuditEntry, Event, Material, Task
from tests.services.excel_support import content_dump, demo, header_columns, rows_by_id, set_cells

TASKS, MATERIALS, EVENTS = "Nhiệm vụ", "Tuyên truyền cổ động trực quan", "Sự kiện"


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[WorkspaceSession]:
    session = demo(tmp_path / "demo.khws")
    yield session
    session.close()


@pytest.fixture
def exported(ws: WorkspaceSession, tmp_path: Path) -> Path:
    out = tmp_path / "tien-do.xlsx"
    export_progress_workbook(uow_factory=ws.uow_factory, out=out, today=ws.today())
    return out


def preview(ws: WorkspaceSession, *paths: Path):  # type: ignore[no-untyped-def]
    return preview_excel_import(uow_factory=ws.uow_factory, paths=list(paths), today=ws.today())


def get(ws: WorkspaceSession, model, record_id: str):  # type: ignore[no-untyped-def]
    with ws.uow_factory() as uow:
        record = uow.session.get(model, record_id)
        uow.session.expunge(record)
        return record


def test_round_trip_without_edits_changes_nothing(ws: WorkspaceSession, exported: Path) -> None:
    before = content_dump(ws)
    found = preview(ws, exported)
    file = found.files[0]
    assert file.status == OK and file.change_count == 0 and file.all_problems == ()
    assert {s.key: s.unchanged for s in file.sheets} == {"tasks": 40, "materials": 200, "events": 24}
    apply_excel_import(uow_factory=ws.uow_factory, preview=found)
    assert content_dump(ws) == before


def test_ward_edits_are_read_tolerantly_and_applied(ws: WorkspaceSession, exported: Path) -> None:
    (task_row, task_id), (task_row2, task_id2) = list(rows_by_id(exported, TASKS))[:2]
    (material_row, material_id), = list(rows_by_id(exported, MATERIALS))[:1]
    (event_row, event_id), = list(rows_by_id(exported, EVENTS))[:1]
    nfd = unicodedata.normalize("NFD", "Đã treo 20 băng rôn ở phường Cát Linh")
    set_cells(exported, TASKS, {(task_row, "Trạng thái"): "hoan thanh", (task_row, "Tỷ lệ hoàn thành"): "100%",
                                (task_row, "Kết quả thực hiện"): nfd, (task_row, "Ngày cập nhật"): "15/3/2021",
                                (task_row2, "Tỷ lệ hoàn thành"): "0,5", (task_row2, "Trạng thái"): "In progress",
                                (task_row2, "Kinh phí đã sử dụng (đồng)"): "1.500.000"})
    set_cells(exported, MATERIALS, {(material_row, "Chi phí (đồng)"): "2,500,000",
                                    (material_row, "Ghi chú"): "@ phường ghi", (material_row, "Số lượng"): 7})
    set_cells(exported, EVENTS, {(event_row, "Số người tham gia thực tế"): "1.200", (event_row, "Kết quả"): "+ tốt",
                                 (event_row, "Ngày kết thúc"): "15.3.2021", (event_row, "Ngày bắt đầu"): "15-03-2021"})
    workbook = openpyxl.load_workbook(exported)
    sheet = workbook[MATERIALS]
    sheet.append([])  # a blank row, then a new record without an id, labels without diacritics
    row = sheet.max_row + 1
    cols = header_columns(sheet)
    for title, value in (("Loại", "PA-NO"), ("Nội dung", "Chào mừng Đại hội"), ("Số lượng", "3"),
                         ("Địa bàn", "Cát Linh"), ("Trạng thái", "du kien"), ("Chủ đề", "1.1"),
                         ("Ngày dự kiến", 44270)):
        sheet.cell(row=row, column=cols[title], value=value)
    sheet.cell(row=2, column=sheet.max_column + 1, value="Cột thêm của phường")
    workbook.save(exported)

    found = preview(ws, exported)
    file = found.files[0]
    assert file.status == OK
    assert [p for p in file.all_problems if p.blocking] == []
    sheets = {s.key: s for s in file.sheets}
    assert len(sheets["tasks"].changes) == 2 and len(sheets["materials"].changes) == 1
    assert len(sheets["materials"].new_records) == 1 and len(sheets["events"].changes) == 1
    outcome = apply_excel_import(uow_factory=ws.uow_factory, preview=found)
    assert (outcome.updated, outcome.created) == (4, 1) and outcome.changes.tasks and outcome.backup is not None

    task = get(ws, Task, task_id)
    assert (task.status, task.percent_done, task.result_text) == ("done", 100, unicodedata.normalize("NFC", nfd))
    assert task.progress_updated_on == dt.date(2021, 3, 15)
    task2 = get(ws, Task, task_id2)
    assert (task2.status, task2.percent_done, task2.spent) == ("in_progress", 50, 1_500_000)
    assert task2.progress_updated_on == ws.today()  # changed without a date: the day of the import
    material = get(ws, Material, material_id)
    assert (material.cost, material.notes, material.quantity) == (2_500_000, "@ phường ghi", 7)
    event = get(ws, Event, event_id)
    assert (event.actual_participants, event.result_notes) == (1200, "+ tốt")
    assert (event.starts_on, event.ends_on) == (dt.date(2021, 3, 15), dt.date(2021, 3, 15))
    with ws.uow_factory() as uow:
        new = uow.session.scalars(select(Material).where(Material.content == "Chào mừng Đại hội")).one()
        assert (new.type, new.quantity, new.status, new.planned_on) == ("panel", 3, "planned", dt.date(2021, 3, 15))
        assert new.section_id is not None
        entry = uow.session.scalars(select(AuditEntry).where(AuditEntry.action == "excel.import")).one()
        assert entry.details["file"] == "tien-do.xlsx" and len(entry.details["sha256"]) == 64


def test_text_that_looks_like_a_formula_stays_text(ws: WorkspaceSession, tmp_path: Path) -> None:
    with ws.uow_factory() as uow:
        materials = uow.session.scalars(select(Material).order_by(Material.created_at, Material.id).limit(4)).all()
        for material, text in zip(materials, ("=1+1", "+84 912", "-5 cái", "@tuyen_truyen"), strict=True):
            material.notes = text
        uow.commit()
    out = tmp_path / "f.xlsx"
    export_progress_workbook(uow_factory=ws.uow_factory, out=out, today=ws.today())
    sheet = openpyxl.load_workbook(out)[MATERIALS]
    notes = header_columns(sheet)["Ghi chú"]
    cells = [sheet.cell(row=row, column=notes) for row in range(3, 7)]
    assert [(c.value, c.data_type) for c in cells] == [("=1+1", "s"), ("+84 912", "s"), ("-5 cái", "s"),
                                                      ("@tuyen_truyen", "s")]
    file = preview(ws, out).files[0]
    assert file.change_count == 0 and file.all_problems == ()


def test_the_same_file_twice_changes_nothing_the_second_time(ws: WorkspaceSession, exported: Path) -> None:
    row, _task_id = next(rows_by_id(exported, TASKS))
    set_cells(exported, TASKS, {(row, "Tỷ lệ hoàn thành"): "99%"})
    apply_excel_import(uow_factory=ws.uow_factory, preview=preview(ws, exported))
    before = content_dump(ws)
    again = preview(ws, exported)
    assert again.files[0].status == ALREADY and "already imported" in again.files[0].message
    with pytest.raises(UserFacingError):
        apply_excel_import(uow_factory=ws.uow_factory, preview=again)
    assert content_dump(ws) == before


def test_every_problem_says_where_what_was_found_and_what_is_expected(ws: WorkspaceSession, exported: Path,
                                                                       tmp_path: Path) -> None:
    rows = list(rows_by_id(exported, TASKS))
    set_cells(exported, TASKS, {(rows[0][0], "Tỷ lệ hoàn thành"): "150%", (rows[1][0], "Trạng thái"): "xong rồi",
                                (rows[2][0], "Ngày cập nhật"): "31/02/2021",
                                (rows[3][0], "Trạng thái"): "Hoàn thành", (rows[3][0], "Tỷ lệ hoàn thành"): "40%",
                                (rows[4][0], "Kinh phí đã sử dụng (đồng)"): "1,5 triệu",
                                (rows[5][0], "Tỷ lệ hoàn thành"): "77%"})
    workbook = openpyxl.load_workbook(exported)
    sheet = workbook[TASKS]
    sheet.cell(row=rows[6][0], column=1, value=rows[5][1])  # the same id twice
    sheet.cell(row=rows[7][0], column=1, value="not-a-uuid")
    sheet.delete_rows(rows[8][0])
    workbook.save(exported)
    before = content_dump(ws)

    file = preview(ws, exported).files[0]
    places = {(p.row, p.letter): p for p in file.all_problems if p.blocking}
    sheet_header = header_columns(openpyxl.load_workbook(exported)[TASKS])
    letter = {title: openpyxl.utils.get_column_letter(col) for title, col in sheet_header.items()}
    assert places[(rows[0][0], letter["Tỷ lệ hoàn thành"])].found == "150%"
    assert "0 to 100" in places[(rows[0][0], letter["Tỷ lệ hoàn thành"])].expected
    assert "Hoàn thành" in places[(rows[1][0], letter["Trạng thái"])].expected
    assert "15/03/2021" in places[(rows[2][0], letter["Ngày cập nhật"])].expected
    assert "100" in places[(rows[3][0], letter["Tỷ lệ hoàn thành"])].expected
    assert "1.500.000" in places[(rows[4][0], letter["Kinh phí đã sử dụng (đồng)"])].expected
    assert "also on row" in places[(rows[6][0], "A")].expected
    assert places[(rows[7][0], "A")].found == "not-a-uuid"
    tasks = next(s for s in file.sheets if s.key == "tasks")
    # the deleted row and the two rows whose id was overwritten: reported, never deleted
    assert {m.record_id for m in tasks.missing} == {rows[6][1], rows[7][1], rows[8][1]}
    assert [c.record_id for c in tasks.changes] == [rows[5][1]]
    assert content_dump(ws) == before  # a preview writes nothing

    copies = write_problem_copies(preview=preview(ws, exported), folder=tmp_path / "back")
    marked = openpyxl.load_workbook(copies[0])[TASKS]
    bad = marked[f"{letter['Tỷ lệ hoàn thành']}{rows[0][0]}"]
    assert bad.fill.fgColor.rgb.endswith("FCA5A5") and "150%" in bad.comment.text
    notes_column = max(c.column for c in marked[2] if c.value)
    assert marked.cell(row=2, column=notes_column).value == "Lỗi cần sửa"
    assert "0 to 100" in marked.cell(row=rows[0][0], column=notes_column).value


def test_an_amount_with_too_many_zeros_is_refused_where_it_was_typed(ws: WorkspaceSession, exported: Path) -> None:
    rows = list(rows_by_id(exported, MATERIALS))
    set_cells(exported, MATERIALS, {(rows[0][0], "Chi phí (đồng)"): 45_000_000_000_000,
                                    (rows[1][0], "Số lượng"): 10**13})
    tasks = list(rows_by_id(exported, TASKS))
    set_cells(exported, TASKS, {(tasks[0][0], "Kinh phí đã sử dụng (đồng)"): 10**15,
                                (tasks[1][0], "Chỉ tiêu đạt được"): 5 * 10**9})
    before = content_dump(ws)
    file = preview(ws, exported).files[0]
    places = {(p.sheet, p.row, p.column): p for p in file.all_problems if p.blocking}
    assert format_vnd(MAX_AMOUNT_VND) in places[(MATERIALS, rows[0][0], "Chi phí (đồng)")].expected
    assert format_number(MAX_COUNT) in places[(MATERIALS, rows[1][0], "Số lượng")].expected
    assert "too large" in places[(TASKS, tasks[0][0], "Kinh phí đã sử dụng (đồng)")].expected
    assert "too large" in places[(TASKS, tasks[1][0], "Chỉ tiêu đạt được")].expected
    assert content_dump(ws) == before


def test_a_file_of_another_workspace_is_refused_saying_whose_it_is(ws: WorkspaceSession, tmp_path: Path) -> None:
    other = demo(tmp_path / "other.khws")
    try:
        out = tmp_path / "other.xlsx"
        export_progress_workbook(uow_factory=other.uow_factory, out=out, today=other.today())
    finally:
        other.close()
    file = preview(ws, out).files[0]
    assert file.status == REFUSED
    assert "another workspace" in file.message and "Đống Đa" in file.message


def test_a_unit_workbook_holds_only_that_units_rows(ws: WorkspaceSession, tmp_path: Path) -> None:
    units = {u.name: u for u in list_export_units(uow_factory=ws.uow_factory, today=ws.today())}
    ward = units["UBND phường Cát Linh"]
    done = export_progress_workbook(uow_factory=ws.uow_factory, out=tmp_path / "cl.xlsx", today=ws.today(),
                                    unit=ward.code.lower())
    assert done.rows == {"tasks": ward.tasks, "materials": ward.materials, "events": ward.events}
    assert ward.materials > 0
    workbook = openpyxl.load_workbook(tmp_path / "cl.xlsx", read_only=True)
    wards = {row[0] for row in workbook[MATERIALS].iter_rows(min_row=3, min_col=7, max_col=7, values_only=True)}
    assert wards == {"Cát Linh"}
    with pytest.raises(UserFacingError):
        export_progress_workbook(uow_factory=ws.uow_factory, out=tmp_path / "x.xlsx", today=ws.today(), unit="zzz")
