"""Issue 18: a workbook exported for one unit changes only the records it was sent; its list of them is sealed.

Was: a row carrying another ward's material id was applied without a word, although ``_meta`` knew which
ids had been exported.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from kehoach_desktop.exchange.excel_format import MATERIALS_SHEET
from kehoach_desktop.services.excel_export import export_progress_workbook, list_export_units
from kehoach_desktop.services.excel_import import OK, REFUSED, apply_excel_import, preview_excel_import
from kehoach_desktop.services.session import WorkspaceSession, new_demo_workspace
from kehoach_desktop.storage.models import Material
from tests.services.excel_support import content_dump, header_columns

MATERIALS = MATERIALS_SHEET.title  # "Tuyên truyền cổ động trực quan"


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkspaceSession]:
    session = new_demo_workspace(tmp_path_factory.mktemp("scope") / "demo.khws")
    yield session
    session.close()


@pytest.fixture
def ward_workbook(ws: WorkspaceSession, tmp_path: Path) -> tuple[Path, str]:
    """The workbook of the unit with the most materials (a centre, or a ward by its name), and its name."""
    units = list_export_units(uow_factory=ws.uow_factory, today=ws.today())
    ward = max(units, key=lambda u: u.materials)
    assert 0 < ward.materials < 200
    out = tmp_path / "phuong.xlsx"
    export_progress_workbook(uow_factory=ws.uow_factory, out=out, today=ws.today(), unit=ward.code)
    return out, ward.name


def _sent_ids(path: Path) -> list[str]:
    sheet = openpyxl.load_workbook(path)[MATERIALS]
    return [row[0] for row in sheet.iter_rows(min_row=3, max_col=1, values_only=True) if row[0]]


def _foreign_material(ws: WorkspaceSession, sent: list[str]) -> tuple[str, str]:
    with ws.uow_factory() as uow:
        material = uow.session.query(Material).filter(Material.id.not_in(sent)).order_by(Material.id).first()
        return material.id, material.content


def _add_row(path: Path, material_id: str, content: str, target: Path) -> int:
    """A row below the ward's materials carrying another material's id, its content changed."""
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[MATERIALS]
    columns = header_columns(sheet)
    row = 3 + len(_sent_ids(path))
    sheet.cell(row=row, column=columns["Mã (không sửa)"], value=material_id)
    sheet.cell(row=row, column=columns["Loại"], value="Pa-nô")
    sheet.cell(row=row, column=columns["Nội dung"], value=content + " (đã sửa)")
    sheet.cell(row=row, column=columns["Số lượng"], value=1)
    sheet.cell(row=row, column=columns["Trạng thái"], value="Dự kiến")
    workbook.save(target)
    return row


def test_a_row_carrying_a_record_not_sent_to_the_unit_is_refused(ws: WorkspaceSession, ward_workbook: tuple[Path, str],
                                                                tmp_path: Path, vietnamese: None) -> None:
    path, ward = ward_workbook
    sent = _sent_ids(path)
    foreign_id, content = _foreign_material(ws, sent)
    row = _add_row(path, foreign_id, content, tmp_path / "them-dong.xlsx")
    before = content_dump(ws)
    preview = preview_excel_import(uow_factory=ws.uow_factory, paths=[tmp_path / "them-dong.xlsx"],
                                   today=ws.today())
    file = preview.files[0]
    assert file.status == OK
    (problem,) = [p for p in file.all_problems if p.row == row]
    assert problem.blocking and problem.letter == "A" and problem.found == foreign_id
    assert f"không được gửi cho {ward}" in problem.expected
    assert file.change_count == 0
    apply_excel_import(uow_factory=ws.uow_factory, preview=preview)
    assert content_dump(ws) == before


@pytest.mark.parametrize("tamper", ["id added to the list", "unit filter removed", "seal removed"])
def test_a_workbook_whose_list_of_sent_records_was_edited_changes_nothing_of_others(tamper: str, ws: WorkspaceSession,
                                                                     ward_workbook: tuple[Path, str],
                                                                     tmp_path: Path) -> None:
    """Hiding the list in a hidden sheet does not protect it: a unit can edit ``_meta``; the seal does."""
    path, _ward = ward_workbook
    foreign_id, content = _foreign_material(ws, _sent_ids(path))
    target = tmp_path / "sua-meta.xlsx"
    _add_row(path, foreign_id, content, target)
    workbook = openpyxl.load_workbook(target)
    meta = workbook["_meta"]
    keys = {meta.cell(row=r, column=1).value: r for r in range(2, meta.max_row + 1)}
    if tamper == "id added to the list":
        column = next(c for c in range(4, 7) if meta.cell(row=1, column=c).value == "materials")
        last = max(r for r in range(1, meta.max_row + 1) if meta.cell(row=r, column=column).value)
        meta.cell(row=last + 1, column=column, value=foreign_id)
    elif tamper == "unit filter removed":
        meta.cell(row=keys["unit_filter_code"], column=2).value = None
        meta.cell(row=keys["unit_filter_name"], column=2).value = None
    else:
        meta.cell(row=keys["scope_check"], column=1).value = None
        meta.cell(row=keys["scope_check"], column=2).value = None
    workbook.save(target)
    before = content_dump(ws)
    preview = preview_excel_import(uow_factory=ws.uow_factory, paths=[target], today=ws.today())
    file = preview.files[0]
    if tamper == "seal removed":
        # read as a workbook of version 0.1.0 (which sealed nothing): its rows are checked against the records
        # the ward has today, so the foreign row is still refused
        assert file.status != REFUSED
        assert [p.found for p in file.all_problems if p.blocking] == [foreign_id]
        assert any("earlier version" in p.expected for p in file.all_problems if not p.blocking)
        apply_excel_import(uow_factory=ws.uow_factory, preview=preview)
    else:
        assert file.status == REFUSED and "hidden sheet “_meta” of this workbook was changed" in file.message
    assert content_dump(ws) == before


def test_the_unit_s_own_rows_and_new_rows_are_applied(ws: WorkspaceSession, ward_workbook: tuple[Path, str],
                                                      tmp_path: Path) -> None:
    path, _ward = ward_workbook
    workbook = openpyxl.load_workbook(path)
    sheet = workbook[MATERIALS]
    columns = header_columns(sheet)
    sheet.cell(row=3, column=columns["Ghi chú"], value="Đã kiểm tra")
    new_row = 3 + len(_sent_ids(path))
    for title, value in (("Loại", "Băng rôn, khẩu hiệu"), ("Nội dung", "Mừng Xuân Tân Sửu"), ("Số lượng", 2),
                         ("Trạng thái", "Dự kiến")):
        sheet.cell(row=new_row, column=columns[title], value=value)
    workbook.save(tmp_path / "cua-phuong.xlsx")
    file = preview_excel_import(uow_factory=ws.uow_factory, paths=[tmp_path / "cua-phuong.xlsx"],
                                today=ws.today()).files[0]
    assert file.status == OK and [p for p in file.all_problems if p.blocking] == []
    materials = next(s for s in file.sheets if s.key == "materials")
    assert len(materials.changes) == 1 and len(materials.new_records) == 1
