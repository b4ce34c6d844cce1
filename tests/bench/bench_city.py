"""P6, P7: the city's completeness board over 30 units of 10,000 materials each (300,000 rows).

Build: one demo district at scale 50 (10,000 materials, 2,000 tasks, 1,200 events) exports its
signed package and a new city workspace imports it through ``services/sync`` (the real path);
its rows are then copied under the 29 other unit codes of the template with SQL (ids remapped
by prefixing them with the unit code, references likewise) and a
received-package row per unit, so every unit has a plan, tasks, materials, events and a report.

Measured (medians): the board refresh through the service, the board page's ``refresh`` with Qt
offscreen, a register filter (one unit's materials, a status filter, a diacritics-free search),
and the resident memory of a separate process that opens the main window on the workspace and
shows the board (VmRSS from /proc/self/status). Targets: under 100 ms per refresh; under 400 MB.

    python tests/bench/bench_city.py [--runs 7] [--units 30] [--scale 50]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

_COPIED = {  # table: columns holding ids of records copied with it
    "responsible_units": ("id",),
    "plans": ("id",),
    "plan_revisions": ("id", "plan_id"),
    "plan_sections": ("id", "plan_id", "parent_id"),
    "tasks": ("id", "plan_id", "section_id", "lead_unit_id"),
    "materials": ("id", "plan_id", "section_id", "task_id"),
    "events": ("id", "plan_id", "section_id", "task_id"),
}


def median_ms(work: Callable[[], object], runs: int) -> float:
    work()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def build(folder: Path, units: int, scale: int) -> Path:
    from kehoach_desktop.domain.enums import WorkspaceMode
    from kehoach_desktop.services import sync
    from kehoach_desktop.services.demo import DEMO_TODAY, create_demo_workspace
    from kehoach_desktop.services.session import new_workspace
    from kehoach_desktop.services.templates import builtin_template
    from kehoach_desktop.services.workspace import WorkspaceSetup, set_demo_today

    start = time.perf_counter()
    source = builtin_template().reporting_units[0].code
    store = create_demo_workspace(path=folder / "district.khws", district_code=source, scale=scale, today=DEMO_TODAY)
    package = folder / "district.khsync"
    sync.export_sync_package(uow_factory=store.uow, out=package, period="2021-Q1", today=DEMO_TODAY)
    store.close()
    city_path = folder / "city.khws"
    city = new_workspace(city_path, WorkspaceSetup(mode=WorkspaceMode.CITY))
    set_demo_today(uow_factory=city.uow_factory, day=DEMO_TODAY)
    sync.import_package(uow_factory=city.uow_factory, path=package, trust_new_keys=True)
    city.close()
    print(f"demo district at scale {scale}, package exported and imported: {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    codes = [u.code for u in builtin_template().reporting_units if u.code != source][:units - 1]
    with sqlite3.connect(city_path) as db:
        for table, id_columns in _COPIED.items():
            columns = [row[1] for row in db.execute(f"PRAGMA table_info({table})")]
            for code in codes:
                values = ", ".join(
                    f"CASE WHEN {c} IS NULL THEN NULL ELSE '{code}:' || {c} END" if c in id_columns
                    else f"'{code}'" if c == "unit_code" else c for c in columns)
                db.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {values} FROM {table} "
                           f"WHERE unit_code = ?", (source,))
        columns = [row[1] for row in db.execute("PRAGMA table_info(received_packages)")]
        for code in codes:
            values = ", ".join(f"'{code}:' || {c}" if c in ("id", "sha256") else
                               f"'{code}'" if c == "unit_code" else c for c in columns)
            db.execute(f"INSERT INTO received_packages ({', '.join(columns)}) SELECT {values} "
                       f"FROM received_packages WHERE unit_code = ?", (source,))
        db.commit()
        db.execute("ANALYZE")
        count = db.execute("SELECT count(*) FROM materials").fetchone()[0]
    print(f"copied under {len(codes)} more unit codes with SQL: {time.perf_counter() - start:.1f} s; "
          f"{count:,} materials in the city workspace")
    return city_path


def bench(path: Path, runs: int) -> None:
    from PySide6.QtWidgets import QApplication

    from kehoach_desktop.services.city_board import BoardCache, get_completeness_board
    from kehoach_desktop.services.materials import MaterialFilter, material_totals, query_materials
    from kehoach_desktop.services.registers import SortSpec
    from kehoach_desktop.services.session import open_workspace
    from kehoach_desktop.services.unit_view import unit_view_factory
    from kehoach_desktop.ui.pages.board_page import BoardPage

    app = QApplication.instance() or QApplication([])
    session = open_workspace(path)
    try:
        today = session.today()
        board = get_completeness_board(uow_factory=session.uow_factory, today=today)
        print(f"board: {len(board.rows)} units, {board.totals.materials_total:,} materials, "
              f"{board.totals.tasks_total:,} tasks, {board.totals.events_total:,} events")
        cache = BoardCache()

        def after_one_import() -> None:  # a new package of one unit: its figures are summed up again
            cache.entries.pop(board.rows[3].code, None)
            get_completeness_board(uow_factory=session.uow_factory, today=today, cache=cache)

        results = {
            "board, everything summed up (first open)": median_ms(
                lambda: get_completeness_board(uow_factory=session.uow_factory, today=today), runs),
            "board refresh (service, page's cache)": median_ms(
                lambda: get_completeness_board(uow_factory=session.uow_factory, today=today, cache=cache), runs),
            "board refresh after one unit's new package": median_ms(after_one_import, runs),
            "board refresh, kind = huyện (service)": median_ms(
                lambda: get_completeness_board(uow_factory=session.uow_factory, today=today, kind="huyện"), runs),
        }
        page = BoardPage(session)
        page.resize(1280, 800)
        page.show()
        page.refresh()  # the first open fills the page's cache
        results["board page refresh (Qt offscreen)"] = median_ms(lambda: (page.refresh(), app.processEvents()),
                                                                  runs)
        view = unit_view_factory(session.uow_factory, board.rows[5].code)
        sort = SortSpec("updated_at", True)
        for name, flt in (("one unit, no filter", MaterialFilter()),
                          ("one unit, status = installed", MaterialFilter(statuses=("installed",))),
                          ("one unit, search 'chao mung'", MaterialFilter(search="chao mung"))):
            results[f"register filter: {name}"] = median_ms(
                lambda flt=flt: (material_totals(uow_factory=view, flt=flt),
                                 query_materials(uow_factory=view, flt=flt, sort=sort)), runs)
        every = MaterialFilter(all_units=True, statuses=("installed",))
        results["service only (no screen): all units, installed"] = median_ms(
            lambda: (material_totals(uow_factory=session.uow_factory, flt=every),
                     query_materials(uow_factory=session.uow_factory, flt=every, sort=sort)), runs)
        for name, value in results.items():
            print(f"  {name:<52} median {value:7.1f} ms  {'OK' if value < 100 else 'OVER 100 ms'}")
    finally:
        session.close()


_RSS_SCRIPT = """
import os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from pathlib import Path
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from kehoach_desktop.services.session import open_workspace
from kehoach_desktop.ui.main_window import MainWindow
from kehoach_desktop.ui.style import STYLE_SHEET
app = QApplication([])
app.setStyleSheet(STYLE_SHEET)
session = open_workspace(Path(sys.argv[1]))
window = MainWindow(session, QSettings(sys.argv[2], QSettings.Format.IniFormat), log_file=Path(sys.argv[3]))
window.show()
window.show_area("board")
for _ in range(5):
    app.processEvents()
window.page_by_key["board"].refresh()
app.processEvents()
rss = next(line for line in open("/proc/self/status") if line.startswith("VmRSS"))
print(int(rss.split()[1]) // 1024)
window.close()
session.close()
"""


def resident_mb(path: Path, folder: Path) -> int:
    out = subprocess.run([sys.executable, "-c", _RSS_SCRIPT, str(path), str(folder / "s.ini"), str(folder / "l.log")],
                         capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parents[2])
    return int(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--units", type=int, default=30)
    parser.add_argument("--scale", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = build(folder, args.units, args.scale)
        bench(path, args.runs)
        memory = [resident_mb(path, folder) for _ in range(3)]
        value = statistics.median(memory)
        print(f"  {'resident memory, main window on the board (P7)':<52} median {value:7.0f} MB  "
              f"{'OK' if value < 400 else 'OVER 400 MB'}  (runs: {memory})")


if __name__ == "__main__":
    main()
