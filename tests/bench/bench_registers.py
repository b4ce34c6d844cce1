"""P6: refreshing the materials register (filter, search, sort, totals) at 10,000 and 300,000 rows.

Three workspaces: the demo at scale 50 (10,000 materials); the city's table of 300,000 rows,
30 units of 10,000, with the register of one unit open (how the city drills into a district);
and a worst case no office reaches, one unit holding all 300,000 rows.

For each case the page's real work is timed — the totals query and the first page of the
filtered, sorted view, through the services, and the whole ``MaterialsPage.apply_filters``
with Qt offscreen — against a floor measured in the same run: the raw SQL ``count(*)`` of
the same filter through sqlite3. A deep page (the 50th, by key) shows that scrolling far
costs what the first page does. Target: under 100 ms per refresh.

    python tests/bench/bench_registers.py [--runs 7] [--big 300000]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


@dataclass(frozen=True)
class Case:
    name: str
    filter_kwargs: dict
    sort: tuple[str, bool]
    floor_where: str


CASES = [
    Case("open (no filter, newest first)", {}, ("updated_at", True), ""),
    Case("status = installed", {"statuses": ("installed",)}, ("updated_at", True), "AND status = 'installed'"),
    Case("type = banner, ward", {"types": ("banner",), "ward": "Láng Hạ"}, ("updated_at", True),
         "AND type = 'banner' AND ward = 'Láng Hạ'"),
    Case("search 'chao mung'", {"search": "chao mung"}, ("updated_at", True),
         "AND search_key LIKE '%chao%' AND search_key LIKE '%mung%'"),
    Case("sort by content", {}, ("content", False), ""),
    Case("sort by cost desc", {}, ("cost", True), ""),
    Case("sort by step date, removed", {"statuses": ("removed",)}, ("status_date", False),
         "AND status = 'removed'"),
]


def median_ms(work: Callable[[], object], runs: int) -> float:
    work()  # warm the page cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def grow(path: Path, target: int) -> None:
    """Copy the demo's materials with new ids until the workspace holds ``target`` of them."""
    with sqlite3.connect(path) as db:
        count = db.execute("SELECT count(*) FROM materials").fetchone()[0]
        columns = [row[1] for row in db.execute("PRAGMA table_info(materials)")]
        select = ", ".join("lower(hex(randomblob(16)))" if c == "id" else c for c in columns)
        while count < target:
            db.execute(f"INSERT INTO materials ({', '.join(columns)}) SELECT {select} FROM materials "
                       f"LIMIT {min(count, target - count)}")
            count = db.execute("SELECT count(*) FROM materials").fetchone()[0]
        db.commit()
        db.execute("ANALYZE")


def grow_other_units(path: Path, units: int) -> None:
    """Copy the demo's materials to ``units - 1`` other units: the city's table, drilled into one unit."""
    with sqlite3.connect(path) as db:
        own = db.execute("SELECT unit_code FROM workspace").fetchone()[0]
        columns = [row[1] for row in db.execute("PRAGMA table_info(materials)")]
        for n in range(1, units):
            select = ", ".join("lower(hex(randomblob(16)))" if c == "id" else f"'X{n:02d}'" if c == "unit_code"
                               else c for c in columns)
            db.execute(f"INSERT INTO materials ({', '.join(columns)}) SELECT {select} FROM materials "
                       "WHERE unit_code = ?", (own,))
        db.commit()
        db.execute("ANALYZE")


