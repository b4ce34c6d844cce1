"""Issue 18: control characters (U+0000–U+001F but tab and newline, U+007F) are refused at every way in, with the
cell or field named; a carriage return is a line break. The city names a record as the officer knows it.

Was: ``_x0000_`` typed in a cell became a NUL in the workspace (preview “0 vấn đề”), and every later package of the
district was refused by the city with “data/materials.json, bản ghi 60: trường notes chứa ký tự NUL”.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from kehoach_desktop.domain.errors import TemplateError, ValidationError
from kehoach_desktop.domain.template import load_template
from kehoach_desktop.exchange.excel_format import MATERIALS_SHEET
from kehoach_desktop.exchange.package import PackageError
from kehoach_desktop.resources import resources_dir
from kehoach_desktop.services import materials, sync
from kehoach_desktop.services.excel_export import export_progress_workbook
from kehoach_desktop.services.excel_import import OK, apply_excel_import, preview_excel_import
from kehoach_desktop.services.plan_dto import ProgressUpdate, ResponsibleUnitInput
from kehoach_desktop.services.progress import get_progress_board, update_task_progress
from kehoach_desktop.services.responsible_units import create_responsible_unit
from kehoach_desktop.services.session import WorkspaceSession, new_demo_workspace, open_workspace
from kehoach_desktop.storage.models import Material
from tests.services import hostile_workbooks as hostile
from tests.services.excel_support import content_dump
from tests.services.package_tools import new_city, private_key_of, repack

MATERIALS = MATERIALS_SHEET.title  # "Tuyên truyền cổ động trực quan"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("controls") / "demo.khws"
    new_demo_workspace(path).close()
    return path


@pytest.fixture
def ws(template: Path, tmp_path: Path) -> Iterator[WorkspaceSession]:
    path = tmp_path / "demo.khws"
    shutil.copy(template, path)
    session = open_workspace(path)
    yield session
    session.close()


def _notes_cell(workbook: Path, target: Path, text: bytes) -> tuple[Path, int]:
    """The workbook with the notes cell (column S) of the first material set to ``text`` as an inline string."""
    part = hostile.sheet_part(workbook, MATERIALS)

    def edit(parts: hostile.Parts) -> None:
        xml = parts[part]
        found = hostile._cell(xml, "S3")
        parts[part] = xml[:found.start()] + b'<c r="S3" t="inlineStr"><is><t>' + text + b"</t></is></c>" + \
            xml[found.end():]

    return hostile.rewrite(workbook, target, edit), 3


@pytest.mark.parametrize(("escape", "code"), [(b"_x0000_", "0000"), (b"_x0007_", "0007"), (b"_x001B_", "001B"),
                                              (b"_x007F_", "007F")])
def test_an_escaped_control_character_in_a_cell_is_a_problem_of_that_cell(escape: bytes, code: str,
                                                                          ws: WorkspaceSession, tmp_path: Path,
                                                                          vietnamese: None) -> None:
    exported = tmp_path / "tien-do.xlsx"
    export_progress_workbook(uow_factory=ws.uow_factory, out=exported, today=ws.today())
    path, row = _notes_cell(exported, tmp_path / "escaped.xlsx", b"Treo l\xe1\xba\xa1i " + escape + b" sau")
    before = content_dump(ws)
    preview = preview_excel_import(uow_factory=ws.uow_factory, paths=[path], today=ws.today())
    file = preview.files[0]
    assert file.status == OK
    (problem,) = [p for p in file.all_problems if p.row == row]
    assert (problem.sheet, problem.letter, problem.column, problem.blocking) == (MATERIALS, "S", "Ghi chú", True)
    assert f"U+{code}" in problem.expected and "ký tự thứ 10" in problem.expected
    assert "␀␇␛␡"[["0000", "0007", "001B", "007F"].index(code)] in problem.found  # shown, not hidden
    apply_excel_import(uow_factory=ws.uow_factory, preview=preview)
    assert content_dump(ws) == before


def test_an_escaped_underscore_and_a_carriage_return_are_text(ws: WorkspaceSession, tmp_path: Path) -> None:
    """``_x005F_x0000_`` is how Excel writes the typed text “_x0000_”; ``_x000D_`` a carriage return (a line break)."""
    exported = tmp_path / "tien-do.xlsx"
    export_progress_workbook(uow_factory=ws.uow_factory, out=exported, today=ws.today())
    path, row = _notes_cell(exported, tmp_path / "typed.xlsx", b"m\xc3\xa3 _x005F_x0000_ d\xc3\xb2ng 1_x000D_\nd\xc3"
                                                             b"\xb2ng 2_x000D_d\xc3\xb2ng 3")
    preview = preview_excel_import(uow_factory=ws.uow_factory, paths=[path], today=ws.today())
    file = preview.files[0]
    assert [p for p in file.all_problems if p.row == row] == []
    apply_excel_import(uow_factory=ws.uow_factory, preview=preview)
    with ws.uow_factory() as uow:
        notes = {m.notes for m in uow.session.query(Material)}
    assert "mã _x0000_ dòng 1\ndòng 2\ndòng 3" in notes


def test_the_forms_refuse_a_control_character_naming_the_field(ws: WorkspaceSession, vietnamese: None) -> None:
    with ws.uow_factory() as uow:
        material_id = uow.session.query(Material.id).order_by(Material.created_at).first()[0]
    record = materials.get_material(uow_factory=ws.uow_factory, material_id=material_id)
    values = materials.MaterialInput(**{**{n: getattr(record, n) for n in materials.INPUT_FIELDS},
                                        "notes": "Ghi\x07 chú"})
    with pytest.raises(ValidationError) as refused:
        materials.update_material(uow_factory=ws.uow_factory, material_id=material_id, values=values,
                                  expected_version=record.version)
    assert "Ghi chú chứa một ký tự điều khiển" in str(refused.value) and "U+0007" in str(refused.value)
    task = get_progress_board(uow_factory=ws.uow_factory, today=ws.today()).rows[0]
    with pytest.raises(ValidationError, match="U\\+001B"):
        update_task_progress(uow_factory=ws.uow_factory, task_id=task.id, update=ProgressUpdate(
            "in_progress", 40, None, 0, "Đã làm\x1b xong", ws.today()))
    with pytest.raises(ValidationError, match="U\\+0000"):
        create_responsible_unit(uow_factory=ws.uow_factory, data=ResponsibleUnitInput("", "Phường\x00 Láng", "ward"))


def test_the_storage_refuses_what_a_way_in_forgot(ws: WorkspaceSession, vietnamese: None) -> None:
    with ws.uow_factory() as uow, pytest.raises(ValidationError) as refused:
        material = uow.session.query(Material).first()
        material.address = "Số 1\x0c phố Huế"
        uow.commit()
    assert "“Địa chỉ”" in refused.value.message and "U+000C" in refused.value.message
    assert "sản phẩm tuyên truyền trực quan “" in refused.value.message


def test_a_template_with_a_control_character_is_refused_at_its_place(tmp_path: Path) -> None:
    document = json.loads((resources_dir() / "templates" / "hanoi-2021.json").read_text(encoding="utf-8"))
    document["sections"][1]["title"] = "NỘI DUNG\x1b"
    path = tmp_path / "mau.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(TemplateError) as refused:
        load_template(path)
    assert any(line.startswith("$.sections[1].title: ") and "U+001B" in line for line in refused.value.details)


def _store_raw(workspace: Path, sql: str, *args: object) -> None:
    """Write as an older version of the application could have (before the checks of issue 18)."""
    with sqlite3.connect(workspace) as connection:
        connection.execute(sql, args)


def test_a_district_holding_an_old_control_character_is_told_before_it_sends(ws: WorkspaceSession,
                                                                             tmp_path: Path) -> None:
    with ws.uow_factory() as uow:
        material = uow.session.query(Material).order_by(Material.created_at).first()
        content, material_id = material.content, material.id
    ws.close()
    assert ws.path is not None
    _store_raw(ws.path, "UPDATE materials SET notes = ? WHERE id = ?", "cũ\x00", material_id)
    session = open_workspace(ws.path)
    try:
        with pytest.raises(ValidationError) as refused:
            sync.export_sync_package(uow_factory=session.uow_factory, out=tmp_path / "q1.khsync", period="2021-Q1")
    finally:
        session.close()
    assert not (tmp_path / "q1.khsync").exists()
    (line,) = refused.value.details
    assert line.startswith(f"visual material “{content[:40]}") and "Notes (notes) holds an invisible" in line


def test_the_city_names_the_record_by_its_content_and_the_excel_row_it_came_from(ws: WorkspaceSession,
                                                                                tmp_path: Path) -> None:
    """A package made by an older version: the material holding a NUL came from row 3 of a unit's workbook."""
    exported = tmp_path / "tien-do.xlsx"
    export_progress_workbook(uow_factory=ws.uow_factory, out=exported, today=ws.today())
    path, _row = _notes_cell(exported, tmp_path / "phuong.xlsx", b"Treo l\xe1\xba\xa1i")
    apply_excel_import(uow_factory=ws.uow_factory,
                       preview=preview_excel_import(uow_factory=ws.uow_factory, paths=[path], today=ws.today()))
    package = tmp_path / "q1.khsync"
    sync.export_sync_package(uow_factory=ws.uow_factory, out=package, period="2021-Q1")
    key = private_key_of(ws)

    def plant(data: dict) -> None:
        record = next(m for m in data["data/materials.json"] if m["notes"] == "Treo lại")
        record["notes"] = "Treo lại\x00"

    forged = repack(package, tmp_path / "old.khsync", key, edit_data=plant)
    city = new_city(tmp_path / "city.khws")
    try:
        with pytest.raises(PackageError) as refused:
            sync.import_package(uow_factory=city.uow_factory, path=forged, trust_new_keys=True)
    finally:
        city.close()
    (line,) = refused.value.details
    assert line.startswith("visual material “")
    assert f"from Excel: phuong.xlsx, sheet “{MATERIALS}”, row 3; data/materials.json, record" in line
    assert line.endswith("Notes (notes) holds an invisible control character (U+0000) at character 9; delete it "
                         "and type the text again")
