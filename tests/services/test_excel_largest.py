"""Issue 18: the importer accepts every workbook the exporter writes, at the largest supported workspace.

Was: the exporter wrote what the import refused — a workbook of 100,000 materials has 100,002 rows
with its two title rows, over the import's 100,000, and the app's own 87 MB export of a larger workspace
was refused as a ZIP bomb. Now both sides use ``MAX_DATA_ROWS``: the largest workbook is read (in a child
under the 500 MB limit every workbook is read within), and a larger one is never written.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kehoach_desktop.domain.errors import ValidationError
from kehoach_desktop.exchange.excel_format import MATERIALS_SHEET, MAX_DATA_ROWS
from kehoach_desktop.services.excel_export import export_progress_workbook
from kehoach_desktop.services.session import open_workspace
from tests.limited import run_cli
from tests.services.excel_support import largest_workspace

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]  # 100,000 materials are built and read: minutes


@pytest.fixture(scope="module")
def largest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return largest_workspace(tmp_path_factory.mktemp("largest") / "lon.khws")


def test_the_largest_workbook_the_exporter_writes_is_read_back(largest: Path) -> None:
    session = open_workspace(largest)
    out = largest.with_name("lon.xlsx")
    try:
        done = export_progress_workbook(uow_factory=session.uow_factory, out=out, today=session.today(),
                                        sheets=["materials"])
    finally:
        session.close()
    assert done.total_rows == MAX_DATA_ROWS == 100_000
    with sqlite3.connect(largest) as connection:  # three addresses changed since: the workbook would set them back
        changed = [row[0] for row in connection.execute("SELECT id FROM materials ORDER BY id LIMIT 3")]
        connection.executemany("UPDATE materials SET address = 'đã đổi' WHERE id = ?", [(i,) for i in changed])
    connection.close()
    # 100,000 rows take about half the time openpyxl takes to read them (tests/bench/bench_hostile.py --largest):
    # over a minute on a loaded CI machine, so the guard against hangs is longer here
    run = run_cli(["excel", "import", "--workspace", str(largest), "--dry-run", str(out)], memory_mb=500,
                  timeout=900)
    print(run.describe())
    assert run.returncode == 0 and not run.crashed, run.describe()
    assert "lon.xlsx: 3 mục thay đổi, 0 mục mới, thiếu 0 dòng, 0 lỗi." in run.stdout, run.stdout[:2000]
    assert run.stdout.count("Địa chỉ: đã đổi → ") == 3


def test_a_workbook_larger_than_the_import_reads_is_not_written(largest: Path, vietnamese: None) -> None:
    session = open_workspace(largest)
    out = largest.with_name("qua-lon.xlsx")
    try:
        with pytest.raises(ValidationError) as refused:
            export_progress_workbook(uow_factory=session.uow_factory, out=out, today=session.today(),
                                     sheets=["tasks", "materials"])
    finally:
        session.close()
    with sqlite3.connect(largest) as connection:
        tasks = connection.execute("SELECT count(*) FROM tasks").fetchone()[0]
    connection.close()
    assert tasks > 0
    total = f"{100_000 + tasks:,}".replace(",", ".")
    assert f"Bảng tính sẽ có {total} mục (" in refused.value.message, refused.value.message
    assert f"{MATERIALS_SHEET.title}: 100.000" in refused.value.message
    assert not out.exists()
