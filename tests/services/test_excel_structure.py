"""Issue 18, workbooks: no file can crash, hang or bloat the import, and formulas are found in every form.

Each hostile file is made from a real export (``tests/services/hostile_workbooks.py``). The ones
that aborted the whole process or used a gigabyte are read by the real command line in a child
process under a 500 MB memory limit (``tests/limited.py``), so that a regression fails the test
instead of killing pytest; the others are previewed in this process and the workspace compared.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from kehoach_desktop.exchange.excel_read import read_progress_workbook
from kehoach_desktop.exchange.xlsx_reader import ImportCancelled, WorkbookRefused
from kehoach_desktop.services.excel_export import export_progress_workbook
from kehoach_desktop.services.excel_import import OK, REFUSED, apply_excel_import, preview_excel_import
from kehoach_desktop.services.session import WorkspaceSession, new_demo_workspace, open_workspace
from tests.limited import run_cli
from tests.services import hostile_workbooks as hostile
from tests.services.excel_support import content_dump

MEMORY_MB = 500


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("structure")


@pytest.fixture(scope="module")
def exported(folder: Path) -> Path:
    """A demo district's workbook; the workspace is closed again, for the child processes to open."""
    session = new_demo_workspace(folder / "demo.khws")
    out = folder / "tien-do.xlsx"
    export_progress_workbook(uow_factory=session.uow_factory, out=out, today=session.today())
    session.close()
    return out


@pytest.fixture
def ws(folder: Path, exported: Path) -> Iterator[WorkspaceSession]:
    session = open_workspace(folder / "demo.khws")
    yield session
    session.close()


def preview_one(ws: WorkspaceSession, path: Path):  # type: ignore[no-untyped-def]
    return preview_excel_import(uow_factory=ws.uow_factory, paths=[path], today=ws.today()).files[0]


@pytest.mark.parametrize("case", sorted(hostile.FAR_CELLS))
def test_a_far_cell_in_any_form_neither_aborts_nor_bloats_the_import(case: str, folder: Path, exported: Path,
                                                                     tmp_path: Path) -> None:
    """Was: exit 134, "memory allocation of 549755813888 bytes failed", in the preview, the CLI and the dialog."""
    path = hostile.FAR_CELLS[case](exported, tmp_path / f"{case}.xlsx")
    assert path.stat().st_size < 100_000
    run = run_cli(["excel", "import", "--workspace", str(folder / "demo.khws"), "--dry-run", str(path)],
                  memory_mb=MEMORY_MB)
    print(f"{case}: {run.describe()}")
    assert not run.crashed, run.describe()
    if case == "sheet-named-twice":
        assert run.returncode == 1 and "hai trang tính “_meta”" in run.stderr, run.describe()
    else:  # a cell far away in the hidden sheet is outside what is read: the file is read like the original
        assert run.returncode == 0 and "Chạy thử" in run.stdout, run.describe()


@pytest.mark.parametrize(("strict", "with_r"), [(True, True), (False, False)], ids=["strict-namespace", "no-r"])
def test_a_million_rows_are_refused_whatever_their_namespace_or_references(strict: bool, with_r: bool, folder: Path,
                                                                           exported: Path, tmp_path: Path) -> None:
    """Was: read in full by calamine (27 s, 1 GB): the row count missed the other namespace and rows without r."""
    path = hostile.million_rows(exported, tmp_path / "million.xlsx", strict=strict, with_r=with_r)
    run = run_cli(["excel", "import", "--workspace", str(folder / "demo.khws"), "--dry-run", str(path)],
                  memory_mb=MEMORY_MB)
    print(f"million rows (strict={strict}, r={with_r}): {run.describe()}")
    assert run.returncode == 1 and not run.crashed, run.describe()
    # refused for its rows, or (the same row a million times packs 1000:1) as a ZIP bomb before a row is read
    assert (("có hơn 100.000 dòng" in run.stderr and "Nhiệm vụ" in run.stderr)
            or "khi giải nén" in run.stderr), run.describe()


@pytest.mark.parametrize("form", ["no-r", "lowercase", "strict", "spaced-close"])
def test_a_formula_in_any_form_is_reported_never_taken_as_its_cached_value(form: str, ws: WorkspaceSession,
                                                                           exported: Path, tmp_path: Path) -> None:
    """Was: “Kinh phí đã sử dụng” 18.700.000 → 99.999.999 from a formula's cached value."""
    path = hostile.formula_cell(exported, tmp_path / f"{form}.xlsx", "N3", form)
    before = content_dump(ws)
    file = preview_one(ws, path)
    assert file.status == OK, file.message
    problem = next(p for p in file.all_problems if p.row == 3)
    assert (problem.sheet, problem.letter, problem.column) == ("Nhiệm vụ", "N", "Kinh phí đã sử dụng (đồng)")
    assert problem.found == "a formula" and problem.blocking
    assert not any("99.999.999" in f.new for s in file.sheets for c in s.changes for f in c.fields)
    apply_excel_import(uow_factory=ws.uow_factory,
                       preview=preview_excel_import(uow_factory=ws.uow_factory, paths=[path], today=ws.today()))
    assert content_dump(ws) == before


def test_spaced_closing_tags_are_read_at_once(folder: Path, exported: Path, tmp_path: Path) -> None:
    """Was: a 199 KB file kept the import busy for more than 7 minutes (a regex scanned to the end for every cell)."""
    path = hostile.spaced_closing_tags(exported, tmp_path / "slow.xlsx", copies=4)
    run = run_cli(["excel", "import", "--workspace", str(folder / "demo.khws"), "--dry-run", str(path)],
                  memory_mb=MEMORY_MB)
    print(f"spaced closing tags ({path.stat().st_size // 1024} KB): {run.describe()}")
    assert run.returncode == 0 and not run.crashed, run.describe()
    assert "Nhiệm vụ · dòng 3 · N Kinh phí đã sử dụng (đồng): tìm thấy “một công thức”" in run.stdout, run.describe()


def test_a_sheet_named_twice_is_refused_with_its_name(ws: WorkspaceSession, exported: Path, tmp_path: Path) -> None:
    path = hostile.sheet_named_twice(exported, tmp_path / "twice.xlsx")
    before = content_dump(ws)
    file = preview_one(ws, path)
    assert file.status == REFUSED and "two sheets “_meta”" in file.message
    assert content_dump(ws) == before


def test_sheet_names_differing_only_in_case_are_one_name(exported: Path, tmp_path: Path) -> None:
    def edit(parts: hostile.Parts) -> None:
        parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b'name="_lists"', b'name="Nhi\xe1\xbb\x86M V\xe1'
                                                                                     b'\xbb\xa4"')

    path = hostile.rewrite(exported, tmp_path / "case.xlsx", edit)
    with pytest.raises(WorkbookRefused, match="two sheets"):
        read_progress_workbook(path)


def test_a_cancelled_read_stops_at_the_next_chunk(exported: Path, tmp_path: Path) -> None:
    """Cancel is asked after every 64 KB of unpacked XML: a read stops within milliseconds of the click."""
    path = hostile.spaced_closing_tags(exported, tmp_path / "big.xlsx", copies=40)
    asked = []

    def should_stop() -> bool:
        asked.append(1)
        return len(asked) > 3

    with pytest.raises(ImportCancelled):
        read_progress_workbook(path, should_stop=should_stop)
    assert len(asked) == 4  # the fourth question, answered yes, ended the read
    with zipfile.ZipFile(path) as archive:  # and there was much more to read
        assert sum(info.file_size for info in archive.infolist()) > 20 * (1 << 16)