def bench(path: Path, runs: int, label: str) -> None:
    from PySide6.QtWidgets import QApplication

    from kehoach_desktop.services.materials import MaterialFilter, material_totals, query_materials
    from kehoach_desktop.services.registers import SortSpec
    from kehoach_desktop.services.session import open_workspace
    from kehoach_desktop.ui.pages.materials_page import MaterialsPage

    app = QApplication.instance() or QApplication([])
    session = open_workspace(path)
    raw = sqlite3.connect(path)
    unit = raw.execute("SELECT unit_code FROM workspace").fetchone()[0]
    total = raw.execute("SELECT count(*) FROM materials").fetchone()[0]
    own = raw.execute("SELECT count(*) FROM materials WHERE unit_code = ?", (unit,)).fetchone()[0]
    print(f"\n{label}: {total:,} materials, {own:,} of them the unit's")
    print(f"{'case':34} {'rows':>8} {'floor':>8} {'totals':>8} {'page 1':>8} {'page 50':>8} {'refresh':>8} "
          f"{'ratio':>6}")
    page = MaterialsPage(session)
    page.resize(1280, 800)
    page.show()
    page.refresh()
    app.processEvents()
    for case in CASES:
        flt = MaterialFilter(**case.filter_kwargs)
        sort = SortSpec(*case.sort)
        sql = f"SELECT count(*) FROM materials WHERE deleted_at IS NULL AND unit_code = ? {case.floor_where}"
        rows = raw.execute(sql, (unit,)).fetchone()[0]
        floor = median_ms(lambda sql=sql: raw.execute(sql, (unit,)).fetchone(), runs)
        totals = median_ms(lambda flt=flt: material_totals(uow_factory=session.uow_factory, flt=flt), runs)
        first = median_ms(lambda flt=flt, sort=sort: query_materials(uow_factory=session.uow_factory, flt=flt,
                                                                     sort=sort), runs)
        after = None
        for _ in range(49):
            result = query_materials(uow_factory=session.uow_factory, flt=flt, sort=sort, after=after)
            after = result.after
            if after is None:
                break
        deep = median_ms(lambda flt=flt, sort=sort, after=after: query_materials(
            uow_factory=session.uow_factory, flt=flt, sort=sort, after=after), runs) if after else float("nan")

        timings: list[float] = []

        def refresh(case: Case = case, timings: list[float] = timings) -> None:
            page._sort = SortSpec(*case.sort)
            page.clear_filters()  # resets widgets, then the case's filter is set below
            if "statuses" in case.filter_kwargs:
                page.status_filter.blockSignals(True)
                page.status_filter.setCurrentIndex(page.status_filter.findData(case.filter_kwargs["statuses"][0]))
                page.status_filter.blockSignals(False)
            if "types" in case.filter_kwargs:
                page.type_filter.blockSignals(True)
                page.type_filter.setCurrentIndex(page.type_filter.findData(case.filter_kwargs["types"][0]))
                page.type_filter.blockSignals(False)
            if "search" in case.filter_kwargs:
                page.search.blockSignals(True)
                page.search.setText(case.filter_kwargs["search"])
                page.search.blockSignals(False)
            start = time.perf_counter()
            page.apply_filters()
            app.processEvents()
            timings.append(time.perf_counter() - start)

        for _ in range(runs + 1):
            refresh()
        whole = statistics.median(timings[1:]) * 1000
        print(f"{case.name:34} {rows:>8,} {floor:>7.1f}  {totals:>7.1f}  {first:>7.1f}  {deep:>7.1f}  "
              f"{whole:>7.1f}  {whole / floor:>5.1f}x")
    page.close()
    session.close()
    raw.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--big", type=int, default=300_000)
    args = parser.parse_args()
    from kehoach_desktop.services.session import new_demo_workspace

    with tempfile.TemporaryDirectory() as folder:
        demo = Path(folder) / "demo50.khws"
        new_demo_workspace(demo, scale=50).close()
        bench(demo, args.runs, "demo --scale 50")
        big, city = Path(folder) / "big.khws", Path(folder) / "city.khws"
        for copy in (big, city):
            with sqlite3.connect(demo) as source, sqlite3.connect(copy) as target:
                source.backup(target)
        grow(big, args.big)
        bench(big, args.runs, f"one unit grown to {args.big:,} (a worst case no district reaches)")
        units = max(args.big // 10_000, 2)
        grow_other_units(city, units)
        bench(city, args.runs, f"city: {units} units of 10,000, the register of one unit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
