"""Hostile and broken workbooks: each gives a clear message, nothing crashes, the workspace is unchanged.

Also the real reader: a workbook opened and re-saved by LibreOffice imports cleanly.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from kehoach_desktop.domain.errors import UserFacingError
from kehoach_desktop.services.excel_export import export_progress_workbook
from kehoach_desktop.services.excel_import import OK, REFUSED, apply_excel_import, preview_excel_import
from kehoach_desktop.services.session import WorkspaceSession
from tests.services.excel_support import content_dump, demo, header_columns, rows_by_id

TASKS = "Nhiệm vụ"


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkspaceSession]:
    session = demo(tmp_path_factory.mktemp("hostile") / "demo.khws")
    yield session
    session.close()


@pytest.fixture
def exported(ws: WorkspaceSession, tmp_path: Path) -> Path:
    out = tmp_path / "tien-do.xlsx"
    export_progress_workbook(uow_factory=ws.uow_factory, out=out, today=ws.today())
    return out


def refused_message(ws: WorkspaceSession, path: Path) -> str:
    before = content_dump(ws)
    found = preview_excel_import(uow_factory=ws.uow_factory, paths=[path], today=ws.today())
    file = found.files[0]
    assert file.status == REFUSED, file
    with pytest.raises(UserFacingError):
        apply_excel_import(uow_factory=ws.uow_factory, preview=found)
    assert content_dump(ws) == before
    return file.message


def rewrite_part(source: Path, target: Path, part: str, data: bytes) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, data if info.filename == part else old.read(info.filename))
    return target


def test_a_file_that_is_not_a_zip(ws: WorkspaceSession, tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    path.write_text("Báo cáo tiến độ\n1;2;3\n", encoding="utf-8")
    assert "not an Excel workbook" in refused_message(ws, path)


def test_a_damaged_zip(ws: WorkspaceSession, exported: Path, tmp_path: Path) -> None:
    path = tmp_path / "cut.xlsx"
    path.write_bytes(exported.read_bytes()[:3000])
    assert "damaged or incomplete" in refused_message(ws, path)


def test_a_zip_that_is_not_a_workbook(ws: WorkspaceSession, tmp_path: Path) -> None:
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("anh/1.txt", "ảnh")
    assert "not an Excel workbook" in refused_message(ws, path)


def test_an_encrypted_workbook(ws: WorkspaceSession, exported: Path, tmp_path: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    path = tmp_path / "locked.xlsx"
    with exported.open("rb") as plain, path.open("wb") as locked:
        OOXMLFile(plain).encrypt("matkhau", locked)
    assert "password" in refused_message(ws, path)


def test_an_xml_bomb(ws: WorkspaceSession, exported: Path, tmp_path: Path) -> None:
    entities = "".join(f'<!ENTITY l{i} "&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};">' for i in range(1, 12))
    bomb = (f'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY l0 "lol">{entities}]>'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
            '<si><t>&l11;</t></si></sst>').encode()
    path = rewrite_part(exported, tmp_path / "bomb.xlsx", "xl/workbook.xml", bomb)
    assert "document type declaration" in refused_message(ws, path)


def _huge_sheet(rows: int, *, dimension: str | None) -> bytes:
    head = '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/' \
           'spreadsheetml/2006/main">'
    if dimension:
        head += f'<dimension ref="{dimension}"/>'
    body = "".join(f'<row r="{n}"><c r="B{n}"><v>{n}</v></c></row>' for n in range(1, rows + 1))
    return (head + "<sheetData>" + body + "</sheetData></worksheet>").encode()


def _sheet_part(path: Path, name: str) -> str:
    from kehoach_desktop.exchange.xlsx_reader import XlsxReader

    with XlsxReader(path) as reader:
        return reader.sheets[name].part


def test_a_million_rows_are_refused_before_being_read(ws: WorkspaceSession, exported: Path, tmp_path: Path) -> None:
    part = _sheet_part(exported, TASKS)
    path = rewrite_part(exported, tmp_path / "huge.xlsx", part, _huge_sheet(1_000_000, dimension=None))
    message = refused_message(ws, path)
    assert "more than 100.000 rows" in message and TASKS in message
    # what a sheet *says* it holds (its <dimension>) allocates nothing and is not believed: its ten rows are read
    path = rewrite_part(exported, tmp_path / "claims.xlsx", part, _huge_sheet(10, dimension="A1:XFD1048576"))
    file = preview_excel_import(uow_factory=ws.uow_factory, paths=[path], today=ws.today()).files[0]
    assert file.status == OK, file.message


def test_formulas_errors_and_merged_cells_are_reported_not_taken(ws: WorkspaceSession, exported: Path) -> None:
    rows = list(rows_by_id(exported, TASKS))
    workbook = openpyxl.load_workbook(exported)
    sheet = workbook[TASKS]
    columns = header_columns(sheet)
    sheet.cell(row=rows[0][0], column=columns["Kinh phí đã sử dụng (đồng)"], value="=1000*2")
    error = sheet.cell(row=rows[1][0], column=columns["Tỷ lệ hoàn thành"], value="#REF!")
    error.data_type = "e"
    sheet.merge_cells(start_row=rows[2][0], start_column=columns["Kết quả thực hiện"], end_row=rows[3][0],
                      end_column=columns["Kết quả thực hiện"])
    workbook.save(exported)
    before = content_dump(ws)

    found = preview_excel_import(uow_factory=ws.uow_factory, paths=[exported], today=ws.today())
    file = found.files[0]
    assert file.status == OK
    by_row = {p.row: p for p in file.all_problems}
    assert by_row[rows[0][0]].found == "a formula" and "not a formula" in by_row[rows[0][0]].expected
    assert by_row[rows[1][0]].found == "#REF!"
    assert "merged" in by_row[rows[2][0]].expected and by_row[rows[2][0]].found.count(":") == 1
    assert file.change_count == 0
    apply_excel_import(uow_factory=ws.uow_factory, preview=found)
    assert content_dump(ws) == before


def test_columns_in_another_order_with_english_titles_are_understood(ws: WorkspaceSession, exported: Path,
                                                                     tmp_path: Path) -> None:
    """A unit that rebuilt the sheet: English titles, columns reversed, an extra column, blank rows."""
    from kehoach_desktop.exchange.excel_format import TASKS_SHEET

    source = openpyxl.load_workbook(exported)
    sheet = source[TASKS]
    english = {c.title: c.english for c in TASKS_SHEET.columns}
    data = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    sheet.delete_rows(1, sheet.max_row)
    order = list(reversed(range(len(data[0]))))
    sheet.append(["Bảng của phường"])
    sheet.append([english.get(data[0][i], data[0][i]).upper() for i in order] + ["Ghi chú riêng"])
    for row in data[1:]:
        sheet.append([row[i] for i in order] + ["x"])
        sheet.append([])
    source.save(tmp_path / "rebuilt.xlsx")
    file = preview_excel_import(uow_factory=ws.uow_factory, paths=[tmp_path / "rebuilt.xlsx"],
                                today=ws.today()).files[0]
    assert file.status == OK and file.all_problems == () and file.change_count == 0
    assert next(s for s in file.sheets if s.key == "tasks").unchanged == 40


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def test_a_workbook_re_saved_by_libreoffice_imports_cleanly(ws: WorkspaceSession, exported: Path,
                                                            tmp_path: Path) -> None:
    soffice = _soffice()
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) must be installed in CI: .ci/run installs libreoffice-calc-nogui")
        pytest.skip("LibreOffice (soffice) is not installed on this machine")
    out = tmp_path / "lo"
    profile = tmp_path / "lo-profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "xlsx",
                    "--outdir", str(out), str(exported)], check=True, capture_output=True, timeout=180)
    resaved = out / exported.name
    assert resaved.exists() and resaved.read_bytes() != exported.read_bytes()
    before = content_dump(ws)
    found = preview_excel_import(uow_factory=ws.uow_factory, paths=[resaved], today=ws.today())
    file = found.files[0]
    assert file.status == OK and file.all_problems == () and file.change_count == 0
    assert {s.key: s.unchanged for s in file.sheets} == {"tasks": 40, "materials": 200, "events": 24}
    apply_excel_import(uow_factory=ws.uow_factory, preview=found)
    assert content_dump(ws) == before
