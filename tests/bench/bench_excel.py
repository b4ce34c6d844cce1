"""P2 and P3: export and import of the Excel progress workbook at 10,000 materials, 2,000 tasks, 1,200 events.

P2: ``export_progress_workbook`` (query, styles, validations, protection, _meta) against the floor of
openpyxl write-only writing the same cell values, plain, in the same run. Target ≤ 1.5×.
P3: ``preview_excel_import`` + ``apply_excel_import`` (read, validate every cell, preview, backup, apply
1,000 edited rows in one transaction) against the floor of openpyxl read-only reading the same cells
(values only). Target ≤ 2×.

    python tests/bench/bench_excel.py [--runs 5] [--scale 50]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def median_s(work: Callable[[], object], runs: int, before: Callable[[], object] | None = None) -> float:
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scale", type=int, default=50)
    args = parser.parse_args()

    import openpyxl
    from openpyxl import Workbook

    from kehoach_desktop.exchange.excel_format import SHEET_KEYS, SHEETS
    from kehoach_desktop.services import excel_export
    from kehoach_desktop.services.demo import DEMO_TODAY, create_demo_workspace
    from kehoach_desktop.services.excel_import import apply_excel_import, preview_excel_import
    from kehoach_desktop.storage.engine import open_store

    folder = Path(tempfile.mkdtemp(prefix="bench-excel-"))
    source = folder / "demo.khws"
    create_demo_workspace(path=source, scale=args.scale, today=DEMO_TODAY).close()
    store = open_store(source)
    with store.uow() as uow:
        data = excel_export._load(uow.session, today=DEMO_TODAY, sheets=SHEET_KEYS)
    rows = {key: [r.values for r in data.rows[key]] for key in SHEET_KEYS}
    print("rows: " + ", ".join(f"{k} {len(v):,}" for k, v in rows.items()))

    out = folder / "tien-do.xlsx"

    def export() -> None:
        excel_export.export_progress_workbook(uow_factory=store.uow, out=out, today=DEMO_TODAY)

    def floor_write() -> None:
        workbook = Workbook(write_only=True)
        for key in SHEET_KEYS:
            sheet = workbook.create_sheet(SHEETS[key].title)
            sheet.append([c.title for c in SHEETS[key].columns])
            for row in rows[key]:
                sheet.append(row)
        workbook.save(folder / "floor.xlsx")

    export_s = median_s(export, args.runs)
    floor_w = median_s(floor_write, args.runs)
    store.close()

    # a returned workbook: 1,000 materials and 500 tasks edited
    workbook = openpyxl.load_workbook(out)
    materials, tasks = workbook["Tuyên truyền cổ động trực quan"], workbook["Nhiệm vụ"]
    m_cols = {c.value: c.column for c in materials[2]}
    t_cols = {c.value: c.column for c in tasks[2]}
    for row in range(3, 1003):
        materials.cell(row=row, column=m_cols["Ghi chú"], value=f"Phường kiểm tra {row}")
    for row in range(3, 503):
        tasks.cell(row=row, column=t_cols["Kết quả thực hiện"], value=f"Đã thực hiện {row}")
    returned = folder / "returned.xlsx"
    workbook.save(returned)

    work_copy = folder / "work.khws"
    state: dict[str, object] = {}

    def fresh() -> None:
        if "store" in state:
            state.pop("store").close()  # type: ignore[attr-defined]
        for suffix in ("", "-wal", "-shm"):
            Path(str(work_copy) + suffix).unlink(missing_ok=True)
        shutil.rmtree(folder / "work-backups", ignore_errors=True)
        shutil.copy(source, work_copy)
        state["store"] = open_store(work_copy)

    def import_() -> None:
        store_ = state["store"]
        preview = preview_excel_import(uow_factory=store_.uow, paths=[returned], today=DEMO_TODAY)  # type: ignore
        outcome = apply_excel_import(uow_factory=store_.uow, preview=preview)  # type: ignore[attr-defined]
        assert outcome.updated == 1500, outcome

    def floor_read() -> None:
        book = openpyxl.load_workbook(returned, read_only=True)
        for sheet in book.worksheets:
            for _row in sheet.iter_rows(values_only=True):
                pass
        book.close()

    import_s = median_s(import_, args.runs, before=fresh)
    fresh()
    state.pop("store").close()  # type: ignore[attr-defined]
    floor_r = median_s(floor_read, args.runs)

    def preview_only() -> None:
        store_ = open_store(source)
        try:
            preview_excel_import(uow_factory=store_.uow, paths=[returned], today=DEMO_TODAY)
        finally:
            store_.close()

    preview_s = median_s(preview_only, args.runs)
    print(f"P2 export          {export_s * 1000:8.0f} ms   floor (openpyxl write-only) {floor_w * 1000:8.0f} ms   "
          f"ratio {export_s / floor_w:.2f} (target ≤ 1.5)")
    print(f"P3 import (all)    {import_s * 1000:8.0f} ms   floor (openpyxl read-only)  {floor_r * 1000:8.0f} ms   "
          f"ratio {import_s / floor_r:.2f} (target ≤ 2)")
    print(f"   of which preview {preview_s * 1000:7.0f} ms (read with calamine, validate every cell, compare)")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
